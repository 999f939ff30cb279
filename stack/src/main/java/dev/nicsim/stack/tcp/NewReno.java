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

    /** Linux's {@code tcp_reno}, which is NewReno with SACK recovery beside it. */
    @Override
    public String name()
    {
        return "reno";
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
     * acknowledged, without bound. Then, as Linux's {@code tcp_reno_cong_avoid}: slow start, and whatever it leaves
     * past ssthresh in congestion avoidance.
     */
    @Override
    public void acked(final Tcb tcb, final int bytes, final int flightBefore)
    {
        int left = bytes;
        if (tcb.cwnd < tcb.ssthresh)
        {
            left = slowStart(tcb, bytes, flightBefore);
        }
        else if (flightBefore < tcb.cwnd)
        {
            return;
        }
        // Linux's tcp_cong_avoid_ai: one segment more per cwnd acknowledged, counted across ACKs (snd_cwnd_cnt).
        tcb.cwndCount += left;
        if (tcb.cwndCount >= tcb.cwnd)
        {
            final int segments = tcb.cwndCount / tcb.cwnd;
            tcb.cwndCount -= segments * tcb.cwnd;
            tcb.cwnd += segments * tcb.sendMss;
        }
    }

    /**
     * Linux's {@code tcp_slow_start}: the window grows by the segments this ACK acknowledged, up to ssthresh (not
     * RFC 5681's one SMSS per ACK, so with a receiver that acknowledges every second segment it doubles per round
     * trip). Linux counts whole segments (a short one as one); here the bytes acknowledged are rounded up to whole
     * segments. Nothing grows while cwnd is already twice what was in flight ({@code tcp_is_cwnd_limited} in slow
     * start). Returns the bytes left over past ssthresh, for congestion avoidance (0 when none are).
     */
    static int slowStart(final Tcb tcb, final int bytes, final int flightBefore)
    {
        if (tcb.cwnd >= 2 * (long) flightBefore)
        {
            return 0;
        }
        final int mss = tcb.sendMss;
        final long segments = ((long) bytes + mss - 1) / mss;
        final long grown = Math.min(tcb.cwnd + segments * mss, tcb.ssthresh);
        final long used = (grown - tcb.cwnd + mss - 1) / mss * mss;
        tcb.cwnd = (int) grown;
        return (int) Math.max(0, bytes - used);
    }

    @Override
    public void enterRecovery(final Tcb tcb)
    {
        tcb.ssthresh = halfFlight(tcb);
        tcb.cwnd = tcb.ssthresh;
        tcb.cwndCount = 0;
    }

    @Override
    public void timeout(final Tcb tcb)
    {
        tcb.ssthresh = halfFlight(tcb);
        tcb.cwnd = tcb.sendMss;
        tcb.cwndCount = 0;
    }

    /** RFC 5681 (4): half the data in flight, at least two segments. */
    private static int halfFlight(final Tcb tcb)
    {
        return Math.max((tcb.sndMax - tcb.sndUna) / 2, 2 * tcb.sendMss);
    }
}
