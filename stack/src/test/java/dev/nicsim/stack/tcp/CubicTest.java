package dev.nicsim.stack.tcp;

import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CUBIC's window evolution against RFC 9438's formulas, driven by cwnd-limited ACKs in simulated time. */
class CubicTest
{
    private static final int MSS = 1000;

    private final Simulator sim = new Simulator();
    private final Cubic cubic = new Cubic(sim);
    private final Tcb tcb = new Tcb(null, new RetransmitQueue(), cubic);

    private void connection(final int segments, final long rttPs)
    {
        tcb.sendMss = MSS;
        cubic.start(tcb);
        tcb.cwnd = segments * MSS;
        tcb.ssthresh = segments * MSS;
        tcb.srttPs = rttPs;
    }

    /** A fast-retransmit loss and its recovery at a window of {@code segments}. */
    private void lossAt(final int segments, final long rttPs)
    {
        connection(segments, rttPs);
        cubic.enterRecovery(tcb);
        cubic.exitRecovery(tcb);
    }

    /** One RTT of cwnd-limited ACKs, one per segment, then the clock moves on by the RTT. */
    private void roundTrip(final long rttPs)
    {
        final int segments = tcb.cwnd / MSS;
        for (int i = 0; i < segments; i++)
        {
            cubic.acked(tcb, MSS, tcb.cwnd);
        }
        sim.consume(rttPs);
    }

    @Test
    void lossReducesByBetaAndRegainsWmaxAtK()
    {
        final long rtt = 100 * Time.MS;
        lossAt(1000, rtt);
        assertEquals(700 * MSS, tcb.cwnd);
        assertEquals(tcb.cwnd, tcb.ssthresh);
        final double k = Cubic.k(1000 * MSS, MSS);
        assertEquals(Math.cbrt(1000 * 0.3 / 0.4), k, 1e-9, "RFC 9438 (2)");
        final long start = sim.now();
        int previousGrowth = Integer.MAX_VALUE / 2;
        int concave = 0;
        while (sim.now() - start + rtt < k * Time.S)
        {
            final int before = tcb.cwnd;
            roundTrip(rtt);
            final int growth = tcb.cwnd - before;
            // The first rounds catch up with the curve (each ACK moves a fraction of target - cwnd); then concave.
            assertTrue(concave < 2 || growth <= previousGrowth + MSS, "concave below W_max: growth " + growth + " after " +
                previousGrowth);
            previousGrowth = growth;
            concave++;
            assertTrue(tcb.cwnd <= 1000 * MSS, "never above W_max before K: " + tcb.cwnd);
        }
        assertTrue(concave > 50);
        // At t = K the window is back at W_max (within one RTT's worth of ACK granularity).
        assertEquals(1000 * MSS, tcb.cwnd, 2 * MSS);
        // Beyond K growth is convex: each RTT adds more than the one before.
        int last = 0;
        for (int i = 0; i < 20; i++)
        {
            final int before = tcb.cwnd;
            roundTrip(rtt);
            final int growth = tcb.cwnd - before;
            if (i >= 3)
            {
                assertTrue(growth > last, "convex above W_max: " + growth + " after " + last);
            }
            last = growth;
        }
        assertTrue(tcb.cwnd > 1000 * MSS);
    }

    @Test
    void renoFriendlyRegionForSmallWindowsAndShortRtts()
    {
        // 20 segments at 100 us: K = cbrt(20 * 0.3 / 0.4) ~ 2.5 s, ~25,000 RTTs; the cubic curve is flat there,
        // so W_est (alpha = 3 * 0.3 / 1.7 segments per RTT) sets the window.
        final long rtt = 100 * Time.US;
        lossAt(20, rtt);
        assertEquals(14 * MSS, tcb.cwnd);
        for (int i = 0; i < 10; i++)
        {
            roundTrip(rtt);
        }
        final double alpha = 3 * (1 - 0.7) / (1 + 0.7);
        assertEquals(14 * MSS + 10 * alpha * MSS, tcb.cwnd, MSS);
        // Once W_est passes the window before the loss, alpha is 1: Reno's one segment per RTT.
        for (int i = 0; i < 5; i++)
        {
            roundTrip(rtt);
        }
        final int before = tcb.cwnd;
        for (int i = 0; i < 50; i++)
        {
            roundTrip(rtt);
        }
        assertEquals(50 * MSS, tcb.cwnd - before, 2 * MSS);
        final double cubicCurve = Cubic.window(20 * MSS, Cubic.k(20 * MSS, MSS), 65 * rtt / (double) Time.S, MSS);
        assertTrue(tcb.cwnd > 3 * cubicCurve, "far above the cubic curve " + cubicCurve + ": " + tcb.cwnd);
    }

