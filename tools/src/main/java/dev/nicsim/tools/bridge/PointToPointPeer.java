package dev.nicsim.tools.bridge;

import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The board's point-to-point peer on an IP-framed serial line (RFC 1055): the board sends bare IPv4 packets, the
 * simulated hosts speak Ethernet. Like a Linux router doing proxy ARP for a SLIP client, the bridge
 * <ul>
 *   <li>answers ARP requests for the board's address with a MAC of its own ({@link #MAC}), so the simulated hosts
 *   send the board's traffic to it;</li>
 *   <li>passes the IPv4 packets addressed to that MAC to the line with the Ethernet header (and any padding) removed;
 *   </li>
 *   <li>puts the board's packets on the link in an Ethernet header addressed to the destination's MAC, which it
 *   learns from what the simulated hosts send and asks for by ARP when it does not know it, holding a few packets
 *   meanwhile as Linux's neighbour layer does ({@code unres_qlen}).</li>
 * </ul>
 * Only IPv4 crosses, up to the line's MTU either way; everything else is dropped and counted. The destination is
 * resolved as if on-link: the testbed is one /24.
 */
final class PointToPointPeer
{
    /** The bridge's own MAC: locally administered (bit 1 of the first byte), "SLIP" in ASCII. */
    static final byte[] MAC = {0x02, 0x53, 0x4C, 0x49, 0x50, 0x00};
    private static final byte[] BROADCAST_MAC = {-1, -1, -1, -1, -1, -1};
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_ARP = 0x0806;
    private static final int ARP_REQUEST = 1;
    private static final int ARP_REPLY = 2;
    private static final int ETHERNET_HEADER = 14;
    private static final int IPV4_HEADER = 20;
    private static final int ARP_PACKET = 28;
    /** Packets held while their next hop is being resolved (Linux's arp unres_qlen was 3 per neighbour; 16 here). */
    private static final int HELD_PACKETS = 16;
    /** ARP requests for one address go at most once a second (Linux's retrans_time). */
    private static final long ARP_RETRY_PS = Time.seconds(1);
    private static final ValueLayout.OfShort NETWORK_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt NETWORK_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** Where the peer sends what it produces: frames onto the link, packets onto the line. */
    interface Sides
    {
        /** Puts an Ethernet frame (no FCS) on the link; false if it was dropped (and counted). */
        boolean toLink(byte[] frame, int length);

        /** Sends one IP packet over the line. */
        void toLine(MemorySegment packet, int length);
    }

    private final Simulator sim;
    private final int boardAddress;
    private final int mtu;
    private final BridgeCounters counters;
    private final Sides sides;
    private final Map<Integer, byte[]> neighbours = new HashMap<>();
    private final Map<Integer, Long> lastAsked = new HashMap<>();
    private final ArrayDeque<byte[]> held = new ArrayDeque<>();

    PointToPointPeer(final Simulator sim, final int boardAddress, final int mtu, final BridgeCounters counters,
        final Sides sides)
    {
        this.sim = sim;
        this.boardAddress = boardAddress;
        this.mtu = mtu;
        this.counters = counters;
        this.sides = sides;
    }

    /** One packet from the board: checked as IPv4, framed, sent on its way (or held for ARP). */
    void fromLine(final byte[] packet)
    {
        if (packet.length < IPV4_HEADER)
        {
            counters.runts++;
            return;
        }
        final int headerLength = (packet[0] & 0x0F) * 4;
        final int totalLength = u16(packet, 2);
        if ((packet[0] & 0xF0) != 0x40 || headerLength < IPV4_HEADER || totalLength < headerLength ||
            totalLength > packet.length)
        {
            counters.notIpv4++;
            return;
        }
        if (totalLength > mtu)
        {
            counters.oversized++;
            return;
        }
        final byte[] frame = new byte[ETHERNET_HEADER + totalLength];
        System.arraycopy(MAC, 0, frame, 6, 6);
        frame[12] = (byte) (ETHERTYPE_IPV4 >> 8);
        frame[13] = (byte) ETHERTYPE_IPV4;
        System.arraycopy(packet, 0, frame, ETHERNET_HEADER, totalLength);
        final int destination = u32(packet, 16);
        final byte[] mac = macFor(destination);
        if (mac != null)
        {
            System.arraycopy(mac, 0, frame, 0, 6);
            sides.toLink(frame, frame.length);
            return;
        }
        if (held.size() == HELD_PACKETS)
        {
            held.removeFirst();
            counters.unresolved++;
        }
        held.addLast(frame);
        ask(destination);
    }

    /** One frame from the link (no FCS): ARP is answered or learnt from, IPv4 for the board goes to the line. */
    void fromLink(final MemorySegment frame, final int length)
    {
        if (length < ETHERNET_HEADER)
        {
            return;
        }
        final int etherType = Short.toUnsignedInt(frame.get(NETWORK_SHORT, 12));
        if (etherType == ETHERTYPE_ARP)
        {
            arp(frame, length);
            return;
        }
        if (etherType != ETHERTYPE_IPV4)
        {
            counters.notIpv4++;
            return;
        }
        final boolean toUs = isOurs(frame);
        if (!toUs && (frame.get(ValueLayout.JAVA_BYTE, 0) & 1) == 0)
        {
            return; // flooded by the switch to a MAC it has not learnt: some other station's
        }
        if (length < ETHERNET_HEADER + IPV4_HEADER)
        {
            counters.runts++;
            return;
        }
        final int totalLength = Short.toUnsignedInt(frame.get(NETWORK_SHORT, ETHERNET_HEADER + 2));
        if (totalLength < IPV4_HEADER || ETHERNET_HEADER + totalLength > length)
        {
            counters.runts++;
            return;
        }
        if (totalLength > mtu)
        {
            counters.tooBigForLine++;
            return;
        }
        if (toUs)
        {
            learn(frame.get(NETWORK_INT, ETHERNET_HEADER + 12), frame, 6);
        }
        sides.toLine(frame.asSlice(ETHERNET_HEADER), totalLength);
        counters.framesOut++;
    }

