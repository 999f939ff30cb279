package dev.nicsim.stack.sock;

import dev.nicsim.stack.wire.Ipv4Address;

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

    /**
     * Linux's {@code inet_bind_conflict} and {@code udp_lib_lport_inuse}: whether {@code socket} may not hold
     * {@code local}:{@code port} beside its other owners. An owner whose address overlaps conflicts unless both set
     * SO_REUSEADDR and the owner is not listening (for UDP, both setting it is enough), or both set SO_REUSEPORT (one
     * user: nicsim has no other). Asked at bind(), and again at listen(), where another listener now conflicts.
     */
    public boolean conflicts(final SockCommon socket, final int local, final int port)
    {
        for (SockCommon owner = heads[port]; owner != null; owner = owner.nextInPort)
        {
            final boolean overlap = owner.localAddress == Ipv4Address.ANY || local == Ipv4Address.ANY ||
                owner.localAddress == local;
            if (owner == socket || !overlap)
            {
                continue;
            }
            if (!(socket.reuseAddress && owner.reuseAddress && !owner.listening()) &&
                !(socket.reusePort && owner.reusePort))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Linux's {@code reuseport_select_sock} without a BPF program: of {@code chosen}'s group (the owners of its port
     * with SO_REUSEPORT, on its address, unconnected, listening as it is), the one {@code reciprocal_scale(hash, n)}
     * picks, in the order they took the port (Linux's: the order they were hashed, at listen() for TCP).
     */
    public SockCommon reusePortPick(final SockCommon chosen, final int hash)
    {
        int members = 0;
        for (SockCommon owner = heads[chosen.localPort]; owner != null; owner = owner.nextInPort)
        {
            members += inGroup(owner, chosen) ? 1 : 0;
        }
        final int index = (int) (Integer.toUnsignedLong(hash) * members >>> 32);
        // The chain holds the newest owner first.
        int position = members - 1;
        for (SockCommon owner = heads[chosen.localPort]; owner != null; owner = owner.nextInPort)
        {
            if (inGroup(owner, chosen) && position-- == index)
            {
                return owner;
            }
        }
        return chosen;
    }

    private static boolean inGroup(final SockCommon owner, final SockCommon chosen)
    {
        return owner.reusePort && owner.localAddress == chosen.localAddress && owner.remoteAddress == 0 &&
            owner.listening() == chosen.listening();
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
