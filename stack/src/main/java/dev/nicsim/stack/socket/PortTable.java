package dev.nicsim.stack.socket;

/**
 * Which endpoints hold each local port of one protocol (Linux's bind buckets): an array of 65536 chain heads, the
 * chain doubly linked through {@link SockCommon#nextInPort}. Bind conflict checks and ephemeral port selection walk
 * one port's chain; joining and leaving it cost the same however many share the port (a listener's accepted
 * connections all hold its port). Nothing here allocates.
 */
public final class PortTable
{
    private final SockCommon[] heads = new SockCommon[65536];

    public SockCommon head(final int port)
    {
        return heads[port];
    }

    public boolean isFree(final int port)
    {
        return heads[port] == null;
    }

    public void add(final SockCommon owner, final int port)
    {
        owner.localPort = port;
        owner.previousInPort = null;
        owner.nextInPort = heads[port];
        if (heads[port] != null)
        {
            heads[port].previousInPort = owner;
        }
        heads[port] = owner;
        owner.hashedPort = true;
    }

    public void remove(final SockCommon owner)
    {
        if (!owner.hashedPort)
        {
            return;
        }
        if (owner.previousInPort == null)
        {
            heads[owner.localPort] = owner.nextInPort;
        }
        else
        {
            owner.previousInPort.nextInPort = owner.nextInPort;
        }
        if (owner.nextInPort != null)
        {
            owner.nextInPort.previousInPort = owner.previousInPort;
        }
        owner.nextInPort = null;
        owner.previousInPort = null;
        owner.hashedPort = false;
    }
}
