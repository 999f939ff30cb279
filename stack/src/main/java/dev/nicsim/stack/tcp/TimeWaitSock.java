package dev.nicsim.stack.tcp;

import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.stack.sock.SockCommon;

/**
 * A connection in TIME_WAIT, as Linux's {@code inet_timewait_sock} (the "minisock"): the socket itself is closed
 * and gone back to its pool with its buffers, and what RFC 9293 §3.6.1 still needs for the 2 MSL is kept here: the
 * 4-tuple and port (so the tuple stays taken), the sequence numbers and window to acknowledge a retransmitted FIN
 * with, and the timestamps for PAWS and {@code tcp_tw_reuse}. Pooled by {@link TcpLayer} with its timer.
 */
public final class TimeWaitSock extends SockCommon
{
    public int sndNxt;
    public int rcvNxt;
    /** The window field of its ACKs: what the connection last advertised, already scaled down. */
    public int window;
    public boolean timestampsOk;
    public int tsRecent;
    public long tsRecentStamp;
    public int tsOffset;
    /** The 2 MSL expiry. */
    public final Event timer;
    TimeWaitSock nextFree;

    TimeWaitSock(final TcpLayer layer)
    {
        timer = new Event("tcp.time-wait", Component.TIMER, () -> layer.timeWaitExpired(this));
    }

    @Override
    public boolean listening()
    {
        return false;
    }
}
