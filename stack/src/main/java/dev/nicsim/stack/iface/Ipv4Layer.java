package dev.nicsim.stack.iface;

import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.context.StackContext;
import dev.nicsim.stack.device.FrameReceiver;
import dev.nicsim.stack.device.NetDevice;
import dev.nicsim.stack.wire.Bytes;
import dev.nicsim.stack.wire.Checksum;
import dev.nicsim.stack.wire.DropReason;
import dev.nicsim.stack.wire.EthernetFrame;
import dev.nicsim.stack.wire.IcmpMessage;
import dev.nicsim.stack.wire.Ipv4Address;
import dev.nicsim.stack.wire.Ipv4Packet;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * IPv4 input and output.
 *
 * <h2>Input</h2>
 * Validates the header in place, keeps only what is addressed to this host (its addresses, broadcast, all-hosts
 * multicast), sends fragments to the {@link Reassembler}, and hands the transport payload up where it lies, to the
 * transport registered for its protocol number ({@link #register}, Linux's {@code inet_protos}).
 *
 * <h2>Output, zero-copy</h2>
 * {@link #claim} routes, resolves the next hop and reserves a transmit slot, then writes the Ethernet and IP headers
 * straight into the device's transmit buffer and describes the packet in the sender's {@link TxClaim}; the sender
 * writes its header and payload after them at {@link TxClaim#transportOffset()}, and {@link #commit} fills in the
 * transport checksum (or asks the device to) and hands the frame over. Only when the frame cannot go yet (next hop unresolved, or no transmit slot) is it built in a held
 * buffer instead, and copied into a slot later: the one extra copy on this path.
 */
public final class Ipv4Layer implements Ipv4Output
{
    static final int HEADERS = EthernetFrame.HEADER_LENGTH + Ipv4Packet.HEADER_LENGTH;
    private static final int ALL_HOSTS = 0xE000_0001;
    /**
     * Frames one TX queue holds for a slot: Linux's default txqueuelen, the limit of each mq child qdisc (pfifo_fast,
     * fq_codel). With 128 frames for all queues together, 5 of 16 flows on one core sent nothing for 30 ms: their
     * segments found the hold full (docs/co-design.md).
     */
    static final int TX_QUEUE_LENGTH = 1000;
    /* Held frames, all queues and neighbours together: the arrays start at 128 and double as needed up to this. */
    private static final int HELD_LIMIT = 1 << 16;
    private static final int HELD_FREE = 0;
    private static final int HELD_WAIT_ARP = 1;
    private static final int HELD_WAIT_SLOT = 2;

    private final StackContext stack;
    private final Ipv4Packet ip = new Ipv4Packet();
    private final Ipv4Packet outIp = new Ipv4Packet();
    private final EthernetFrame outEthernet = new EthernetFrame();
    private final Reassembler reassembler;
    private final Icmp icmp;
    private final RouteTable routes;
    /* The transports by IP protocol number: Linux's inet_protos. */
    private final InetProtocol[] protocols = new InetProtocol[256];
    /*
     * IPv4 IDs, one counter per bucket of flow hashes: a flow's packets carry consecutive IDs, whatever other flows
     * send in between, as Linux gives a connected socket its own counter (inet_id, ip_select_ident_segs) and other
     * packets one of IP_IDENTS_SZ (2048) counters. Receivers' GRO merges a flow's segments only while their IDs
     * follow on (inet_gro_flush), so one counter for the host would stop merging whenever flows interleave.
     */
    private static final int ID_BUCKETS = 2048;
    private final int[] identifications = new int[ID_BUCKETS];


    /*
     * Frames waiting for ARP or for a transmit slot: struct of arrays, buffers allocated on first use. Free entries
     * are a stack; the frames waiting for a queue's slot are a FIFO linked through heldNext (head and tail kept by
     * the interface).
     */
    private int[] heldState = new int[128];
    private NetworkInterface[] heldInterface = new NetworkInterface[128];
    private int[] heldNextHop = new int[128];
    /* The TX queue the frame's flow hashes to: it leaves on that queue, after the frames held before it there. */
    private int[] heldQueue = new int[128];
    private int[] heldLength = new int[128];
    /* A held TSO segment's MSS and header length (Ethernet through TCP options), as txCommitTso takes them; else 0. */
    private int[] heldTsoMss = new int[128];
    private int[] heldTsoHeaderLength = new int[128];
    private long[] heldOrder = new long[128];
    private int[] heldNext = new int[128];
    private MemorySegment[] heldBuffer = new MemorySegment[128];
    private int[] freeHeld = freeEntries(0, 128);
    private int freeHeldCount = 128;
    private long heldSequence;

    public Ipv4Layer(final StackContext stack, final RouteTable routes)
    {
        this.stack = stack;
        this.routes = routes;
        this.reassembler = new Reassembler(stack, this, routes);
        this.icmp = new Icmp(stack, this, routes);
    }

    /**
     * Registers the transport for IP protocol number {@code protocol} ({@code inet_add_protocol}): datagrams for it
     * and ICMP errors quoting it go there. ICMP itself is part of this layer and is not registered.
     */
    public void register(final int protocol, final InetProtocol handler)
    {
        if (protocols[protocol] != null || protocol == Ipv4Packet.PROTOCOL_ICMP)
        {
            throw new IllegalStateException("IP protocol " + protocol + " already has a handler");
        }
        protocols[protocol] = handler;
    }

    /** The transport registered for {@code protocol}, or null. */
    InetProtocol protocol(final int protocol)
    {
        return protocols[protocol];
    }

    public Icmp icmp()
    {
        return icmp;
    }

    @Override
    public void sendIcmpError(final int type, final int code, final int info, final MemorySegment memory,
        final long ipOffset, final int length)
    {
        icmp.sendError(type, code, info, memory, ipOffset, length);
    }

    public Reassembler reassembler()
    {
        return reassembler;
    }

    /* ---------------------------------------------------------------------------------------------------------- */
    /* Input                                                                                                        */

    /**
     * An IP packet received on {@code iface}. {@code rawChecksum} is the device's ones'-complement sum of the bytes
     * from the IP header to the end of the frame, or {@link FrameReceiver#NO_CHECKSUM}. Returns the outcome:
     * {@link DropReason#ACCEPTED} or why the packet was dropped.
     */
    public int receive(final NetworkInterface iface, final MemorySegment memory, final long offset, final int length,
        final int rawChecksum)
    {
        ip.wrap(memory, offset, length);
        final int invalid = ip.validate();
        if (invalid != 0)
        {
            return invalid;
        }
        final int source = ip.source();
        final int destination = ip.destination();
        if (Ipv4Address.isMulticast(source) || source == Ipv4Address.BROADCAST)
        {
            return DropReason.IP_BAD_SOURCE;
        }
        final boolean broadcast = routes.isBroadcast(destination);
        final boolean unicast = !broadcast && routes.isLocal(destination);
        if (!unicast && !broadcast && destination != ALL_HOSTS)
        {
            return DropReason.IP_NOT_FOR_US;
        }
        final int total = ip.totalLength();
        if (ip.isFragment())
        {
            return reassembler.add(iface, memory, offset, ip.headerLength(), total, ip.fragmentOffset(),
                ip.moreFragments());
        }
        int transportSum = FrameReceiver.NO_CHECKSUM;
        if (rawChecksum != FrameReceiver.NO_CHECKSUM)
        {
            // The device summed the whole frame after the Ethernet header: take out the IP header and the padding.
            transportSum = Checksum.subtract(rawChecksum, ip.headerSum());
            transportSum = Checksum.subtractTail(transportSum, memory, offset, total, length);
        }
        return deliver(iface, memory, offset, ip.headerLength(), total, transportSum, unicast);
    }

    /**
     * Hands a whole (possibly reassembled) datagram to its transport. {@code transportSum} is the sum of the
     * transport bytes when a device provided it, else {@link FrameReceiver#NO_CHECKSUM}. Returns the outcome.
     */
    int deliver(final NetworkInterface iface, final MemorySegment memory, final long offset, final int headerLength,
        final int totalLength, final int transportSum, final boolean unicast)
    {
        final int protocol = Bytes.u8(memory, offset + Ipv4Packet.PROTOCOL);
        final int source = Bytes.i32(memory, offset + Ipv4Packet.SOURCE);
        final int destination = Bytes.i32(memory, offset + Ipv4Packet.DESTINATION);
        final int payloadLength = totalLength - headerLength;
        if (protocol == Ipv4Packet.PROTOCOL_ICMP)
        {
            return icmp.receive(memory, offset, headerLength, payloadLength, source, destination, unicast);
        }
        final InetProtocol handler = protocols[protocol];
        if (handler == null)
        {
            if (unicast)
            {
                icmp.sendError(IcmpMessage.TYPE_DEST_UNREACHABLE, IcmpMessage.CODE_PROTOCOL_UNREACHABLE, 0, memory,
                    offset, totalLength);
            }
            return DropReason.IP_UNKNOWN_PROTOCOL;
        }
        return handler.receive(memory, offset, headerLength, payloadLength, source, destination, transportSum,
            unicast);
    }

    /**
     * TCP saw {@code address} acknowledge something new: the next hop is reachable (Linux's {@code dst_confirm}),
     * which spares its ARP entry the unicast probes.
     */
    @Override
    public void confirmNeighbour(final int address)
    {
        if (routes.lookup(address) == 0 && routes.resultKind() == RouteTable.Kind.UNICAST)
        {
            final ArpCache arp = routes.resultInterface().arp();
            if (arp != null)
            {
                arp.confirm(routes.resultNextHop());
            }
        }
    }

    /** True when a transport checksum (TCP or UDP) over {@code length} bytes at {@code offset} is right. */
    public static boolean transportChecksumOk(final MemorySegment memory, final long offset, final int length,
        final int source, final int destination, final int protocol, final int transportSum)
    {
        final int pseudo = Checksum.pseudoHeader(source, destination, protocol, length);
        final int sum = transportSum != FrameReceiver.NO_CHECKSUM ? Checksum.add(transportSum, pseudo)
            : Checksum.sum(memory, offset, length, pseudo);
        return Checksum.verifies(sum);
    }

    /* ---------------------------------------------------------------------------------------------------------- */
    /* Output                                                                                                       */

    /**
     * {@inheritDoc} The packet has DF set.
     */
    @Override
    public int claim(final TxClaim claim, final int source, final int destination, final int protocol,
        final int transportLength)
    {
        return claim(claim, source, destination, protocol, transportLength, 0, 0, SocketConstants.DEFAULT_TTL);
    }

    @Override
    public int claim(final TxClaim claim, final int source, final int destination, final int protocol,
        final int transportLength, final int flowHash, final int tos, final int ttl)
    {
        claim.flowHash = flowHash;
        claim.tsoMss = 0;
        claim.tos = tos;
        claim.ttl = ttl;
        return start(claim, source, destination, protocol, transportLength,
            identifications[flowHash & ID_BUCKETS - 1]++ & 0xFFFF, Ipv4Packet.FLAG_DONT_FRAGMENT);
    }

    @Override
    public int claimTso(final TxClaim claim, final int source, final int destination, final int transportLength,
        final int flowHash, final int mss, final int tos, final int ttl)
    {
        claim.flowHash = flowHash;
        claim.tsoMss = mss;
        claim.tos = tos;
        claim.ttl = ttl;
        // The device gives the segment's frames consecutive IDs from this one; commitTso moves the counter past them.
        return start(claim, source, destination, Ipv4Packet.PROTOCOL_TCP, transportLength,
            identifications[flowHash & ID_BUCKETS - 1] & 0xFFFF, Ipv4Packet.FLAG_DONT_FRAGMENT);
    }

    @Override
    public void commitTso(final TxClaim claim, final int checksumField, final int transportHeaderLength)
    {
        Bytes.put16(claim.memory, claim.transportOffset() + checksumField,
            Checksum.pseudoHeader(claim.source, claim.destination, claim.protocol, 0));
        // One ID per frame the device cuts, payload bytes over the MSS (ip_select_ident_segs with gso_segs).
        final int payload = claim.length - HEADERS - transportHeaderLength;
        identifications[claim.flowHash & ID_BUCKETS - 1] += Math.max(1, (payload + claim.tsoMss - 1) / claim.tsoMss);
        stack.stats().packetsSent++;
        if (claim.held < 0)
        {
            claim.iface.device().txCommitTso(claim.slot, claim.length, HEADERS + transportHeaderLength,
                claim.tsoMss);
            claim.iface.transmitted();
        }
        else
        {
            heldLength[claim.held] = claim.length;
            heldTsoMss[claim.held] = claim.tsoMss;
            heldTsoHeaderLength[claim.held] = HEADERS + transportHeaderLength;
        }
        claim.tsoMss = 0;
    }

    @Override
    public int tsoMaxBytes(final int destination)
    {
        if (routes.lookup(destination) < 0)
        {
            return 0;
        }
        final NetDevice device = routes.resultInterface().device();
        return (device.features() & NetDevice.FEATURE_TSO) != 0 ? device.tsoMaxBytes() : 0;
    }

    /**
     * Starts one fragment of a datagram too large for the route's MTU (RFC 791 §3.2, Linux's {@code ip_fragment}):
     * as {@link #claim}, but DF clear, with the datagram's {@code identification} (from {@link #newIdentification()}),
     * the fragment's place in the datagram {@code offsetBytes} (a multiple of 8) and whether more fragments follow.
     * {@code length} bytes of the datagram's payload go at {@link TxClaim#transportOffset()}; finish with
     * {@code commit(claim, -1)}.
     */
    int claimFragment(final TxClaim claim, final int source, final int destination, final int protocol, final int length,
        final int identification, final int offsetBytes, final boolean more)
    {
        claim.flowHash = 0;
        claim.tsoMss = 0;
        return start(claim, source, destination, protocol, length, identification,
            (more ? Ipv4Packet.FLAG_MORE_FRAGMENTS : 0) | (offsetBytes >>> 3));
    }

    /** An identification for a datagram sent in fragments: every fragment carries it. */
    public int newIdentification()
    {
        return identifications[0]++ & 0xFFFF;
    }

    /** The MTU of the interface the route to {@code destination} leaves by, or {@code -errno} with no route. */
    public int pathMtu(final int destination)
    {
        final int routed = routes.lookup(destination);
        return routed < 0 ? routed : routes.resultInterface().mtu();
    }

    private int start(final TxClaim claim, final int source, final int destination, final int protocol, final int transportLength,
        final int id, final int flagsFragment)
    {
        final int routed = routes.lookupFrom(destination, source);
        if (routed < 0)
        {
            return routed;
        }
        final NetworkInterface iface = routes.resultInterface();
        final int total = Ipv4Packet.HEADER_LENGTH + transportLength;
        final NetDevice device = iface.device();
        final int queue = device.txQueueFor(claim.flowHash);
        if (claim.tsoMss > 0)
        {
            return startTso(claim, iface, queue, source, destination, total, id, flagsFragment);
        }
        if (total > iface.mtu())
        {
            return -Errno.EMSGSIZE;
        }
        final long mac = nextHopMac(iface, routes.resultKind(), routes.resultNextHop(), destination);
        claim.held = -1;
        claim.slot = NetDevice.NO_SLOT;
        if (mac >= 0 && iface.framesWaitingForSlot(queue) == 0)
        {
            // Behind frames already waiting for this queue, a frame waits too: a flow's frames leave in order.
            claim.slot = device.txReserveOn(queue);
        }
        if (claim.slot != NetDevice.NO_SLOT)
        {
            claim.memory = device.txMemory();
            claim.frame = device.txOffset(claim.slot);
        }
        else
        {
            claim.held = hold(iface, routes.resultNextHop(), queue, mac >= 0 ? HELD_WAIT_SLOT : HELD_WAIT_ARP,
                EthernetFrame.HEADER_LENGTH + total);
            if (claim.held < 0)
            {
                stack.stats().drop(DropReason.TX_NO_ROOM);
                return -Errno.ENOBUFS;
            }
            claim.memory = heldBuffer[claim.held];
            claim.frame = 0;
        }
        writeHeaders(claim, iface, mac, source, destination, protocol, total, id, flagsFragment);
        return 0;
    }

    /*
     * TSO: into a TSO slot, or, behind frames waiting for the queue or with its ring full, held whole until it has
     * room, as Linux's qdisc keeps a GSO packet (the caller falls back to MSS-sized segments only without a resolved
     * neighbour or a free held buffer).
     */
    private int startTso(final TxClaim claim, final NetworkInterface iface, final int queue, final int source,
        final int destination, final int total, final int id, final int flagsFragment)
    {
        final NetDevice device = iface.device();
        final int frameLength = EthernetFrame.HEADER_LENGTH + total;
        if ((device.features() & NetDevice.FEATURE_TSO) == 0 || frameLength > device.tsoMaxBytes())
        {
            return -Errno.EAGAIN;
        }
        final long mac = nextHopMac(iface, routes.resultKind(), routes.resultNextHop(), destination);
        if (mac < 0)
        {
            return -Errno.EAGAIN;
        }
        claim.held = -1;
        claim.slot = NetDevice.NO_SLOT;
        if (iface.framesWaitingForSlot(queue) == 0)
        {
            claim.slot = device.txReserveTso(queue, frameLength);
        }
        if (claim.slot != NetDevice.NO_SLOT)
        {
            claim.memory = device.txMemory();
            claim.frame = device.txOffset(claim.slot);
        }
        else
        {
            claim.held = hold(iface, routes.resultNextHop(), queue, HELD_WAIT_SLOT, frameLength);
            if (claim.held < 0)
            {
                return -Errno.EAGAIN;
            }
            claim.memory = heldBuffer[claim.held];
            claim.frame = 0;
        }
        writeHeaders(claim, iface, mac, source, destination, Ipv4Packet.PROTOCOL_TCP, total, id, flagsFragment);
        return 0;
    }

    private void writeHeaders(final TxClaim claim, final NetworkInterface iface, final long mac, final int source,
        final int destination, final int protocol, final int total, final int id, final int flagsFragment)
    {
        claim.iface = iface;
        claim.source = source != 0 ? source : routes.resultSource();
        claim.destination = destination;
        claim.protocol = protocol;
        claim.length = EthernetFrame.HEADER_LENGTH + total;
        outEthernet.wrap(claim.memory, claim.frame, EthernetFrame.HEADER_LENGTH);
        outEthernet.emit(Math.max(mac, 0), iface.mac(), EthernetFrame.TYPE_IPV4);
        outIp.wrap(claim.memory, claim.frame + EthernetFrame.HEADER_LENGTH, total);
        outIp.emit(claim.tos, total, id, flagsFragment, claim.ttl,
            protocol, claim.source, destination);
    }

    @Override
    public void commit(final TxClaim claim, final int checksumField)
    {
        final MemorySegment memory = claim.memory;
        final long transport = claim.transportOffset();
        final int transportLength = claim.length - HEADERS;
        int start = -1;
        int field = -1;
        if (checksumField >= 0)
        {
            final int pseudo = Checksum.pseudoHeader(claim.source, claim.destination, claim.protocol,
                transportLength);
            if (claim.deviceChecksums())
            {
                Bytes.put16(memory, transport + checksumField, pseudo);
                start = HEADERS;
                field = HEADERS + checksumField;
            }
            else
            {
                Bytes.put16(memory, transport + checksumField, 0);
                int value = Checksum.finish(Checksum.sum(memory, transport, transportLength, pseudo));
                if (value == 0 && claim.protocol == Ipv4Packet.PROTOCOL_UDP)
                {
                    value = 0xFFFF;
                }
                Bytes.put16(memory, transport + checksumField, value);
            }
        }
        stack.stats().packetsSent++;
        if (claim.held < 0)
        {
            claim.iface.device().txCommit(claim.slot, claim.length, start, field);
            claim.iface.transmitted();
        }
        else
        {
            heldLength[claim.held] = claim.length;
        }
    }

    private long nextHopMac(final NetworkInterface iface, final RouteTable.Kind kind, final int nextHop,
        final int destination)
    {
        if (iface.isLoopback())
        {
            return 0;
        }
        if (kind == RouteTable.Kind.BROADCAST)
        {
            return EthernetFrame.BROADCAST;
        }
        if (kind == RouteTable.Kind.MULTICAST)
        {
            return 0x0100_5E00_0000L | (destination & 0x7F_FFFF);
        }
        return iface.arp().lookup(nextHop);
    }

    /* ---------------------------------------------------------------------------------------------------------- */
    /* Held frames                                                                                                  */

    private int hold(final NetworkInterface iface, final int nextHop, final int queue, final int state,
        final int length)
    {
        if (state == HELD_WAIT_ARP && heldCount(iface, nextHop) >= stack.config().arpQueueFrames())
        {
            // Linux's neighbour queue drops the oldest packet when it is full.
            release(oldestWaitingForArp(iface, nextHop));
            stack.stats().drop(DropReason.ARP_UNRESOLVED);
        }
        if (state == HELD_WAIT_SLOT && iface.framesWaitingForSlot(queue) >= TX_QUEUE_LENGTH)
        {
            return -1;
        }
        if (freeHeldCount == 0 && !growHeld())
        {
            return -1;
        }
        final int i = freeHeld[--freeHeldCount];
        final int bufferSize = iface.mtu() + EthernetFrame.HEADER_LENGTH;
        if (heldBuffer[i] == null || heldBuffer[i].byteSize() < length)
        {
            heldBuffer[i] = Arena.ofAuto().allocate(Math.max(bufferSize, length), 8);
        }
        heldState[i] = state;
        heldInterface[i] = iface;
        heldNextHop[i] = nextHop;
        heldQueue[i] = queue;
        heldTsoMss[i] = 0;
        heldOrder[i] = heldSequence++;
        if (state == HELD_WAIT_SLOT)
        {
            waitForSlot(iface, i);
        }
        return i;
    }

    /** Twice the room for held frames, up to HELD_LIMIT; false when there is no more. */
    private boolean growHeld()
    {
        final int size = heldState.length;
        if (size >= HELD_LIMIT)
        {
            return false;
        }
        final int grown = 2 * size;
        heldState = Arrays.copyOf(heldState, grown);
        heldInterface = Arrays.copyOf(heldInterface, grown);
        heldNextHop = Arrays.copyOf(heldNextHop, grown);
        heldQueue = Arrays.copyOf(heldQueue, grown);
        heldLength = Arrays.copyOf(heldLength, grown);
        heldTsoMss = Arrays.copyOf(heldTsoMss, grown);
        heldTsoHeaderLength = Arrays.copyOf(heldTsoHeaderLength, grown);
        heldOrder = Arrays.copyOf(heldOrder, grown);
        heldNext = Arrays.copyOf(heldNext, grown);
        heldBuffer = Arrays.copyOf(heldBuffer, grown);
        freeHeld = freeEntries(size, grown);
        freeHeldCount = size;
        return true;
    }

    /** A stack of free entries, from..to-1, the lowest on top. */
    private static int[] freeEntries(final int from, final int to)
    {
        final int[] free = new int[to];
        for (int i = 0; i < to - from; i++)
        {
            free[i] = to - 1 - i;
        }
        return free;
    }

    /** Held frame {@code held} joins the end of its queue's backlog. */
    private void waitForSlot(final NetworkInterface iface, final int held)
    {
        heldNext[held] = -1;
        final int before = iface.enqueueWaiting(heldQueue[held], held);
        if (before >= 0)
        {
            heldNext[before] = held;
        }
    }

    private int heldCount(final NetworkInterface iface, final int nextHop)
    {
        int count = 0;
        for (int i = 0; i < heldState.length; i++)
        {
            if (heldState[i] == HELD_WAIT_ARP && heldInterface[i] == iface && heldNextHop[i] == nextHop)
            {
                count++;
            }
        }
        return count;
    }

    /* The oldest frame held on iface waiting for next hop {@code nextHop} to resolve, or -1. */
    private int oldestWaitingForArp(final NetworkInterface iface, final int nextHop)
    {
        int oldest = -1;
        for (int i = 0; i < heldState.length; i++)
        {
            if (heldState[i] == HELD_WAIT_ARP && heldInterface[i] == iface && heldNextHop[i] == nextHop &&
                (oldest < 0 || heldOrder[i] < heldOrder[oldest]))
            {
                oldest = i;
            }
        }
        return oldest;
    }

    /** Frees a held frame: one waiting for ARP, or the first of its queue's backlog. */
    private void release(final int held)
    {
        if (heldState[held] == HELD_WAIT_SLOT)
        {
            heldInterface[held].dequeueWaiting(heldQueue[held], heldNext[held]);
        }
        heldState[held] = HELD_FREE;
        heldInterface[held] = null;
        freeHeld[freeHeldCount++] = held;
    }

    /** ARP resolved {@code nextHop}: its held frames get their destination MAC and go out (in order). */
    void releaseHeld(final NetworkInterface iface, final int nextHop, final long mac)
    {
        while (true)
        {
            final int held = oldestWaitingForArp(iface, nextHop);
            if (held < 0)
            {
                break;
            }
            Bytes.put48(heldBuffer[held], EthernetFrame.DESTINATION, mac);
            heldState[held] = HELD_WAIT_SLOT;
            waitForSlot(iface, held);
        }
        drainHeld(iface);
    }

    /** ARP gave up on {@code nextHop}: each held packet is reported to its sender as ICMP host unreachable. */
    void failHeld(final NetworkInterface iface, final int nextHop)
    {
        while (true)
        {
            final int held = oldestWaitingForArp(iface, nextHop);
            if (held < 0)
            {
                break;
            }
            stack.stats().drop(DropReason.ARP_UNRESOLVED);
            icmp.deliverLocalError(IcmpMessage.TYPE_DEST_UNREACHABLE, IcmpMessage.CODE_HOST_UNREACHABLE,
                heldBuffer[held], EthernetFrame.HEADER_LENGTH, heldLength[held] - EthernetFrame.HEADER_LENGTH);
            release(held);
        }
    }

    /**
     * Copies frames waiting for a slot on {@code iface} into the device: each queue's, oldest first, onto that queue
     * while its ring has slots. A full ring stops only its own queue, as Linux's mq qdisc keeps a backlog per TX queue
     * and {@code netif_tx_stop_queue} stops one.
     */
    public void drainHeld(final NetworkInterface iface)
    {
        final NetDevice device = iface.device();
        for (int queue = 0; queue < iface.queuesWithFramesWaiting(); queue++)
        {
            while (iface.framesWaitingForSlot(queue) > 0)
            {
                final int held = iface.firstWaiting(queue);
                final boolean tso = heldTsoMss[held] > 0;
                final int slot = tso ? device.txReserveTso(queue, heldLength[held]) : device.txReserveOn(queue);
                if (slot == NetDevice.NO_SLOT)
                {
                    break;
                }
                MemorySegment.copy(heldBuffer[held], 0, device.txMemory(), device.txOffset(slot), heldLength[held]);
                if (tso)
                {
                    device.txCommitTso(slot, heldLength[held], heldTsoHeaderLength[held], heldTsoMss[held]);
                }
                else
                {
                    device.txCommit(slot, heldLength[held], -1, -1);
                }
                iface.transmitted();
                release(held);
            }
        }
    }

    /** Frames currently held (waiting for ARP or a slot). */
    public int heldFrames()
    {
        return heldState.length - freeHeldCount;
    }
}
