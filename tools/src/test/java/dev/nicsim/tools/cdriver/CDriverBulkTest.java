package dev.nicsim.tools.cdriver;

import dev.nicsim.driver.DriverConfig;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.trace.AllocationMeter;
import dev.nicsim.nic.regs.Counters;
import dev.nicsim.tools.drivercheck.Bench;
import dev.nicsim.tools.drivercheck.BenchHost;
import dev.nicsim.tools.drivercheck.FrameStream;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bulk traffic through the reference C driver on both hosts, strict mode: as DriverBulkTest and DriverAllocationTest. */
class CDriverBulkTest
{
    private static final int BATCH = 1_000;

    @Test
    void shouldDeliverAMillionRandomSizedFramesEachWayInOrderByteExact()
    {
        final long frames = 1_000_000;
        final Bench bench = Bench.pair(DriverConfig.defaults(), CDrivers.factory("ns1"));

        bench.streamA().send(frames);
        bench.streamB().send(frames);
        final boolean done = bench.sim().runUntil(() -> bench.streamA().received() + bench.streamA().missing() ==
            frames && bench.streamB().received() + bench.streamB().missing() == frames, Time.seconds(10));

        assertTrue(done, "A received " + bench.streamA().received() + ", B " + bench.streamB().received());
        for (final FrameStream stream : new FrameStream[] {bench.streamA(), bench.streamB()})
        {
            assertEquals(frames, stream.received(), "every frame delivered");
            assertEquals(0, stream.missing(), "none lost");
            assertEquals(0, stream.wrong(), "in order and byte-exact, raw checksum included");
            assertTrue(stream.spaceSignals() > 0, "the TX ring filled (and wrapped) many times");
        }
        for (final BenchHost host : new BenchHost[] {bench.a(), bench.b()})
        {
            assertEquals(frames, host.driver().readCounter(Counters.GPTC), "the C driver reads 64-bit counters");
            assertEquals(frames, host.nic().counter(Counters.GPRC));
            assertEquals(0, host.nic().counter(Counters.RNBC) + host.nic().counter(Counters.MPC));
        }
    }

    @Test
    void shouldAllocateNothingOnTheJavaSidePerFrameInSteadyState()
    {
        final Bench bench = Bench.pair(DriverConfig.defaults(), CDrivers.factory("ns1"));
        bench.streamA().repeatEvery(BATCH);
        bench.streamB().repeatEvery(BATCH);
        final long[] target = {0};
        final BooleanSupplier arrived = () -> bench.streamA().received() == target[0] &&
            bench.streamB().received() == target[0];
        final Runnable batch = () ->
        {
            target[0] += BATCH;
            bench.streamA().send(BATCH);
            bench.streamB().send(BATCH);
            bench.sim().runUntil(arrived, bench.sim().now() + Time.ms(100));
        };
        final long[] runs = new long[5];
        runs[0] = AllocationMeter.steadyStateBytes(20, batch);
        for (int run = 1; run < runs.length; run++)
        {
            runs[run] = AllocationMeter.steadyStateBytes(0, batch);
        }

        assertEquals(25L * BATCH, bench.streamB().received());
        assertEquals(0, bench.streamA().wrong() + bench.streamB().wrong());
        assertEquals(0, Arrays.stream(runs).min().orElseThrow(), "bytes allocated by five steady-state runs of " +
            2 * BATCH + " frames each through the C driver: " + Arrays.toString(runs) + " (a one-off JIT " +
            "deoptimisation may allocate in one run; an allocation per frame would show in all)");
    }
}
