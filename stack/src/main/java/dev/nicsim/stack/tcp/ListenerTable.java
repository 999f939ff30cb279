package dev.nicsim.stack.tcp;

import dev.nicsim.stack.socket.Socket;
import dev.nicsim.stack.wire.Ipv4Address;

/**
 * Listening sockets by port, as Linux's listening hash: a segment that matches no connection finds its listener
 * among the listeners of its port only, not among the connections that listener accepted (those hold the port too,
 * in the {@link dev.nicsim.stack.socket.PortTable}). Chains linked through {@link Socket#nextListener}.
 */
final class ListenerTable
{
    private final Socket[] heads = new Socket[65536];

    void add(final Socket listener)
    {
        listener.nextListener = heads[listener.localPort];
        heads[listener.localPort] = listener;
    }

    void remove(final Socket listener)
    {
        Socket previous = null;
        for (Socket at = heads[listener.localPort]; at != null; at = at.nextListener)
        {
            if (at == listener)
            {
                if (previous == null)
                {
                    heads[listener.localPort] = at.nextListener;
                }
                else
                {
                    previous.nextListener = at.nextListener;
                }
                break;
            }
            previous = at;
        }
        listener.nextListener = null;
    }

    /** The listener for {@code address:port}: one bound to the address, else a wildcard one, else null. */
    Socket find(final int address, final int port)
    {
        Socket wildcard = null;
        for (Socket at = heads[port]; at != null; at = at.nextListener)
        {
            if (at.localAddress == address)
            {
                return at;
            }
            if (at.localAddress == Ipv4Address.ANY)
            {
                wildcard = at;
            }
        }
        return wildcard;
    }
}
