package dev.nicsim.stack.tcp;

/**
 * A connection in a listener's SYN queue, as Linux's {@code request_sock}: what the peer's SYN offered and what the
 * SYN-ACK answered, so the SYN-ACK can be sent again and the connection built when the handshake's last ACK comes.
 * It has no buffers and no socket; {@link TcpLayer} makes the socket from it then. Pooled with its timer.
 */
public final class RequestSock extends MiniSock
{
    public TcpSocket listener;
    public int iss;
    public int irs;
    /** The peer's SYN window (never scaled) and the ACK field it carried. */
    public int peerWindow;
    public int peerAck;
    /** MSS both ways, options, timestamps, the listener's TCP_MAXSEG and TCP_NODELAY: for the socket made from it. */
    public final SynOptions options = new SynOptions();
    /** The window this side's SYN-ACK offers. */
    public int window;
    public long firstSynTime;
    public long rtoPs;
    public int retransmits;
    /** SYN-ACK timer expiries ({@code num_timeout}): the retransmissions and those TCP_DEFER_ACCEPT held back. */
    public int timeouts;
    /**
     * The final ACK came and was dropped, the accept queue being full or TCP_DEFER_ACCEPT waiting for data
     * ({@code inet_rsk(req)->acked}).
     */
    public boolean acked;
    /** When a repeated SYN last got the SYN-ACK again ({@code last_oow_ack_time}); Long.MIN_VALUE: never. */
    public long lastOutOfWindowAck;
    /* The listener's SYN queue, doubly linked; and the pool. */
    RequestSock previousInQueue;
    RequestSock nextInQueue;

    RequestSock(final TcpLayer layer)
    {
        super("tcp.synack-retransmit", layer);
    }

    /** SYN-ACK retransmission. */
    @Override
    void expired(final TcpLayer layer)
    {
        layer.synAckTimeout(this);
    }

    /** The next sequence number the peer sends: its ISN plus the SYN. */
    public int rcvNxt()
    {
        return irs + 1;
    }
}
