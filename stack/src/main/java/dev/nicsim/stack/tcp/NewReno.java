package dev.nicsim.stack.tcp;

/**
 * RFC 5681 slow start and congestion avoidance with RFC 6582 (NewReno) fast recovery; the initial window of RFC 6928
 * (ten segments, Linux's default), one segment after a retransmitted SYN (RFC 6298 §5.7).
 */
final class NewReno implements CongestionControl
{
    /** Initial congestion window in segments (RFC 6928, Linux's default). */
    static final int INITIAL_WINDOW_SEGMENTS = 10;

    static final NewReno INSTANCE = new NewReno();

    private NewReno()
    {
    }

    @Override
    public void start(final Tcb tcb)
    {
        tcb.cwnd = (tcb.synRetransmitted ? 1 : INITIAL_WINDOW_SEGMENTS) * tcb.sendMss;
        tcb.ssthresh = Integer.MAX_VALUE;
    }

    /**
     * Grows the window only while it is what limits the sender (RFC 7661 §4.2; Linux's {@code tcp_is_cwnd_limited}:
     * in slow start while cwnd is under twice what was in flight, in congestion avoidance while the flight filled
     * cwnd). A sender held back by the receiver's window or its application would otherwise grow cwnd by every byte
     * acknowledged, without bound.
     */
    @Override
    public void acked(final Tcb tcb, final int bytes, final int flightBefore)
    {
        if (tcb.cwnd < tcb.ssthresh)
        {
            if (tcb.cwnd < 2 * (long) flightBefore)
            {
                tcb.cwnd += Math.min(bytes, tcb.sendMss);
            }
        }
        else if (flightBefore >= tcb.cwnd)
        {
            tcb.cwnd += Math.max(1, tcb.sendMss * tcb.sendMss / Math.max(1, tcb.cwnd));
        }
    }

    @Override
    public void enterRecovery(final Tcb tcb)
    {
        tcb.ssthresh = halfFlight(tcb);
        tcb.cwnd = tcb.ssthresh;
    }

    @Override
    public void timeout(final Tcb tcb)
    {
        tcb.ssthresh = halfFlight(tcb);
        tcb.cwnd = tcb.sendMss;
    }

    /** RFC 5681 (4): half the data in flight, at least two segments. */
    private static int halfFlight(final Tcb tcb)
    {
        return Math.max((tcb.sndMax - tcb.sndUna) / 2, 2 * tcb.sendMss);
    }
}
