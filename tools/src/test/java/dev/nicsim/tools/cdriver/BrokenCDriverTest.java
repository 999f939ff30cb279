package dev.nicsim.tools.cdriver;

import dev.nicsim.driver.BuiltInDriverProvider;
import dev.nicsim.driver.DriverConfig;
import dev.nicsim.driver.DriverException;
import dev.nicsim.driver.DriverFault;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.nic.MisuseMode;
import dev.nicsim.nic.NicMisuseException;
import dev.nicsim.nic.regs.Counters;
import dev.nicsim.tools.drivercheck.Bench;
import dev.nicsim.tools.drivercheck.Check;
import dev.nicsim.tools.drivercheck.CheckResult;
import dev.nicsim.tools.drivercheck.DriverCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deliberately broken builds of the reference C driver (driver/src/main/c/build.sh): strict mode stops each at
 * its first misuse with the datasheet's message (error, register or descriptor, value, rule, simulated time); in
 * silicon mode each runs on, the device refusing, counting and dropping as hardware would.
 */
class BrokenCDriverTest
{
    /** Probe, then 200 frames each way: enough for every broken driver to reach its mistake. */
    private static Bench run(final String driver, final MisuseMode mode)
    {
        final Bench bench = Bench.underTest(DriverConfig.defaults(), CDrivers.factory(driver), mode);
        bench.streamA().send(200);
        bench.streamB().send(200);
        bench.sim().run(bench.sim().now() + Time.ms(1));
        return bench;
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "ns1-tail-beyond-ring, TAIL_BEYOND_RING, RDT(0) = 0x200 (512)",
        "ns1-no-bus-master, DMA_BUS_MASTER_OFF, PCI command register bit 2 is clear",
        "ns1-free-owned-buffers, DMA_UNMAPPED, RX queue 0 buffer write",
        "ns1-misaligned-ring, RING_BASE_MISALIGNED, TDBAL(0)",
        "ns1-cpu-pointer-in-descriptor, DMA_UNMAPPED, TX queue 0 buffer read",
        "ns1-unmask-unprogrammed, MSIX_UNPROGRAMMED, MSI-X vector 0",
        "ns1-no-reset-wait, WRITE_DURING_RESET, the reset ends"})
    void shouldBeStoppedInStrictModeWithTheDatasheetsMessage(final String driver, final String error,
        final String subject)
    {
        final NicMisuseException stopped = assertThrows(NicMisuseException.class, () -> run(driver, MisuseMode.STRICT));

        assertEquals(error, stopped.errorName());
        assertTrue(stopped.time() > 0, "stamped with the simulated time");
        assertTrue(stopped.getMessage().startsWith("A.nic: " + error + " at "), stopped.getMessage());
        assertTrue(stopped.getMessage().contains(subject), "names what was touched: " + stopped.getMessage());
        assertTrue(stopped.getMessage().contains("breaks the rule"), "states the rule: " + stopped.getMessage());
    }

    @ParameterizedTest(name = "{0} misbehaves harmlessly")
    @CsvSource({"ns1-tail-beyond-ring", "ns1-no-bus-master", "ns1-free-owned-buffers", "ns1-misaligned-ring",
        "ns1-cpu-pointer-in-descriptor", "ns1-unmask-unprogrammed", "ns1-no-reset-wait"})
    void shouldRunOnInSiliconModeWithTheDeviceCountingTheFault(final String driver)
    {
        final Bench bench = run(driver, MisuseMode.SILICON);

        final long counted = bench.a().nic().counter(Counters.MISUSE) + bench.a().nic().counter(Counters.DMAFAULTS) +
            bench.a().nic().counter(Counters.MSIXDROPS);
        assertTrue(counted > 0, "the device counted what went wrong");
        assertTrue(bench.sim().now() >= Time.ms(1), "the run went on to its end");
        assertEquals(0, bench.streamA().wrong() + bench.streamB().wrong(), "nothing arrived corrupted");
    }

    /** A bad pointer handed to the host is caught at the host API, in either mode, naming what was wrong. */
    @Test
    void shouldStopADriverLendingTheStackMemoryOutsideItsDmaBuffers()
    {
        for (final MisuseMode mode : MisuseMode.values())
        {
            final DriverException stopped = assertThrows(DriverException.class,
                () -> run("ns1-rx-frame-bad-address", mode));
            assertTrue(stopped.getMessage().startsWith("A.eth0: C driver ns1-broken lent the stack a frame of ") &&
                stopped.getMessage().contains("which is not inside its DMA memory"), stopped.getMessage());
        }
    }

    /** Where the Java driver has the same deliberate mistake, the C driver is stopped with the very same message. */
    @ParameterizedTest(name = "{0} as {1}")
    @CsvSource({"ns1-misaligned-ring, MISALIGNED_RING", "ns1-no-bus-master, NO_BUS_MASTER",
        "ns1-unmask-unprogrammed, UNMASK_BEFORE_PROGRAMMING"})
    void shouldGiveTheSameMessageAsTheJavaDriverWithTheSameMistake(final String driver, final DriverFault fault)
    {
        final NicMisuseException c = assertThrows(NicMisuseException.class, () -> run(driver, MisuseMode.STRICT));
        final NicMisuseException java = assertThrows(NicMisuseException.class, () ->
        {
            final Bench bench = Bench.underTest(DriverConfig.defaults().withFault(fault),
                new BuiltInDriverProvider()::create, MisuseMode.STRICT);
            bench.streamA().send(200);
            bench.streamB().send(200);
            bench.sim().run(bench.sim().now() + Time.ms(1));
        });

        assertEquals(java.getMessage(), c.getMessage());
    }

    /** The multi-queue and TSO builds that break a rule fail the kit's check of it, naming what went wrong. */
    @ParameterizedTest(name = "{0} fails {1}")
    @CsvSource({
        "ns1-rss-table-beyond, QUEUES, RSS_QUEUE_INVALID",
        "ns1-queue-vectors-masked, QUEUES, RX queue 1: the NIC delivered",
        "ns1-tso-header-length, TSO, TX_TSO_INVALID"})
    void shouldFailTheQueueAndTsoChecks(final String driver, final Check check, final String reason)
    {
        final CheckResult result = new DriverCheck(CDrivers.factory(driver)).run(check);

        assertFalse(result.passed(), result.format());
        assertTrue(result.format().contains(reason), result.format());
        assertTrue(new DriverCheck(CDrivers.factory("ns1")).run(check).passed(), "the reference driver passes");
    }
}
