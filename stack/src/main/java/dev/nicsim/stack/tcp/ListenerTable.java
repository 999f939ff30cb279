package dev.nicsim.stack.tcp;

import dev.nicsim.stack.wire.Ipv4Address;

/**
 * Listening sockets by port, as Linux's listening hash: a segment that matches no connection finds its listener
 * among the listeners of its port only, not among the connections that listener accepted (those hold the port too,
 * in the {@link dev.nicsim.stack.sock.PortTable}). Chains linked through {@link TcpSocket#nextListener}.
 */
final class ListenerTable
{
    private final TcpSocket[] heads = new TcpSocket[65536];

    void add(final TcpSocket listener)
    {
        listener.nextListener = heads[listener.localPort];
        heads[listener.localPort] = listener;
    }

    void remove(final TcpSocket listener)
    {
        TcpSocket previous = null;
        for (TcpSocket at = heads[listener.localPort]; at != null; at = at.nextListener)
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
    TcpSocket find(final int address, final int port)
    {
        TcpSocket wildcard = null;
        for (TcpSocket at = heads[port]; at != null; at = at.nextListener)
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
