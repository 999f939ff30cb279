package dev.nicsim.tools.sweep;

import dev.nicsim.tools.config.ConfigException;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.config.TestbedParameters;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepPlanTest
{
    private static SweepPlan plan(final Settings base, final List<String> sweeps, final boolean grid)
    {
        return SweepPlan.of(SweepTargets.builtIn(), List.of("demo"), base, sweeps, grid);
    }

    @Test
    void shouldPairKeysInLockstep()
    {
        final SweepPlan plan = plan(TestbedParameters.defaults(),
            List.of("pcie.lanes=4,8", "link.rate_gbps=1,10"), false);
        assertEquals(List.of(Map.of("pcie.lanes", "4", "link.rate_gbps", "1"),
            Map.of("pcie.lanes", "8", "link.rate_gbps", "10")), plan.points().stream().map(SweepPlan.Point::values)
            .toList());
    }

    @Test
    void shouldCrossKeysAsAGridWithTheFirstKeyVaryingSlowest()
    {
        final SweepPlan plan = plan(TestbedParameters.defaults(),
            List.of("pcie.lanes=4,8", "driver.itr_units=0,8,32"), true);
        assertEquals(List.of("pcie.lanes=4 driver.itr_units=0", "pcie.lanes=4 driver.itr_units=8",
            "pcie.lanes=4 driver.itr_units=32", "pcie.lanes=8 driver.itr_units=0", "pcie.lanes=8 driver.itr_units=8",
            "pcie.lanes=8 driver.itr_units=32"), plan.points().stream().map(SweepPlan.Point::label).toList());
        assertEquals(5, plan.points().get(5).index());
    }

    @Test
    void shouldRefuseLockstepListsOfDifferentLengthsNamingBothKeys()
    {
        final ConfigException e = assertThrows(ConfigException.class, () -> plan(TestbedParameters.defaults(),
            List.of("pcie.lanes=4,8", "link.rate_gbps=1,10,25"), false));
        assertTrue(e.getMessage().contains("pcie.lanes has 2, link.rate_gbps has 3"), e.getMessage());
        assertTrue(e.getMessage().contains("--grid"), e.getMessage());
    }

    @Test
    void shouldCheckTheRulesBetweenKeysForEveryPointBeforeAnyRuns()
    {
        // A fixed driver.queues=4 breaks the rule with the default nic.queues=2, but holds at every point.
        final Settings base = TestbedParameters.defaults().assign("driver.queues=4");
        assertEquals(2, plan(base, List.of("nic.queues=4,8"), false).points().size());

        final ConfigException e = assertThrows(ConfigException.class, () -> plan(TestbedParameters.defaults(),
            List.of("driver.queues=1,4"), false));
        assertTrue(e.getMessage().startsWith("point 1 (driver.queues=4): settings that cannot work together: " +
            "driver.queues=4, nic.queues=2"), e.getMessage());
    }

    @Test
    void shouldRefuseABadValueOrTargetBeforeAnythingRuns()
    {
        assertThrows(ConfigException.class, () -> plan(TestbedParameters.defaults(),
            List.of("pcie.lanes=4,6"), false));
        final ConfigException e = assertThrows(ConfigException.class, () -> SweepPlan.of(SweepTargets.builtIn(),
            List.of("bogus"), TestbedParameters.defaults(), List.of("pcie.lanes=4,8"), false));
        assertTrue(e.getMessage().contains("unknown sweep target 'bogus': choose one of demo"), e.getMessage());
    }

    @Test
    void shouldReadBackWhatItWrites()
    {
        final SweepPlan plan = plan(TestbedParameters.defaults().set("sim.seed", "7")
            .set("fault.drop", "0.25"), List.of("driver.itr_units=0,8", "pcie.lanes=4,8"), true);
        final SweepPlan back = SweepPlan.parse(plan.toText(), "test", SweepTargets.builtIn());
        assertEquals(plan.toText(), back.toText());
        assertEquals(plan.points(), back.points());
        assertEquals("0.25", back.settings(back.point(3)).text("fault.drop"));
        assertEquals("8", back.settings(back.point(3)).text("pcie.lanes"));
    }

    @Test
    void shouldSliceShardsDisjointlyCoveringEveryPoint()
    {
        final SweepPlan plan = plan(TestbedParameters.defaults(),
            List.of("driver.itr_units=0,1,2,3,4,5,6"), false);
        assertEquals(List.of(0, 3, 6), Shard.parse("1/3").of(plan.points()).stream().map(SweepPlan.Point::index)
            .toList());
        assertEquals(List.of(2, 5), Shard.parse("3/3").of(plan.points()).stream().map(SweepPlan.Point::index)
            .toList());
        assertThrows(ConfigException.class, () -> Shard.parse("4/3"));
        assertThrows(ConfigException.class, () -> Shard.parse("x"));
    }
}
