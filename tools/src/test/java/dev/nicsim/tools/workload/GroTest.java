package dev.nicsim.tools.workload;

import dev.nicsim.hw.host.CpuUse;
import dev.nicsim.tools.workload.perf.PerfResult;
import dev.nicsim.tools.workload.perf.PerfTest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #18's GRO "must show": at 10 Gb/s TCP_STREAM, GRO merges the receiver's in-order segments, so its stack work
 * per received byte falls, while every byte still arrives intact (the merged packets pass IP and TCP checksums, and
 * the applications get exactly the payload the wire carried).
 */
class GroTest
{
    private static double stackPsPerByte(final PerfResult result)
    {
        return result.counters().get("B.cpu." + CpuUse.STACK.label() + "_ps") / (double) result.bytes();
    }

    @Test
    void groLowersTheReceiversStackCpuPerByteAndLosesNothing()
    {
        final PerfResult off = PerfRunTest.run(PerfTest.TCP_STREAM, "stack.gro=false");
        final PerfResult on = PerfRunTest.run(PerfTest.TCP_STREAM, "stack.gro=true");

        assertTrue(on.counters().get("B.stack.gro_merged") > on.counters().get("B.nic.gprc") / 2,
            "most received frames merge: " + on.counters().get("B.stack.gro_merged") + " of " +
                on.counters().get("B.nic.gprc"));
        assertTrue(stackPsPerByte(on) < stackPsPerByte(off) / 2, "receiver stack ps/byte: " + stackPsPerByte(off) +
            " without GRO, " + stackPsPerByte(on) + " with");
        assertTrue(on.goodputGbps() >= off.goodputGbps(), on.goodputGbps() + " against " + off.goodputGbps());
        assertEquals(0, on.counters().get("B.stack.frames_dropped"), "no merged packet fails a check");
        assertEquals(0, on.retransmissions());
        assertEquals(on.wire().tcpPayloadBytes(), on.applicationBytes(),
            "the applications receive exactly the TCP payload the wire carried");
    }

    /**
     * A NAPI budget of one frame: every poll uses its whole budget, so Linux keeps the packet of the current jiffy held
     * from poll to poll (__napi_poll's gro_flush_normal(&n->gro, HZ >= 1000)); flushing at every poll's end merged
     * nothing.
     */
    @Test
    void packetsGrowAcrossPollsThatUseTheirWholeBudget()
    {
        final PerfResult result = PerfRunTest.run(PerfTest.TCP_STREAM, "stack.gro=true", "driver.napi_budget=1");
        assertTrue(result.counters().get("B.stack.gro_merged") > result.counters().get("B.nic.gprc") / 2,
            "merged " + result.counters().get("B.stack.gro_merged") + " of " + result.counters().get("B.nic.gprc"));
        assertEquals(result.wire().tcpPayloadBytes(), result.applicationBytes());
    }
}