    private void arp(final MemorySegment frame, final int length)
    {
        if (length < ETHERNET_HEADER + ARP_PACKET || frame.get(NETWORK_SHORT, 14) != 1 ||
            frame.get(NETWORK_SHORT, 16) != ETHERTYPE_IPV4)
        {
            return;
        }
        final int operation = frame.get(NETWORK_SHORT, 20);
        final int senderIp = frame.get(NETWORK_INT, 28);
        final int targetIp = frame.get(NETWORK_INT, 38);
        if (senderIp != 0 && senderIp != boardAddress)
        {
            learn(senderIp, frame, 22);
        }
        if (operation == ARP_REQUEST && targetIp == boardAddress)
        {
            final byte[] senderMac = frame.asSlice(22, 6).toArray(ValueLayout.JAVA_BYTE);
            sides.toLink(arpFrame(ARP_REPLY, senderMac, senderMac, senderIp), ETHERNET_HEADER + ARP_PACKET);
            counters.arpAnswered++;
        }
    }

    private void learn(final int address, final MemorySegment frame, final int macOffset)
    {
        final byte[] mac = frame.asSlice(macOffset, 6).toArray(ValueLayout.JAVA_BYTE);
        final byte[] known = neighbours.put(address, mac);
        if (known == null || !Arrays.equals(known, mac))
        {
            releaseHeld();
        }
    }

    /* Sends every held packet whose destination is now known, in the order they came. */
    private void releaseHeld()
    {
        for (final Iterator<byte[]> it = held.iterator(); it.hasNext(); )
        {
            final byte[] frame = it.next();
            final byte[] mac = macFor(u32(frame, ETHERNET_HEADER + 16));
            if (mac != null)
            {
                it.remove();
                System.arraycopy(mac, 0, frame, 0, 6);
                sides.toLink(frame, frame.length);
            }
        }
    }

    private void ask(final int address)
    {
        final Long asked = lastAsked.get(address);
        if (asked != null && sim.now() - asked < ARP_RETRY_PS)
        {
            return;
        }
        lastAsked.put(address, sim.now());
        sides.toLink(arpFrame(ARP_REQUEST, BROADCAST_MAC, new byte[6], address), ETHERNET_HEADER + ARP_PACKET);
    }

    /* An ARP packet from the bridge's MAC speaking for the board's address (RFC 826). */
    private byte[] arpFrame(final int operation, final byte[] to, final byte[] targetMac, final int targetIp)
    {
        final byte[] frame = new byte[ETHERNET_HEADER + ARP_PACKET];
        System.arraycopy(to, 0, frame, 0, 6);
        System.arraycopy(MAC, 0, frame, 6, 6);
        put16(frame, 12, ETHERTYPE_ARP);
        put16(frame, 14, 1);
        put16(frame, 16, ETHERTYPE_IPV4);
        frame[18] = 6;
        frame[19] = 4;
        put16(frame, 20, operation);
        System.arraycopy(MAC, 0, frame, 22, 6);
        put32(frame, 28, boardAddress);
        System.arraycopy(targetMac, 0, frame, 32, 6);
        put32(frame, 38, targetIp);
        return frame;
    }

    /* Broadcast and multicast map to their MACs (RFC 1112 §6.4); unicast to a learnt neighbour, or null. */
    private byte[] macFor(final int address)
    {
        if (address == 0xFFFF_FFFF)
        {
            return BROADCAST_MAC;
        }
        if ((address >>> 28) == 0xE)
        {
            return new byte[] {0x01, 0x00, 0x5E, (byte) ((address >>> 16) & 0x7F), (byte) (address >>> 8),
                (byte) address};
        }
        return neighbours.get(address);
    }

    private static boolean isOurs(final MemorySegment frame)
    {
        for (int i = 0; i < 6; i++)
        {
            if (frame.get(ValueLayout.JAVA_BYTE, i) != MAC[i])
            {
                return false;
            }
        }
        return true;
    }

    private static int u16(final byte[] bytes, final int at)
    {
        return (bytes[at] & 0xFF) << 8 | (bytes[at + 1] & 0xFF);
    }

    private static int u32(final byte[] bytes, final int at)
    {
        return u16(bytes, at) << 16 | u16(bytes, at + 2);
    }

    private static void put16(final byte[] bytes, final int at, final int value)
    {
        bytes[at] = (byte) (value >> 8);
        bytes[at + 1] = (byte) value;
    }

    private static void put32(final byte[] bytes, final int at, final int value)
    {
        put16(bytes, at, value >>> 16);
        put16(bytes, at + 2, value);
    }
}
