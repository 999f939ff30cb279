package dev.nicsim.stack.tcp;

/**
 * A connection in TIME_WAIT, as Linux's {@code inet_timewait_sock} (the "minisock"): the socket itself is closed
 * and gone back to its pool with its buffers, and what RFC 9293 §3.6.1 still needs for the 2 MSL is kept here: the
 * 4-tuple and port (so the tuple stays taken), the sequence numbers and window to acknowledge a retransmitted FIN
 * with, and the timestamps for PAWS and {@code tcp_tw_reuse}. Pooled by {@link TcpLayer} with its timer.
 */
public final class TimeWaitSock extends MiniSock
{
    public int sndNxt;
    public int rcvNxt;
    /** The window field of its ACKs: what the connection last advertised, already scaled down. */
    public int window;
    /** The connection's IP_TOS, which its ACKs keep (tw_tos). */
    public int tos;
    public boolean timestampsOk;
    public int tsRecent;
    public long tsRecentStamp;
    public int tsOffset;

    TimeWaitSock(final TcpLayer layer)
    {
        super("tcp.time-wait", layer);
    }

    /** The 2 MSL are over. */
    @Override
    void expired(final TcpLayer layer)
    {
        layer.timeWaitExpired(this);
    }
}
