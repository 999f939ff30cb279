package dev.nicsim.tools.workload;

import dev.nicsim.tools.workload.perf.PerfOptions;
import dev.nicsim.tools.workload.perf.PerfResult;
import dev.nicsim.tools.workload.perf.PerfTest;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #18's fifth "must show": at 100 Gb/s with TSO, GRO and 8 cores, what stops 16 TCP_STREAM flows short of the
 * line is the sender's DMA reads. The root complex streams read data one request after another at
 * {@code pcie.completer_ps_per_byte} (265 ps/B by default, fitted to pcie-bench's single-read latencies: 3.8 GB/s),
 * so the sending NIC's completer is busy the whole window and its TX rings fill while both hosts' cores have time to
 * spare. A root complex that streams at 15 GB/s on a Gen4 x16 link lets the same hosts reach the line's payload rate.
 */
class LineRateTest
{
    /** 1448 payload bytes per 1538 bytes of wire time (timestamps on; preamble, FCS and gap counted). */
    private static final double PAYLOAD_RATE_GBPS = 100.0 * 1448 / 1538;

    private static PerfResult run(final String... platform)
    {
        return PerfRunTest.run(PerfOptions.defaults(PerfTest.TCP_STREAM).withFlows(16).withDuration(0.0005)
            .withWarmup(0.0005).withSamples(1), platform(platform));
    }

    /** 100 Gb/s, 8 cores and queues, TSO and GRO, then {@code platform}. */
    private static String[] platform(final String... platform)
    {
        final String[] assignments = {"link.rate_gbps=100", "host.cores=8", "nic.queues=8", "driver.queues=8",
            "nic.tso=true", "stack.gro=true"};
        final String[] all = Arrays.copyOf(assignments, assignments.length + platform.length);
        System.arraycopy(platform, 0, all, assignments.length, platform.length);
        return all;
    }

    @Test
    void theSendersReadCompleterStopsTheDefaultsAndAFasterRootComplexReachesTheLine()
    {
        final PerfResult defaults = run();
        final double completerBusy = defaults.counters().get("A.dma.completer_busy_ps") /
            (double) defaults.windowPs();
        assertTrue(completerBusy > 0.95, "A's read completer is busy the whole window: " + completerBusy);
        assertTrue(defaults.counters().get("A.driver.tx_ring_full") > 0, "A's TX rings fill behind it");
        assertTrue(defaults.goodputGbps() < 0.4 * PAYLOAD_RATE_GBPS, "capped: " + defaults.goodputGbps());
        assertTrue(defaults.cpu().get(1).busy() < 0.9, "B's cores have time to spare: " + defaults.cpu().get(1));

        final PerfResult faster = run("pcie.completer_ps_per_byte=66", "pcie.generation=4", "pcie.lanes=16");
        assertTrue(faster.goodputGbps() >= 0.9 * PAYLOAD_RATE_GBPS, "at least 90 % of the line's payload rate: " +
            faster.goodputGbps() + " of " + PAYLOAD_RATE_GBPS + " Gb/s");
        assertEquals(0, faster.retransmissions(), "no loss on the way");
    }

    /**
     * With 1 MiB socket buffers the senders queue more than their TX rings hold, and frames wait in the stack for a
     * slot. They must wait for their own queue and leave on it, whole TSO segments included, as Linux's per-queue
     * qdisc keeps them: sent on another queue, a flow's frames overtook each other on the wire, the receiver saw gaps,
     * and the sender's fast retransmissions halved its window (72 Gb/s and 22 retransmissions before, with not one
     * frame lost). Sixteen slow starts that double per round trip towards 1 MiB windows do overrun B's RX rings, so
     * frames are lost here; what must not happen is a retransmission that no loss explains. The window starts almost
     * at once so that the losses of slow start are counted with the retransmissions they cause.
     */
    @Test
    void largeSocketBuffersResendOnlyWhatWasLostWhenTheTransmitRingsFill()
    {
        final PerfResult result = PerfRunTest.run(PerfOptions.defaults(PerfTest.TCP_STREAM).withFlows(16)
            .withDuration(0.004).withWarmup(0.0001).withSamples(1), platform("pcie.completer_ps_per_byte=0",
            "pcie.generation=4", "pcie.lanes=16", "tcp.send_buffer_bytes=1048576", "tcp.receive_buffer_bytes=1048576"));
        assertTrue(result.counters().get("A.driver.tx_ring_full") > 0, "A's TX rings fill");
        final long lost = result.counters().get("B.nic.rnbc") +
            result.counters().get("B.nic.mpc") + result.counters().get("B.stack.frames_dropped");
        assertTrue(result.retransmissions() <= lost, result.retransmissions() + " segments resent, " + lost +
            " frames lost at B");
    }
}
