package dev.nicsim.tools.workload;

import dev.nicsim.hw.host.CpuUse;
import dev.nicsim.tools.workload.perf.PerfResult;
import dev.nicsim.tools.workload.perf.PerfTest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stack's use of TSO: with the NIC offering it, TCP hands the driver segments of many MSS (up to 64 KiB) and the
 * NIC cuts them, so the sender's stack runs far fewer times per byte while the wire carries the same MSS-sized frames
 * and the receiver gets exactly the payload.
 */
class TsoStackTest
{
    private static double senderStackPsPerByte(final PerfResult result)
    {
        return result.counters().get("A.cpu." + CpuUse.STACK.label() + "_ps") / (double) result.bytes();
    }

    @Test
    void largeSegmentsLowerTheSendersStackCpuAndTheWireStillCarriesMssFrames()
    {
        final PerfResult off = PerfRunTest.run(PerfTest.TCP_STREAM, "nic.tso=false");
        final PerfResult on = PerfRunTest.run(PerfTest.TCP_STREAM, "nic.tso=true");

        final long segments = on.counters().get("A.stack.segments_sent");
        final long frames = on.counters().get("A.nic.gptc");
        assertTrue(frames > 4 * segments, frames + " frames from " + segments + " segments");
        assertTrue(off.counters().get("A.nic.gptc") < off.counters().get("A.stack.segments_sent") + 16,
            "without TSO, a segment is a frame (give or take those in the rings at the window's edges)");
        assertTrue(senderStackPsPerByte(on) < senderStackPsPerByte(off) / 1.5, "sender stack ps/byte: " +
            senderStackPsPerByte(off) + " without TSO, " + senderStackPsPerByte(on) + " with");
        assertTrue(on.wire().tcpPayloadBytes() <= (long) on.wire().tcpDataSegments() * 1448,
            "no frame on the wire carries more than the MSS");
        assertEquals(on.wire().tcpPayloadBytes(), on.applicationBytes());
        assertEquals(0, on.retransmissions());
    }
}
