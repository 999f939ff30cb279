package dev.nicsim.tools.cdriver;

import dev.nicsim.tools.workload.perf.PerfOptions;
import dev.nicsim.tools.workload.perf.PerfResult;
import dev.nicsim.tools.workload.perf.PerfTest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * On a multi-core host the reference C driver's interrupts reach the cores the Java driver's do: each queue pair's
 * RX and TX vectors its queue's core (datasheet §6: TX queue q's vector is rxQueues + q). Until the C host mapped the
 * TX vectors, every TX completion interrupt ran on core 0.
 */
class CDriverCoresTest
{
    @Test
    void eachQueuesInterruptsRunOnItsCoreAsWithTheJavaDriver()
    {
        final PerfResult java = run("java");
        final PerfResult c = run(CDrivers.spec("ns1"));

        for (final String host : new String[] {"A", "B"})
        {
            for (int core = 0; core < 2; core++)
            {
                final String irq = host + ".cpu" + core + ".irq_ps";
                assertEquals(java.counters().get(irq), c.counters().get(irq), irq);
            }
        }
        assertEquals(java.bytes(), c.bytes(), "the same run, byte for byte");
    }

    private static PerfResult run(final String driver)
    {
        return CDrivers.perf(PerfOptions.defaults(PerfTest.TCP_STREAM).withFlows(4).withDuration(0.0005)
            .withWarmup(0.0005).withSamples(1), "host.driver=" + driver, "host.cores=2", "nic.queues=2",
            "driver.queues=2");
    }
}
