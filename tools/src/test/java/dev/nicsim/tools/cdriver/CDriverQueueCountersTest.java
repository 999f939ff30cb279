package dev.nicsim.tools.cdriver;

import dev.nicsim.tools.workload.perf.PerfOptions;
import dev.nicsim.tools.workload.perf.PerfResult;
import dev.nicsim.tools.workload.perf.PerfTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A multi-queue host reports its queues whatever its driver: frames and bytes from the NIC's QPRC/QBRC/QPTC/QBTC,
 * handler runs from the driver's host side. Until the counters were read through DeviceDriver, a C driver's run had
 * no {@code H.queueQ.*} counters at all, so perf.json listed no queues.
 */
class CDriverQueueCountersTest
{
    private static final int QUEUES = 2;
    private static final List<String> PER_QUEUE =
        List.of("rx_frames", "rx_bytes", "tx_frames", "tx_bytes", "rx_interrupts", "tx_interrupts");

    @Test
    void aCDriversQueuesAddUpToTheHostAndMatchTheJavaDriversRun()
    {
        final PerfResult java = run("java");
        final PerfResult c = run(CDrivers.spec("ns1"));

        for (final String host : new String[] {"A", "B"})
        {
            assertEquals(c.counters().get(host + ".nic.gprc"), sum(c, host, "rx_frames"), host + " RX frames");
            assertEquals(c.counters().get(host + ".nic.gptc"), sum(c, host, "tx_frames"), host + " TX frames");
            assertEquals(c.counters().get(host + ".driver.rx_interrupts"), sum(c, host, "rx_interrupts"),
                host + " RX handler runs");
            assertEquals(c.counters().get(host + ".driver.tx_interrupts"), sum(c, host, "tx_interrupts"),
                host + " TX handler runs");
            assertTrue(sum(c, host, "rx_interrupts") > 0, host + " handled RX interrupts");
            for (int q = 0; q < QUEUES; q++)
            {
                for (final String counter : PER_QUEUE)
                {
                    final String name = host + ".queue" + q + "." + counter;
                    assertTrue(c.counters().values().containsKey(name), name + " reported");
                    assertEquals(java.counters().get(name), c.counters().get(name), name + " as with the Java driver");
                }
            }
        }
        assertTrue(sum(c, "B", "rx_bytes") > 0, "the receiver's queues counted bytes");
    }

    private static long sum(final PerfResult result, final String host, final String counter)
    {
        long sum = 0;
        for (int q = 0; q < QUEUES; q++)
        {
            sum += result.counters().get(host + ".queue" + q + "." + counter);
        }
        return sum;
    }

    private static PerfResult run(final String driver)
    {
        return CDrivers.perf(PerfOptions.defaults(PerfTest.TCP_STREAM).withFlows(4).withDuration(0.0005)
            .withWarmup(0.0005).withSamples(1), "host.driver=" + driver, "host.cores=2", "nic.queues=" + QUEUES,
            "driver.queues=" + QUEUES, "nic.tso=true");
    }
}
