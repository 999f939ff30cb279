package dev.nicsim.stack.sock;

/**
 * Which endpoints hold each local port of one protocol (Linux's bind buckets): an array of 65536 chain heads, the
 * chain doubly linked through {@link SockCommon#nextInPort}, and per port how many of its owners did not get it from
 * connect() (Linux's {@code tb->fastreuse} state): connect() may share a port only none of whose owners bound it,
 * and asks that without walking the chain. Bind conflict checks walk one port's chain; joining and leaving it cost
 * the same however many share the port (a listener's accepted connections all hold its port). Nothing here
 * allocates.
 */
public final class PortTable
{
    private final SockCommon[] heads = new SockCommon[65536];
    private final int[] bound = new int[65536];

    public SockCommon head(final int port)
    {
        return heads[port];
    }

    public boolean isFree(final int port)
    {
        return heads[port] == null;
    }

    /** True when every owner of {@code port} took it through connect(), so another connect() may share it. */
    public boolean sharableByConnect(final int port)
    {
        return bound[port] == 0;
    }

    /** {@code owner} takes {@code port}; {@code byConnect} when connect()'s ephemeral search chose it. */
    public void add(final SockCommon owner, final int port, final boolean byConnect)
    {
        owner.portByConnect = byConnect;
        if (!byConnect)
        {
            bound[port]++;
        }
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
        if (!owner.portByConnect)
        {
            bound[owner.localPort]--;
        }
        owner.nextInPort = null;
        owner.previousInPort = null;
        owner.hashedPort = false;
    }
}
