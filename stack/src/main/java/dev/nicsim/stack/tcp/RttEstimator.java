package dev.nicsim.stack.tcp;

import dev.nicsim.hw.sim.Time;

/**
 * The retransmission timeout from round-trip samples as Linux computes it: SRTT and RTTVAR smoothed with gains 1/8
 * and 1/4 (RFC 6298 §2), and RTO = SRTT + max(4 RTTVAR, the configured minimum), as Linux's tcp_rtt_estimator and
 * __tcp_set_rto, where the minimum (TCP_RTO_MIN, 200 ms) bounds the variance term rather than the RTO (RFC 6298's
 * max(minimum, SRTT + 4 RTTVAR) would retransmit a 50 ms path at 200 ms where Linux waits 250 ms: the segment
 * differential's rto-after-rtt). Linux's per-round maximum hold of the variance (mdev_max) is not modelled. Bounded
 * above by {@link #RTO_MAX_PS}. It keeps its state in the connection's {@link Tcb}.
 */
final class RttEstimator
{
    /** Linux's {@code TCP_RTO_MAX}. */
    static final long RTO_MAX_PS = 120 * Time.S;
    /** Linux's {@code TCP_TIMEOUT_INIT}: the RTO before any sample (RFC 6298 §2.1). */
    static final long INITIAL_RTO_PS = Time.S;

    private RttEstimator()
    {
    }

    /** Takes one round-trip sample and sets {@link Tcb#rtoPs}. */
    static void sample(final Tcb tcb, final long sample, final long rtoMinPs)
    {
        final long rtt = Math.max(sample, 0);
        if (tcb.srttPs == 0)
        {
            tcb.srttPs = Math.max(rtt, 1);
            tcb.rttvarPs = rtt / 2;
        }
        else
        {
            tcb.rttvarPs = (3 * tcb.rttvarPs + Math.abs(tcb.srttPs - rtt)) / 4;
            tcb.srttPs = (7 * tcb.srttPs + rtt) / 8;
        }
        tcb.rtoPs = Math.min(RTO_MAX_PS, tcb.srttPs + Math.max(rtoMinPs, 4 * tcb.rttvarPs));
    }

    /** RFC 6298 §5.5: back the timer off, doubling up to the maximum. */
    static long backOff(final long rtoPs)
    {
        return Math.min(rtoPs * 2, RTO_MAX_PS);
    }
}
