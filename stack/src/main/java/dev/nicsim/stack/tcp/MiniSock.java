package dev.nicsim.stack.tcp;

import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.stack.sock.SockCommon;

/**
 * What TCP's small connection records share, the ones Linux calls minisocks ({@link RequestSock} in a SYN queue,
 * {@link TimeWaitSock} for the 2 MSL): a 4-tuple without buffers, one timer built with the record, and a place in
 * a {@link MiniSockPool}.
 */
public abstract class MiniSock extends SockCommon
{
    /** The record's one timer (SYN-ACK retransmission, or the end of TIME_WAIT). */
    public final Event timer;
    MiniSock nextFree;

    MiniSock(final String timerName, final TcpLayer layer)
    {
        timer = new Event(timerName, Component.TIMER, () -> expired(layer));
    }

    /** The timer fired. */
    abstract void expired(TcpLayer layer);

    @Override
    public boolean listening()
    {
        return false;
    }
}
