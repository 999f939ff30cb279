package dev.nicsim.stack.iface;

import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.wire.Ipv4Address;

/**
 * IPv4 routing: connected subnets (added with each interface), static routes, a default gateway, and the route
 * types Linux has for refusing traffic. A lookup is a longest-prefix match over a small array; its result is left in
 * fields ({@link #resultInterface()}, {@link #resultNextHop()}, {@link #resultKind()}) so that it allocates nothing.
 *
 * <p>Local addresses (the interfaces' own and 127/8) route through the loopback interface, as Linux's local table
 * does; limited and subnet-directed broadcasts and multicast are classified so that TCP can refuse them
 * (ENETUNREACH) and UDP can ask for SO_BROADCAST (EACCES).
 */
public final class RouteTable
{
    /** What a route leads to. */
    public enum Kind
    {
        /** A unicast destination, direct or through a gateway. */
        UNICAST,
        /** One of this host's own addresses: delivered through loopback. */
        LOCAL,
        /** 255.255.255.255 or a connected subnet's broadcast address. */
        BROADCAST,
        /** 224.0.0.0/4. */
        MULTICAST,
        /** {@code ip route add unreachable}: EHOSTUNREACH. */
        UNREACHABLE,
        /** {@code ip route add prohibit}: EACCES. */
        PROHIBIT,
        /** {@code ip route add blackhole}: EINVAL, as Linux's fib_props say. */
        BLACKHOLE
    }

    private static final int MAX_ROUTES = 64;

    private final int[] destination = new int[MAX_ROUTES];
    private final int[] prefixLength = new int[MAX_ROUTES];
    private final int[] gateway = new int[MAX_ROUTES];
    private final Kind[] kind = new Kind[MAX_ROUTES];
    private final NetworkInterface[] through = new NetworkInterface[MAX_ROUTES];
    private int count;

    private final NetworkInterface[] interfaces = new NetworkInterface[16];
    private int interfaceCount;
    private NetworkInterface loopback;

    private NetworkInterface resultInterface;
    private int resultNextHop;
    private Kind resultKind;
    private int resultSource;
    /**
     * The last lookup's address and return value, while the table is unchanged: one connection looks the same
     * destination up for every packet it sends, and the result fields still hold the answer.
     */
    private boolean lastValid;
    private int lastAddress;
    private int lastReturned;

    /** Registers an interface; its connected subnet gets a route (loopback is only "local"). */
    public void attach(final NetworkInterface iface, final boolean isLoopback)
    {
        if (interfaceCount == interfaces.length)
        {
            throw new IllegalStateException("a stack has at most " + interfaces.length + " interfaces");
        }
        interfaces[interfaceCount++] = iface;
        lastValid = false;
        if (isLoopback)
        {
            loopback = iface;
        }
        else if (iface.prefixLength() < 32)
        {
            add(iface.address() & Ipv4Address.mask(iface.prefixLength()), iface.prefixLength(), 0, iface,
                Kind.UNICAST);
        }
    }

    /** Adds a route to {@code destination/prefixLength} through {@code gateway} (0 = directly connected). */
    public void add(final int destination, final int prefixLength, final int gateway, final NetworkInterface iface,
        final Kind routeKind)
    {
        if (prefixLength < 0 || prefixLength > 32)
        {
            throw new IllegalArgumentException("prefix length must be 0..32, got " + prefixLength);
        }
        if (count == MAX_ROUTES)
        {
            throw new IllegalStateException("route table full (" + MAX_ROUTES + " routes)");
        }
        if ((routeKind == Kind.UNICAST) && iface == null)
        {
            throw new IllegalArgumentException("a unicast route needs an interface");
        }
        this.destination[count] = destination & Ipv4Address.mask(prefixLength);
        this.prefixLength[count] = prefixLength;
        this.gateway[count] = gateway;
        this.through[count] = iface;
        this.kind[count] = routeKind;
        count++;
        lastValid = false;
    }

    /** Adds the default route: everything not otherwise routed goes to {@code gateway} on {@code iface}. */
    public void addDefault(final int gateway, final NetworkInterface iface)
    {
        if (!iface.onLink(gateway))
        {
            throw new IllegalArgumentException("gateway " + Ipv4Address.format(gateway) + " is not on " +
                iface.name() + "'s subnet " + Ipv4Address.format(iface.address()) + "/" + iface.prefixLength() +
                "; add the interface with an address in the gateway's subnet first");
        }
        add(0, 0, gateway, iface, Kind.UNICAST);
    }

    /** True when {@code address} is one of this host's own. */
    public boolean isLocal(final int address)
    {
        if (Ipv4Address.isLoopback(address))
        {
            return true;
        }
        for (int i = 0; i < interfaceCount; i++)
        {
            if (interfaces[i].address() == address)
            {
                return true;
            }
        }
        return false;
    }

