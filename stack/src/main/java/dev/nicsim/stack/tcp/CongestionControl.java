package dev.nicsim.stack.tcp;

/**
 * A congestion control algorithm, as Linux's {@code tcp_congestion_ops}: TCP's segment processing tells it what
 * happened (the connection began to send, new data was acknowledged, a third duplicate ACK, recovery ended, the
 * retransmission timer ran out) and it moves {@link Tcb#cwnd} and {@link Tcb#ssthresh}. Loss detection and
 * retransmission themselves stay in {@link TcpLayer}.
 */
interface CongestionControl
{
    /** Its name as TCP_CONGESTION reads and sets it (Linux's {@code tcp_congestion_ops.name}). */
    String name();

    /**
     * The connection changed to this algorithm after it began (setsockopt TCP_CONGESTION,
     * {@code tcp_reinit_congestion_control}): its own state starts afresh; cwnd and ssthresh stay.
     */
    default void init(final Tcb tcb)
    {
    }

    /** The window to start with once the MSS is settled. */
    void start(Tcb tcb);

    /** New data acknowledged outside recovery; {@code flightBefore} was in flight before this ACK. */
    void acked(Tcb tcb, int bytes, int flightBefore);

    /** The third duplicate ACK: the window to recover with (fast retransmit follows). */
    void enterRecovery(Tcb tcb);

    /** Everything outstanding when recovery began is acknowledged: the window is the reduced one (RFC 6582 step 3). */
    default void exitRecovery(final Tcb tcb)
    {
        tcb.cwnd = tcb.ssthresh;
    }

    /** The retransmission timer ran out. */
    void timeout(Tcb tcb);
}
