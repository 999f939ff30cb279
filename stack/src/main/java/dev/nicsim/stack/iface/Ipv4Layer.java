package dev.nicsim.stack.iface;

import dev.nicsim.stack.NetworkStack;
import dev.nicsim.stack.device.FrameReceiver;
import dev.nicsim.stack.device.NetDevice;
import dev.nicsim.stack.socket.Errno;
import dev.nicsim.stack.wire.Bytes;
import dev.nicsim.stack.wire.Checksum;
import dev.nicsim.stack.wire.DropReason;
import dev.nicsim.stack.wire.EthernetFrame;
import dev.nicsim.stack.wire.IcmpMessage;
import dev.nicsim.stack.wire.Ipv4Address;
import dev.nicsim.stack.wire.Ipv4Packet;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * IPv4 input and output.
 *
 * <h2>Input</h2>
 * Validates the header in place, keeps only what is addressed to this host (its addresses, broadcast, all-hosts
 * multicast), sends fragments to the {@link Reassembler}, and hands the transport payload up where it lies.
 *
 * <h2>Output, zero-copy</h2>
 * {@link #begin} routes, resolves the next hop and reserves a transmit slot, then writes the Ethernet and IP headers
 * straight into the device's transmit buffer; the transport writes its header and payload after them at
 * {@link #transportOffset()}, and {@link #commit} fills in the transport checksum (or asks the device to) and hands
 * the frame over. Only when the frame cannot go yet (next hop unresolved, or no transmit slot) is it built in a held
 * buffer instead, and copied into a slot later: the one extra copy on this path.
 */
public final class Ipv4Layer
{
    private static final int HEADERS = EthernetFrame.HEADER_LENGTH + Ipv4Packet.HEADER_LENGTH;
    private static final int ALL_HOSTS = 0xE000_0001;
    private static final int HELD_CAPACITY = 64;
    private static final int HELD_FREE = 0;
    private static final int HELD_WAIT_ARP = 1;
    private static final int HELD_WAIT_SLOT = 2;

    private final NetworkStack stack;
    private final Ipv4Packet ip = new Ipv4Packet();
    private final Ipv4Packet outIp = new Ipv4Packet();
    private final EthernetFrame outEthernet = new EthernetFrame();
    private final Reassembler reassembler;
    private int identification;

    /* The packet being built between begin() and commit(). */
    private MemorySegment outMemory;
    private long outFrame;
    private int outLength;
    private int outSlot;
    private int outHeld;
    /* The flow hash of the packet being built: picks its TX queue. */
    private int outFlowHash;
    /* The MSS the device cuts the packet being built at (TSO), or 0 for a packet sent as it is. */
    private int outTsoMss;
    private int outSource;
    private int outDestination;
    private int outProtocol;
    private NetworkInterface outInterface;

    /* Frames waiting for ARP or for a transmit slot: struct of arrays, buffers allocated on first use. */
    private final int[] heldState = new int[HELD_CAPACITY];
    private final NetworkInterface[] heldInterface = new NetworkInterface[HELD_CAPACITY];
    private final int[] heldNextHop = new int[HELD_CAPACITY];
    private final int[] heldLength = new int[HELD_CAPACITY];
    private final long[] heldOrder = new long[HELD_CAPACITY];
    private final MemorySegment[] heldBuffer = new MemorySegment[HELD_CAPACITY];
    private long heldSequence;
    private int heldWaitingSlot;

    public Ipv4Layer(final NetworkStack stack)
    {
        this.stack = stack;
        this.reassembler = new Reassembler(stack);
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
        final RouteTable routes = stack.routes();
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
        final long payload = offset + headerLength;
        final int payloadLength = totalLength - headerLength;
        switch (protocol)
        {
            case Ipv4Packet.PROTOCOL_TCP:
                return unicast ? stack.tcp().receive(memory, payload, payloadLength, source, destination,
                    transportSum) : DropReason.IP_NOT_FOR_US;
            case Ipv4Packet.PROTOCOL_UDP:
                return stack.udp().receive(memory, offset, headerLength, payloadLength, source, destination,
                    transportSum, unicast);
            case Ipv4Packet.PROTOCOL_ICMP:
                return stack.icmp().receive(memory, offset, headerLength, payloadLength, source, destination,
                    unicast);
            default:
                if (unicast)
                {
                    stack.icmp().sendError(IcmpMessage.TYPE_DEST_UNREACHABLE, IcmpMessage.CODE_PROTOCOL_UNREACHABLE,
                        0, memory, offset, totalLength);
                }
                return DropReason.IP_UNKNOWN_PROTOCOL;
        }
    }

    /**
     * TCP saw {@code address} acknowledge something new: the next hop is reachable (Linux's {@code dst_confirm}),
     * which spares its ARP entry the unicast probes.
     */
    public void confirmNeighbour(final int address)
    {
        final RouteTable routes = stack.routes();
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
     * Starts a packet to {@code destination}: routes it, writes Ethernet and IP headers into a transmit slot (or a
     * held buffer) and leaves room for {@code transportLength} bytes at {@link #transportOffset()}. {@code source}
     * 0 takes the route's preferred source. Returns 0, or {@code -errno} (ENETUNREACH and the other route errors,
     * EMSGSIZE above the MTU, ENOBUFS when nothing can hold the frame).
     */
    public int begin(final int source, final int destination, final int protocol, final int transportLength)
    {
        return begin(source, destination, protocol, transportLength, 0);
    }

    /**
     * {@link #begin} for a packet of a flow whose hash is {@code flowHash}: it leaves by the TX queue the device picks
     * for that hash ({@link NetDevice#txQueueFor}), so a flow's packets stay in order on one queue (Linux's
     * {@code skb_tx_hash}).
     */
    public int begin(final int source, final int destination, final int protocol, final int transportLength,
        final int flowHash)
    {
        outFlowHash = flowHash;
        outTsoMss = 0;
        return start(source, destination, protocol, transportLength, identification++ & 0xFFFF,
            Ipv4Packet.FLAG_DONT_FRAGMENT);
    }

    /**
     * Starts a TCP segment larger than the MTU that the device will cut into frames of {@code mss} payload bytes
     * (TSO, {@link NetDevice#FEATURE_TSO}): as {@link #begin}, written into one TSO slot. Finish it with
     * {@link #commitTso}. Returns 0, or -EAGAIN when it cannot go as one segment now (no TSO on the route's device,
     * longer than {@link NetDevice#tsoMaxBytes()}, next hop unresolved, frames already waiting, or no TSO slot free):
     * the caller then sends MSS-sized segments, which wait where they must.
     */
    public int beginTso(final int source, final int destination, final int transportLength, final int flowHash,
        final int mss)
    {
        outFlowHash = flowHash;
        outTsoMss = mss;
        final int begun = start(source, destination, Ipv4Packet.PROTOCOL_TCP, transportLength,
            identification & 0xFFFF, Ipv4Packet.FLAG_DONT_FRAGMENT);
        if (begun == 0)
        {
            // The device gives the segment's frames consecutive IDs from this one (tcp_gso_segment).
            identification += (transportLength + mss - 1) / mss;
        }
        return begun;
    }

    /**
     * Starts one fragment of a datagram too large for the route's MTU (RFC 791 §3.2, Linux's {@code ip_fragment}):
     * as {@link #begin}, but DF clear, with the datagram's {@code identification} (from {@link #newIdentification()}),
     * the fragment's place in the datagram {@code offsetBytes} (a multiple of 8) and whether more fragments follow.
     * {@code length} bytes of the datagram's payload go at {@link #transportOffset()}; finish with
     * {@code commit(-1)}.
     */
    public int beginFragment(final int source, final int destination, final int protocol, final int length,
        final int identification, final int offsetBytes, final boolean more)
    {
        outFlowHash = 0;
        outTsoMss = 0;
        return start(source, destination, protocol, length, identification,
            (more ? Ipv4Packet.FLAG_MORE_FRAGMENTS : 0) | (offsetBytes >>> 3));
    }

    /** An identification for a datagram sent in fragments: every fragment carries it. */
    public int newIdentification()
    {
        return identification++ & 0xFFFF;
    }

    /**
     * The largest TSO segment (Ethernet header through payload) the device the route to {@code destination} leaves by
     * takes, or 0 when it has no TSO or there is no route.
     */
    public int tsoMaxBytes(final int destination)
    {
        final RouteTable routes = stack.routes();
        if (routes.lookup(destination) < 0)
        {
            return 0;
        }
        final NetDevice device = routes.resultInterface().device();
        return (device.features() & NetDevice.FEATURE_TSO) != 0 ? device.tsoMaxBytes() : 0;
    }

    /** The MTU of the interface the route to {@code destination} leaves by, or {@code -errno} with no route. */
    public int pathMtu(final int destination)
    {
        final RouteTable routes = stack.routes();
        final int routed = routes.lookup(destination);
        return routed < 0 ? routed : routes.resultInterface().mtu();
    }

    private int start(final int source, final int destination, final int protocol, final int transportLength,
        final int id, final int flagsFragment)
    {
        final RouteTable routes = stack.routes();
        final int routed = routes.lookup(destination);
        if (routed < 0)
        {
            return routed;
        }
        final NetworkInterface iface = routes.resultInterface();
        final int total = Ipv4Packet.HEADER_LENGTH + transportLength;
        final NetDevice device = iface.device();
        if (outTsoMss > 0)
        {
            return startTso(iface, routes, source, destination, total, id, flagsFragment);
        }
        if (total > iface.mtu())
        {
            return -Errno.EMSGSIZE;
        }
        final long mac = nextHopMac(iface, routes.resultKind(), routes.resultNextHop(), destination);
        outHeld = -1;
        outSlot = NetDevice.NO_SLOT;
        if (mac >= 0 && heldWaitingSlot == 0)
        {
            outSlot = device.txReserveOn(device.txQueueFor(outFlowHash));
        }
        if (outSlot != NetDevice.NO_SLOT)
        {
            outMemory = iface.device().txMemory();
            outFrame = iface.device().txOffset(outSlot);
        }
        else
        {
            outHeld = hold(iface, routes.resultNextHop(), mac >= 0 ? HELD_WAIT_SLOT : HELD_WAIT_ARP,
                EthernetFrame.HEADER_LENGTH + total);
            if (outHeld < 0)
            {
                stack.stats().drop(DropReason.TX_NO_ROOM);
                return -Errno.ENOBUFS;
            }
            outMemory = heldBuffer[outHeld];
            outFrame = 0;
        }
        writeHeaders(iface, routes, mac, source, destination, protocol, total, id, flagsFragment);
        return 0;
    }

    /* TSO: only straight into a TSO slot, never held (the caller falls back to MSS-sized segments). */
    private int startTso(final NetworkInterface iface, final RouteTable routes, final int source,
        final int destination, final int total, final int id, final int flagsFragment)
    {
        final NetDevice device = iface.device();
        final int frameLength = EthernetFrame.HEADER_LENGTH + total;
        if ((device.features() & NetDevice.FEATURE_TSO) == 0 || frameLength > device.tsoMaxBytes() ||
            heldWaitingSlot > 0)
        {
            return -Errno.EAGAIN;
        }
        final long mac = nextHopMac(iface, routes.resultKind(), routes.resultNextHop(), destination);
        if (mac < 0)
        {
            return -Errno.EAGAIN;
        }
        outHeld = -1;
        outSlot = device.txReserveTso(device.txQueueFor(outFlowHash), frameLength);
        if (outSlot == NetDevice.NO_SLOT)
        {
            return -Errno.EAGAIN;
        }
        outMemory = device.txMemory();
        outFrame = device.txOffset(outSlot);
        writeHeaders(iface, routes, mac, source, destination, Ipv4Packet.PROTOCOL_TCP, total, id, flagsFragment);
        return 0;
    }

    private void writeHeaders(final NetworkInterface iface, final RouteTable routes, final long mac, final int source,
        final int destination, final int protocol, final int total, final int id, final int flagsFragment)
    {
        outInterface = iface;
        outSource = source != 0 ? source : routes.resultSource();
        outDestination = destination;
        outProtocol = protocol;
        outLength = EthernetFrame.HEADER_LENGTH + total;
        outEthernet.wrap(outMemory, outFrame, EthernetFrame.HEADER_LENGTH);
        outEthernet.emit(Math.max(mac, 0), iface.mac(), EthernetFrame.TYPE_IPV4);
        outIp.wrap(outMemory, outFrame + EthernetFrame.HEADER_LENGTH, total);
        outIp.emit(0, total, id, flagsFragment, Ipv4Packet.DEFAULT_TTL,
            protocol, outSource, destination);
    }

    /** The memory the current packet is being built in. */
    public MemorySegment memory()
    {
        return outMemory;
    }

    /** Where the transport header of the current packet goes in {@link #memory()}. */
    public long transportOffset()
    {
        return outFrame + HEADERS;
    }

    /** The source address chosen for the current packet. */
    public int source()
    {
        return outSource;
    }

    /** True when the device will insert the transport checksum of the current packet. */
    public boolean deviceChecksums()
    {
        return outHeld < 0 && (outInterface.device().features() & NetDevice.FEATURE_TX_CHECKSUM) != 0;
    }

    /**
     * Finishes the current TSO segment ({@link #beginTso}): its TCP checksum field gets the pseudo-header sum with a
     * TCP length of 0, as Linux's {@code tcp_v4_send_check} prepares a GSO packet, and the device cuts it into frames
     * of {@code transportHeaderLength} bytes of TCP header and at most the MSS of payload, completing each checksum.
     */
    public void commitTso(final int checksumField, final int transportHeaderLength)
    {
        Bytes.put16(outMemory, transportOffset() + checksumField,
            Checksum.pseudoHeader(outSource, outDestination, outProtocol, 0));
        stack.stats().packetsSent++;
        outInterface.device().txCommitTso(outSlot, outLength, HEADERS + transportHeaderLength, outTsoMss);
        outInterface.transmitted();
        outTsoMss = 0;
    }

    /**
     * Finishes the current packet. {@code checksumField} is the offset of the transport checksum within the
     * transport header (TCP 16, UDP 6), or -1 when the transport computed its own (ICMP).
     */
    public void commit(final int checksumField)
    {
        final long transport = transportOffset();
        final int transportLength = outLength - HEADERS;
        int start = -1;
        int field = -1;
        if (checksumField >= 0)
        {
            final int pseudo = Checksum.pseudoHeader(outSource, outDestination, outProtocol, transportLength);
            if (deviceChecksums())
            {
                Bytes.put16(outMemory, transport + checksumField, pseudo);
                start = HEADERS;
                field = HEADERS + checksumField;
            }
            else
            {
                Bytes.put16(outMemory, transport + checksumField, 0);
                int value = Checksum.finish(Checksum.sum(outMemory, transport, transportLength, pseudo));
                if (value == 0 && outProtocol == Ipv4Packet.PROTOCOL_UDP)
                {
                    value = 0xFFFF;
                }
                Bytes.put16(outMemory, transport + checksumField, value);
            }
        }
        stack.stats().packetsSent++;
        if (outHeld < 0)
        {
            outInterface.device().txCommit(outSlot, outLength, start, field);
            outInterface.transmitted();
        }
        else
        {
            heldLength[outHeld] = outLength;
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

    private int hold(final NetworkInterface iface, final int nextHop, final int state, final int length)
    {
        if (state == HELD_WAIT_ARP && heldCount(iface, nextHop) >= stack.config().arpQueueFrames())
        {
            // Linux's neighbour queue drops the oldest packet when it is full.
            final int oldest = oldestHeld(iface, nextHop, HELD_WAIT_ARP);
            release(oldest);
            stack.stats().drop(DropReason.ARP_UNRESOLVED);
        }
        for (int i = 0; i < HELD_CAPACITY; i++)
        {
            if (heldState[i] == HELD_FREE)
            {
                final int bufferSize = iface.mtu() + EthernetFrame.HEADER_LENGTH;
                if (heldBuffer[i] == null || heldBuffer[i].byteSize() < length)
                {
                    heldBuffer[i] = Arena.ofAuto().allocate(Math.max(bufferSize, length), 8);
                }
                heldState[i] = state;
                heldInterface[i] = iface;
                heldNextHop[i] = nextHop;
                heldOrder[i] = heldSequence++;
                if (state == HELD_WAIT_SLOT)
                {
                    heldWaitingSlot++;
                }
                return i;
            }
        }
        return -1;
    }

    private int heldCount(final NetworkInterface iface, final int nextHop)
    {
        int count = 0;
        for (int i = 0; i < HELD_CAPACITY; i++)
        {
            if (heldState[i] == HELD_WAIT_ARP && heldInterface[i] == iface && heldNextHop[i] == nextHop)
            {
                count++;
            }
        }
        return count;
    }

    private int oldestHeld(final NetworkInterface iface, final int nextHop, final int state)
    {
        int oldest = -1;
        for (int i = 0; i < HELD_CAPACITY; i++)
        {
            if (heldState[i] == state && heldInterface[i] == iface && (state == HELD_WAIT_SLOT ||
                heldNextHop[i] == nextHop) && (oldest < 0 || heldOrder[i] < heldOrder[oldest]))
            {
                oldest = i;
            }
        }
        return oldest;
    }

    private void release(final int held)
    {
        if (heldState[held] == HELD_WAIT_SLOT)
        {
            heldWaitingSlot--;
        }
        heldState[held] = HELD_FREE;
        heldInterface[held] = null;
    }

    /** ARP resolved {@code nextHop}: its held frames get their destination MAC and go out (in order). */
    void releaseHeld(final NetworkInterface iface, final int nextHop, final long mac)
    {
        while (true)
        {
            final int held = oldestHeld(iface, nextHop, HELD_WAIT_ARP);
            if (held < 0)
            {
                break;
            }
            Bytes.put48(heldBuffer[held], EthernetFrame.DESTINATION, mac);
            heldState[held] = HELD_WAIT_SLOT;
            heldOrder[held] = heldSequence++;
            heldWaitingSlot++;
        }
        drainHeld(iface);
    }

    /** ARP gave up on {@code nextHop}: each held packet is reported to its sender as ICMP host unreachable. */
    void failHeld(final NetworkInterface iface, final int nextHop)
    {
        while (true)
        {
            final int held = oldestHeld(iface, nextHop, HELD_WAIT_ARP);
            if (held < 0)
            {
                break;
            }
            stack.stats().drop(DropReason.ARP_UNRESOLVED);
            stack.icmp().deliverLocalError(IcmpMessage.TYPE_DEST_UNREACHABLE, IcmpMessage.CODE_HOST_UNREACHABLE,
                heldBuffer[held], EthernetFrame.HEADER_LENGTH, heldLength[held] - EthernetFrame.HEADER_LENGTH);
            release(held);
        }
    }

    /** Copies frames waiting for a slot on {@code iface} into the device while it has slots. */
    public void drainHeld(final NetworkInterface iface)
    {
        final NetDevice device = iface.device();
        while (heldWaitingSlot > 0)
        {
            final int held = oldestHeld(iface, 0, HELD_WAIT_SLOT);
            if (held < 0)
            {
                return;
            }
            final int slot = device.txReserve();
            if (slot == NetDevice.NO_SLOT)
            {
                return;
            }
            MemorySegment.copy(heldBuffer[held], 0, device.txMemory(), device.txOffset(slot), heldLength[held]);
            device.txCommit(slot, heldLength[held], -1, -1);
            iface.transmitted();
            release(held);
        }
    }

    /** Frames currently held (waiting for ARP or a slot). */
    public int heldFrames()
    {
        int count = 0;
        for (int i = 0; i < HELD_CAPACITY; i++)
        {
            if (heldState[i] != HELD_FREE)
            {
                count++;
            }
        }
        return count;
    }
}