    /** True when {@code address} is the limited broadcast or a directed broadcast of a connected subnet. */
    public boolean isBroadcast(final int address)
    {
        if (address == Ipv4Address.BROADCAST)
        {
            return true;
        }
        for (int i = 0; i < interfaceCount; i++)
        {
            final NetworkInterface iface = interfaces[i];
            final int prefix = iface.prefixLength();
            if (prefix < 31 && address == (iface.address() | ~Ipv4Address.mask(prefix)))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Looks up the route to {@code address}. Returns 0 with the result in the result fields, or {@code -errno}:
     * ENETUNREACH (no route), EHOSTUNREACH, EACCES or EINVAL (refusing route types).
     */
    public int lookup(final int address)
    {
        if (!lastValid || address != lastAddress)
        {
            lastReturned = resolve(address, false);
            lastAddress = address;
            lastValid = true;
        }
        return lastReturned;
    }

    /**
     * The route for a socket whose source address is {@code source} (0 while it has none), as Linux's
     * {@code ip_route_output_key_hash_rcu}: with a source, multicast and the limited broadcast leave by the interface
     * that owns it, with no route needed; everything else as {@link #lookup}.
     */
    public int lookupFrom(final int address, final int source)
    {
        if (source != 0 && (address == Ipv4Address.BROADCAST || Ipv4Address.isMulticast(address)))
        {
            final NetworkInterface iface = interfaceWithAddress(source);
            if (iface != null && iface != loopback)
            {
                lastValid = false;
                return result(iface, address, address == Ipv4Address.BROADCAST ? Kind.BROADCAST : Kind.MULTICAST,
                    source);
            }
        }
        return lookup(address);
    }

    /**
     * As {@link #lookupFrom(int, int)}, for a socket with SO_DONTROUTE when {@code onLinkOnly}: Linux then looks up
     * with RT_SCOPE_LINK ({@code ip_sock_rt_scope}), which a route through a gateway does not have, nor an
     * unreachable, prohibit or blackhole one, so a destination only they reach is ENETUNREACH.
     */
    public int lookupFrom(final int address, final int source, final boolean onLinkOnly)
    {
        if (!onLinkOnly || source != 0 && (address == Ipv4Address.BROADCAST || Ipv4Address.isMulticast(address)))
        {
            return lookupFrom(address, source);
        }
        lastValid = false;
        return resolve(address, true);
    }

    /**
     * Where a connect() or sendto() to {@code address} goes: 0.0.0.0 means this host, the socket's source address
     * or else 127.0.0.1 (Linux's {@code ip_route_output_key_hash_rcu}; the socket then shows that address as its peer).
     */
    public static int destination(final int address, final int source)
    {
        return address != Ipv4Address.ANY ? address : source != 0 ? source : Ipv4Address.LOOPBACK;
    }

    private int resolve(final int address, final boolean onLinkOnly)
    {
        if (isLocal(address) && loopback != null)
        {
            return result(loopback, address, Kind.LOCAL, address);
        }
        if (address != Ipv4Address.BROADCAST && isBroadcast(address))
        {
            // A connected subnet's broadcast: the local table's broadcast route, there with or without others.
            final NetworkInterface iface = interfaceForSubnet(address);
            return iface == null ? -Errno.ENETUNREACH : result(iface, address, Kind.BROADCAST, iface.address());
        }
        int best = -1;
        for (int i = 0; i < count; i++)
        {
            final boolean inScope = !onLinkOnly || gateway[i] == 0 && kind[i] == Kind.UNICAST;
            if (inScope && (address & Ipv4Address.mask(prefixLength[i])) == destination[i] &&
                (best < 0 || prefixLength[i] > prefixLength[best]))
            {
                best = i;
            }
        }
        if (best < 0)
        {
            return -Errno.ENETUNREACH;
        }
        switch (kind[best])
        {
            case UNREACHABLE:
                return -Errno.EHOSTUNREACH;
            case PROHIBIT:
                return -Errno.EACCES;
            case BLACKHOLE:
                return -Errno.EINVAL;
            default:
                break;
        }
        final NetworkInterface iface = through[best];
        if (address == Ipv4Address.BROADCAST)
        {
            // The limited broadcast follows whatever route matches it (the default route, if any), and is a
            // broadcast on that route's interface: Linux's __mkroute_output turns RTN_UNICAST into RTN_BROADCAST.
            return result(iface, address, Kind.BROADCAST, iface.address());
        }
        final int nextHop = gateway[best] != 0 ? gateway[best] : address;
        return result(iface, nextHop, Ipv4Address.isMulticast(address) ? Kind.MULTICAST : Kind.UNICAST,
            iface.address());
    }

    private NetworkInterface interfaceForSubnet(final int address)
    {
        for (int i = 0; i < interfaceCount; i++)
        {
            if (interfaces[i] != loopback && interfaces[i].onLink(address))
            {
                return interfaces[i];
            }
        }
        return null;
    }

    private int result(final NetworkInterface iface, final int nextHop, final Kind routeKind, final int source)
    {
        resultInterface = iface;
        resultNextHop = nextHop;
        resultKind = routeKind;
        resultSource = source;
        return 0;
    }

    public NetworkInterface resultInterface()
    {
        return resultInterface;
    }

    public int resultNextHop()
    {
        return resultNextHop;
    }

    public Kind resultKind()
    {
        return resultKind;
    }

    /** The preferred source address for the last lookup (the outgoing interface's). */
    public int resultSource()
    {
        return resultSource;
    }

    /** The interface whose address is {@code address}, or null. */
    public NetworkInterface interfaceWithAddress(final int address)
    {
        for (int i = 0; i < interfaceCount; i++)
        {
            if (interfaces[i].address() == address)
            {
                return interfaces[i];
            }
        }
        return null;
    }
}
