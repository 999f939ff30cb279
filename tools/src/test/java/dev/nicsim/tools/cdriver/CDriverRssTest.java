package dev.nicsim.tools.cdriver;

import dev.nicsim.driver.DeviceDriver;
import dev.nicsim.driver.DriverConfig;
import dev.nicsim.nic.MisuseMode;
import dev.nicsim.nic.regs.RssRegisters;
import dev.nicsim.tools.config.ConfigException;
import dev.nicsim.tools.config.CrossKeyRules;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.config.TestbedParameters;
import dev.nicsim.tools.drivercheck.Bench;
import dev.nicsim.tools.workload.perf.PerfOptions;
import dev.nicsim.tools.workload.perf.PerfResult;
import dev.nicsim.tools.workload.perf.PerfTest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * driver.rss_key and driver.rss_table reach a C driver through set_rss (ABI 3, ethtool -X), as they reach the Java
 * driver: before ABI 3 a C driver programmed only its own key and even table, and the settings were refused for it.
 */
class CDriverRssTest
{
    private static final int QUEUES = 4;

    @Test
    void aSkewedTableSpreadsFramesOverQueuesAsWithTheJavaDriver()
    {
        final String skewed = "driver.rss_table=0:0:0:3";
        final PerfResult java = run("java", skewed);
        final PerfResult c = run(CDrivers.spec("ns1"), skewed);
        final PerfResult even = run(CDrivers.spec("ns1"));

        boolean differsFromEven = false;
        for (int q = 0; q < QUEUES; q++)
        {
            final String name = "B.queue" + q + ".rx_frames";
            assertEquals(java.counters().get(name), c.counters().get(name), name + " as with the Java driver");
            differsFromEven |= c.counters().get(name) != even.counters().get(name);
        }
        assertEquals(0, c.counters().get("B.queue1.rx_frames"), "no table entry names queue 1");
        assertTrue(differsFromEven, "the table took effect");
    }

    @Test
    void aZeroKeyPutsEveryFlowOnOneQueue()
    {
        final PerfResult c = run(CDrivers.spec("ns1"), "driver.rss_key=" + "00".repeat(RssRegisters.KEY_BYTES));
        assertTrue(c.counters().get("B.nic.gprc") > 0, "B received");
        assertEquals(c.counters().get("B.nic.gprc"), c.counters().get("B.queue0.rx_frames"),
            "Toeplitz of a zero key is 0 for every flow: table entry 0, queue 0");
    }

    @Test
    void aDriverBeforeAbi3IsRefusedBeforeTheRunNamingTheKeys()
    {
        final Settings settings = TestbedParameters.defaults().assign("driver.queues=2").assign("nic.queues=2")
            .assign("driver.rss_table=1,0").assign("host.B.driver=" + CDrivers.spec("ns1-abi2"));
        final String refused = assertThrows(ConfigException.class, () -> CrossKeyRules.check(settings)).getMessage();
        assertTrue(refused.contains("driver.rss_table=1,0") && refused.contains("ns1-abi2"), refused);

        settings.assign("host.B.driver=" + CDrivers.spec("ns1"));
        CrossKeyRules.check(settings);
    }

    @Test
    void setRssAnswersEinvalForAWrongSizeOrAQueueNotInUse()
    {
        final Bench bench = Bench.underTest(DriverConfig.defaults(), CDrivers.factory("ns1"), MisuseMode.STRICT);
        final DeviceDriver driver = bench.a().driver();
        final byte[] key = new byte[RssRegisters.KEY_BYTES];
        final int[] beyond = new int[RssRegisters.RETA_ENTRIES];
        beyond[5] = 1; // one queue pair in use: queue 1 is not

        final String shortKey = assertThrows(IllegalArgumentException.class,
            () -> driver.setRss(new byte[RssRegisters.KEY_BYTES - 1], null)).getMessage();
        assertTrue(shortKey.contains("set_rss") && shortKey.contains("EINVAL"), shortKey);
        final String queue = assertThrows(IllegalArgumentException.class, () -> driver.setRss(key, beyond))
            .getMessage();
        assertTrue(queue.contains("set_rss") && queue.contains("EINVAL"), queue);
        driver.setRss(key, new int[RssRegisters.RETA_ENTRIES]);
        driver.shutdown();
    }

    private static PerfResult run(final String driver, final String... more)
    {
        final String[] assignments = new String[4 + more.length];
        assignments[0] = "host.driver=" + driver;
        assignments[1] = "host.cores=" + QUEUES;
        assignments[2] = "nic.queues=" + QUEUES;
        assignments[3] = "driver.queues=" + QUEUES;
        System.arraycopy(more, 0, assignments, 4, more.length);
        return CDrivers.perf(PerfOptions.defaults(PerfTest.TCP_STREAM).withFlows(8).withDuration(0.0002)
            .withWarmup(0.0002).withSamples(1), assignments);
    }
}
