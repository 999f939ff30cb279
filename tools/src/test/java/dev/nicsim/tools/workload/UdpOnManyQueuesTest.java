package dev.nicsim.tools.workload;

import dev.nicsim.tools.workload.perf.PerfOptions;
import dev.nicsim.tools.workload.perf.PerfResult;
import dev.nicsim.tools.workload.perf.PerfTest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * UDP_STREAM on hosts with as many NIC queues as cores: every RX queue's traffic reaches the receiving programs, and
 * the flows leave by more than one TX queue. Two milliseconds of simulated time per run.
 */
class UdpOnManyQueuesTest
{
    private static PerfResult run(final int flows, final int cores)
    {
        return PerfRunTest.run(PerfOptions.defaults(PerfTest.UDP_STREAM).withFlows(flows).withDuration(0.001)
            .withWarmup(0.001).withSamples(1), "host.cores=" + cores, "nic.queues=" + cores, "driver.queues=" + cores);
    }

    /**
     * A server that read its socket until EAGAIN held its core while the other queue's core kept filling the socket:
     * queue 0's interrupt waited for the core the whole window (203 frames, 0 interrupts, 161 dropped for want of RX
     * descriptors), and two cores carried 5.30 Gb/s against one core's 5.76.
     */
    @Test
    void twoFlowsOnTwoCoresAreDeliveredFromEveryReceiveQueue()
    {
        final PerfResult one = run(2, 1);
        final PerfResult two = run(2, 2);

        for (int queue = 0; queue < 2; queue++)
        {
            assertTrue(two.counters().get("B.queue" + queue + ".rx_frames") > 0, "RSS reaches queue " + queue);
            assertTrue(two.counters().get("B.queue" + queue + ".rx_interrupts") > 0,
                "queue " + queue + "'s interrupt gets its core");
        }
        assertEquals(0, two.counters().get("B.nic.rnbc"), "no queue runs out of descriptors");
        assertTrue(two.goodputGbps() >= one.goodputGbps(), "1 -> 2 cores: " + one.goodputGbps() + " -> " +
            two.goodputGbps() + " Gb/s");
    }

    /**
     * Every datagram took TX queue 0 (8 flows on 4 queues: 813 frames on queue 0, none on the others); and B's server
     * on core 0 kept queue 0's interrupt off it.
     */
    @Test
    void eightFlowsOnFourCoresSpreadOverTheTransmitQueuesAndReachEveryReceiveQueue()
    {
        final PerfResult result = run(8, 4);

        int queuesUsed = 0;
        for (int queue = 0; queue < 4; queue++)
        {
            queuesUsed += result.counters().get("A.queue" + queue + ".tx_frames") > 0 ? 1 : 0;
        }
        assertTrue(queuesUsed > 1, "TX queues with frames: " + queuesUsed);
        for (int queue = 0; queue < 4; queue++)
        {
            assertTrue(result.counters().get("B.queue" + queue + ".rx_frames") == 0 ||
                result.counters().get("B.queue" + queue + ".rx_interrupts") > 0,
                "B's queue " + queue + " takes frames only with interrupts");
        }
        assertEquals(0, result.counters().get("B.nic.rnbc"), "no queue runs out of descriptors");
    }
}