    @Test
    void fastConvergenceLowersWmax()
    {
        connection(1000, 10 * Time.MS);
        cubic.enterRecovery(tcb);
        assertEquals(1000 * MSS, tcb.cubicWMax, 1e-6);
        cubic.exitRecovery(tcb);
        // A second loss before regaining W_max: W_max = cwnd (1 + beta) / 2, releasing bandwidth to new flows.
        cubic.enterRecovery(tcb);
        assertEquals(700 * MSS * 1.7 / 2, tcb.cubicWMax, 1e-6);
        assertEquals((int) (700 * MSS * 0.7), tcb.ssthresh);
    }

    @Test
    void timeoutAsLinux()
    {
        lossAt(100, 10 * Time.MS);
        cubic.timeout(tcb);
        assertEquals(MSS, tcb.cwnd);
        assertEquals(49 * MSS, tcb.ssthresh);
        assertEquals(0, tcb.cubicWMax);
        assertEquals(0, tcb.cubicEpochPs);
        // Slow start up to ssthresh, as Linux.
        cubic.acked(tcb, MSS, tcb.cwnd);
        assertEquals(2 * MSS, tcb.cwnd);
    }

    @Test
    void growsWhileTheFlightIsWithinASegmentOfCwnd()
    {
        lossAt(100, 100 * Time.MS);
        sim.consume(Time.S);
        final int cwnd = tcb.cwnd;
        // A whole segment of room left: the sender is not cwnd-limited, so no growth (RFC 7661, Linux).
        cubic.acked(tcb, MSS, cwnd - MSS);
        assertEquals(cwnd, tcb.cwnd);
        // Less than a segment of room (a small segment held back by Nagle): limited, as Linux counts segments.
        for (int i = 0; i < 10; i++)
        {
            cubic.acked(tcb, MSS, tcb.cwnd - MSS / 2);
        }
        assertTrue(tcb.cwnd > cwnd, "grew from " + cwnd + " to " + tcb.cwnd);
    }

    @Test
    void slowStartAddsTheSegmentsEachAckAcknowledgesAsLinux()
    {
        tcb.sendMss = MSS;
        cubic.start(tcb);
        assertEquals(10 * MSS, tcb.cwnd);
        // A delayed ACK for two full segments: two more (tcp_slow_start), so one round trip of such ACKs doubles cwnd.
        cubic.acked(tcb, 2 * MSS, tcb.cwnd);
        assertEquals(12 * MSS, tcb.cwnd);
        // A short segment counts as a whole one, as Linux counts packets.
        cubic.acked(tcb, 100, tcb.cwnd);
        assertEquals(13 * MSS, tcb.cwnd);
        cubic.acked(tcb, MSS + 1, tcb.cwnd);
        assertEquals(15 * MSS, tcb.cwnd);
        cubic.acked(tcb, MSS, tcb.cwnd);
        // A round trip of delayed ACKs doubles the window.
        final int start = tcb.cwnd;
        for (int acked = 0; acked < start; acked += 2 * MSS)
        {
            cubic.acked(tcb, 2 * MSS, tcb.cwnd);
        }
        assertEquals(2 * start, tcb.cwnd);
    }

    @Test
    void slowStartStopsAtSsthreshAndHandsTheRestToCongestionAvoidance()
    {
        lossAt(100, 100 * Time.MS);
        cubic.timeout(tcb);
        tcb.cwnd = tcb.ssthresh - MSS;
        // Five segments acknowledged one short of ssthresh: one ends slow start, four count in congestion avoidance
        // (which starts CUBIC's epoch).
        cubic.acked(tcb, 5 * MSS, tcb.cwnd);
        assertTrue(tcb.cwnd >= tcb.ssthresh && tcb.cwnd < tcb.ssthresh + MSS, "cwnd " + tcb.cwnd);
        assertTrue(tcb.cubicEpochPs != 0, "congestion avoidance began");
        // An application-limited sender (less than half of cwnd in flight) does not grow in slow start.
        tcb.ssthresh = Integer.MAX_VALUE;
        final int cwnd = tcb.cwnd;
        cubic.acked(tcb, 4 * MSS, cwnd / 2);
        assertEquals(cwnd, tcb.cwnd);
    }

    @Test
    void renoCongestionAvoidanceGrowsOneSegmentPerWindowAcknowledged()
    {
        final NewReno reno = NewReno.INSTANCE;
        tcb.sendMss = MSS;
        reno.start(tcb);
        tcb.cwnd = 20 * MSS;
        tcb.ssthresh = 20 * MSS;
        // Delayed ACKs of two segments each: a window's worth of them adds one segment (tcp_cong_avoid_ai counts
        // the segments acknowledged, not the ACKs).
        for (int i = 0; i < 10; i++)
        {
            reno.acked(tcb, 2 * MSS, tcb.cwnd);
        }
        assertEquals(21 * MSS, tcb.cwnd);
        assertEquals(0, tcb.cwndCount);
    }
}
