package dev.nicsim.stack.socket;

/**
 * Which sockets hold each local port of one protocol: an array of 65536 chain heads, the chain linked through
 * {@link Socket#nextInPort}. Bind conflict checks and ephemeral port selection walk one port's chain; nothing here
 * allocates.
 */
public final class PortTable
{
    private final Socket[] heads = new Socket[65536];

    public Socket head(final int port)
    {
        return heads[port];
    }

    public boolean isFree(final int port)
    {
        return heads[port] == null;
    }

    public void add(final Socket socket, final int port)
    {
        socket.localPort = port;
        socket.nextInPort = heads[port];
        heads[port] = socket;
        socket.hashedPort = true;
    }

    public void remove(final Socket socket)
    {
        if (!socket.hashedPort)
        {
            return;
        }
        final int port = socket.localPort;
        Socket previous = null;
        for (Socket at = heads[port]; at != null; at = at.nextInPort)
        {
            if (at == socket)
            {
                if (previous == null)
                {
                    heads[port] = at.nextInPort;
                }
                else
                {
                    previous.nextInPort = at.nextInPort;
                }
                break;
            }
            previous = at;
        }
        socket.nextInPort = null;
        socket.hashedPort = false;
    }
}
