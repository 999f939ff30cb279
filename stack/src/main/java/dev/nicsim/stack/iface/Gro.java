package dev.nicsim.stack.iface;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.device.FrameReceiver;
import dev.nicsim.stack.wire.Bytes;
import dev.nicsim.stack.wire.Checksum;
import dev.nicsim.stack.wire.EthernetFrame;
import dev.nicsim.stack.wire.Ipv4Packet;
import dev.nicsim.stack.wire.TcpSegment;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.LongSupplier;

/**
 * Generic receive offload for TCP/IPv4, as Linux's NAPI does it ({@code net/core/gro.c}, {@code tcp_gro_receive},
 * {@code inet_gro_receive}): within one poll, in-order data segments of a flow are merged into one packet of up to
 * 64 KiB, which then goes up the stack once, so IP and TCP input run once per merged packet instead of once per frame.
 *
 * <p>Which frames merge, Linux's rules:
 * <ul>
 *   <li>only TCP over IPv4 without IP options, not a fragment, addressed to this interface's MAC, with payload, with
 *   correct IPv4 header and TCP checksums and no Ethernet padding. A frame {@code inet_gro_receive} or
 *   {@code tcp4_gro_receive} refuses (IP options, a fragment, a bad checksum) goes up as it is and leaves its flow's
 *   held packet held; a TCP segment GRO cannot hold for another reason (no payload, SYN, RST, URG, padding) goes up
 *   after its flow's held packet;</li>
 *   <li>a frame joins its flow's held packet when its sequence number is the next expected, its ACK number, TTL, TOS,
 *   DF bit and TCP option bytes (timestamps included, so segments with another TSval start a new packet) are the
 *   held packet's, its header word of data offset, flags and window ({@code tcp_flag_word}) differs in nothing but
 *   FIN and PSH, it carries no CWR, its IPv4 ID is the first segment's plus the segments held (or the first
 *   segment's for all, when the second segment carried it: {@code inet_gro_flush}'s fixed ID, with or without DF)
 *   and its payload is no larger than the held packet's first segment (the gso_size);</li>
 *   <li>a frame that does not join flushes the held packet and starts a new one; so a CWR segment goes up alone. A
 *   segment with PSH or FIN, or shorter than the first one, is the last of its packet (one that joins nothing goes
 *   up at once); a packet that would pass 64 KiB is flushed first.</li>
 *   <li>a flow falls in one of {@value #BUCKETS} buckets by its hash, each holding at most
 *   {@value #FLOWS_PER_BUCKET} flows ({@code GRO_HASH_BUCKETS}, {@code MAX_GRO_SKBS}); the bucket's oldest goes up
 *   to make room;</li>
 *   <li>everything held goes up at the end of a poll that did not use its whole budget ({@code napi_complete_done});
 *   after one that did, another poll follows at once and, at HZ 1000, only packets begun before the current jiffy go
 *   up ({@code __napi_poll}'s {@code gro_flush_normal(&n->gro, HZ >= 1000)}; below it all do), so under load a packet
 *   grows across polls.</li>
 * </ul>
 * The merged packet has its IP total length and both checksums rewritten, so the layers above check it as they check
 * any packet; TCP acknowledges it as Linux does a GRO packet of several segments (at once).
 *
 * <p>Held packets are copied into buffers allocated on first use and reused after: frames are lent by the device
 * only for the duration of the receive call.
 */
final class Gro
{
    /** Linux's {@code GRO_HASH_BUCKETS}: a flow is held in the bucket its hash picks. */
    static final int BUCKETS = 8;
    /** Linux's {@code MAX_GRO_SKBS}: flows held per bucket. */
    static final int FLOWS_PER_BUCKET = 8;
    static final int FLOWS = BUCKETS * FLOWS_PER_BUCKET;
    /** Largest merged IP packet (Linux's {@code GRO_LEGACY_MAX_SIZE}: 64 KiB, an IP total length fits 16 bits). */
    static final int MAX_PACKET = 65_535;

    private static final int IP_HEADER = Ipv4Packet.HEADER_LENGTH;
    private static final int ETH = EthernetFrame.HEADER_LENGTH;
    private static final int NOT_HELD = -1;
    private static final int CWR = 0x80;
    /* Flags with which a segment cannot be held (tcp_gro_receive's final flush), and those that end a packet. */
    private static final int STOPPING_FLAGS = TcpSegment.SYN | TcpSegment.RST | TcpSegment.URG;
    private static final int ENDING_FLAGS = TcpSegment.PSH | TcpSegment.FIN;
    /*
     * tcp_flag_word (data offset, flags, window): a joining segment's differs from the packet's in these bits only.
     * Linux 6.18 (this machine's kernel, veth GRO between two namespaces) counts CWR among the flags that must match,
     * as AccECN needs; kernels before it let a CWR-led packet take segments without CWR.
     */
    private static final int FLAG_WORD_MAY_DIFFER = (TcpSegment.FIN | TcpSegment.PSH) << 16;
    private static final int IP_DF = 0x4000;
    private static final int IP_FRAGMENT = 0x3FFF;
    /* What GRO does with a frame it cannot hold. */
    private static final int HOLDABLE = 0;
    private static final int PASS = 1;
    private static final int FLUSH_AND_PASS = 2;

    /** Where merged packets go up: the interface's input path. */
    interface Deliver
    {
        void deliver(MemorySegment memory, long offset, int length, int rawChecksum);
    }

    private final Deliver up;
    private final long localMac;
    private final LongSupplier clock;
    private final long jiffyPs;
    /* Per held flow (struct of arrays): the merged frame (Ethernet header on) and what identifies and continues it. */
    private final MemorySegment[] buffer = new MemorySegment[FLOWS];
    private final boolean[] held = new boolean[FLOWS];
    private final long[] addresses = new long[FLOWS];
    private final int[] ports = new int[FLOWS];
    private final int[] nextSequence = new int[FLOWS];
    private final int[] headerLength = new int[FLOWS];
    private final int[] length = new int[FLOWS];
    private final int[] firstPayload = new int[FLOWS];
    private final int[] payloadSum = new int[FLOWS];
    private final int[] segments = new int[FLOWS];
    /** Whether the flow's segments all carry the first one's IPv4 ID ({@code NAPI_GRO_CB(p)->ip_fixedid}). */
    private final boolean[] fixedId = new boolean[FLOWS];
    private final long[] age = new long[FLOWS];
    /** The jiffy in which each held packet was begun ({@code NAPI_GRO_CB(skb)->age}). */
    private final long[] jiffy = new long[FLOWS];
    /* Each held flow's bucket, and the flows each bucket holds. */
    private final int[] flowBucket = new int[FLOWS];
    private final int[] bucketHeld = new int[BUCKETS];
    private int heldCount;
    /* The flow found last: a poll's frames mostly belong to the flow of the one before. */
    private int lastFound;
    private long holds;
    private long merged;
    private long packets;

    /** {@code jiffyPs}: the tick of the configured kernel (StackConfig.hz), which a held packet's age counts. */
    Gro(final Deliver up, final long localMac, final LongSupplier clock, final long jiffyPs)
    {
        this.up = up;
        this.localMac = localMac;
        this.clock = clock;
        this.jiffyPs = jiffyPs;
    }

    /** Frames that joined a held packet (each saved one pass through IP and TCP). */
    long merged()
    {
        return merged;
    }

    /** Packets sent up after coalescing (merged or alone). */
    long packets()
    {
        return packets;
    }

    /** One received frame: held, merged into its flow's packet, or sent up (after its flow's held packet). */
    void receive(final MemorySegment memory, final long offset, final int frameLength, final int rawChecksum)
    {
        final int ipLength = frameLength - ETH;
        final int verdict = candidate(memory, offset, frameLength);
        if (verdict != HOLDABLE)
        {
            if (verdict == FLUSH_AND_PASS)
            {
                flushFlowOf(memory, offset, frameLength);
            }
            deliver(memory, offset, frameLength, rawChecksum);
            return;
        }
        final long ip = offset + ETH;
        final long tcp = ip + IP_HEADER;
        final int tcpHeader = (Bytes.u8(memory, tcp + TcpSegment.DATA_OFFSET) >>> 4) * 4;
        final int payload = ipLength - IP_HEADER - tcpHeader;
        final int sum = payloadSum(memory, ip, tcpHeader, payload, rawChecksum);
        if (sum < 0)
        {
            // A bad checksum: tcp4_gro_receive passes the frame on for the stack to drop and count; the flow's held
            // packet stays held.
            deliver(memory, offset, frameLength, rawChecksum);
            return;
        }
        final long flowAddresses = Bytes.i32(memory, ip + Ipv4Packet.SOURCE) & 0xFFFF_FFFFL |
            (long) Bytes.i32(memory, ip + Ipv4Packet.DESTINATION) << 32;
        final int flowPorts = Bytes.i32(memory, tcp + TcpSegment.SOURCE_PORT);
        final int flow = find(flowAddresses, flowPorts);
        if (flow != NOT_HELD)
        {
            if (joins(flow, memory, offset, tcpHeader, payload))
            {
                append(flow, memory, tcp + tcpHeader, payload, sum);
                final int flags = Bytes.u8(memory, tcp + TcpSegment.FLAGS);
                if ((flags & ENDING_FLAGS) != 0 || payload < firstPayload[flow])
                {
                    flush(flow);
                }
                return;
            }
            flush(flow);
        }
        if ((Bytes.u8(memory, tcp + TcpSegment.FLAGS) & ENDING_FLAGS) != 0)
        {
            // Nothing to wait for: a PSH or FIN segment that joins nothing goes up at once (tcp_gro_receive's flush).
            deliver(memory, offset, frameLength, rawChecksum);
            return;
        }
        hold(memory, offset, frameLength, tcpHeader, payload, sum, flowAddresses, flowPorts);
    }

    /**
     * The end of a poll: every held packet goes up, in table order. Linux goes bucket by bucket (napi_gro_flush), but
     * its buckets come from the NIC's RSS hash, which the stack does not get; the table keeps flows in the order
     * they were first held while slots stay free.
     */
    void flushAll()
    {
        for (int flow = 0; flow < FLOWS && heldCount > 0; flow++)
        {
            if (held[flow])
            {
                flush(flow);
            }
        }
    }

    /**
     * The end of a poll that used its whole budget: only packets begun before the current jiffy go up, or all of them
     * below HZ 1000 ({@code __napi_poll}'s {@code gro_flush_normal(&n->gro, HZ >= 1000)}).
     */
    void flushOld()
    {
        final long now = clock.getAsLong() / jiffyPs;
        final boolean all = jiffyPs > Time.MS;
        for (int flow = 0; flow < FLOWS && heldCount > 0; flow++)
        {
            if (held[flow] && (all || jiffy[flow] != now))
            {
                flush(flow);
            }
        }
    }

    /*
     * Whether GRO may hold the frame: a TCP/IPv4 data segment for us. If not, whether its flow's held packet goes up
     * first: not for what inet_gro_receive refuses before looking at flows (IP options, a fragment, a bad header
     * checksum), but for a TCP segment tcp_gro_receive cannot hold (no payload, SYN, RST, URG, padding, another IP
     * flag than DF).
     */
    private int candidate(final MemorySegment memory, final long offset, final int frameLength)
    {
        if (frameLength < ETH + IP_HEADER + TcpSegment.HEADER_LENGTH ||
            Bytes.u16(memory, offset + EthernetFrame.TYPE) != EthernetFrame.TYPE_IPV4)
        {
            return PASS;
        }
        final long ip = offset + ETH;
        final int fragment = Bytes.u16(memory, ip + Ipv4Packet.FLAGS_FRAGMENT);
        if (Bytes.u8(memory, ip + Ipv4Packet.VERSION_IHL) != 0x45 ||
            Bytes.u8(memory, ip + Ipv4Packet.PROTOCOL) != Ipv4Packet.PROTOCOL_TCP || (fragment & IP_FRAGMENT) != 0 ||
            !Checksum.verifies(Checksum.sum(memory, ip, IP_HEADER, 0)))
        {
            return PASS;
        }
        final long tcp = ip + IP_HEADER;
        final int tcpHeader = (Bytes.u8(memory, tcp + TcpSegment.DATA_OFFSET) >>> 4) * 4;
        final int flags = Bytes.u8(memory, tcp + TcpSegment.FLAGS);
        return Bytes.u48(memory, offset) == localMac && (fragment & ~IP_DF) == 0 &&
            Bytes.u16(memory, ip + Ipv4Packet.TOTAL_LENGTH) == frameLength - ETH &&
            tcpHeader >= TcpSegment.HEADER_LENGTH && frameLength - ETH - IP_HEADER > tcpHeader &&
            (flags & STOPPING_FLAGS) == 0 ? HOLDABLE : FLUSH_AND_PASS;
    }

    /*
     * The ones'-complement sum of the segment's payload, or -1 when its TCP checksum is wrong. With the device's raw
     * sum of everything after the Ethernet header, only the headers are summed here.
     */
    private static int payloadSum(final MemorySegment memory, final long ip, final int tcpHeader, final int payload,
        final int rawChecksum)
    {
        final int headers = Checksum.sum(memory, ip, IP_HEADER + tcpHeader, 0);
        final int sum = rawChecksum != FrameReceiver.NO_CHECKSUM ? Checksum.subtract(rawChecksum, headers) :
            Checksum.sum(memory, ip + IP_HEADER + tcpHeader, payload, 0);
        final int ipHeader = Checksum.sum(memory, ip, IP_HEADER, 0);
        final int tcp = Checksum.add(Checksum.subtract(headers, ipHeader), sum);
        final int pseudo = Checksum.pseudoHeader(Bytes.i32(memory, ip + Ipv4Packet.SOURCE),
            Bytes.i32(memory, ip + Ipv4Packet.DESTINATION), Ipv4Packet.PROTOCOL_TCP, tcpHeader + payload);
        return Checksum.verifies(Checksum.add(pseudo, tcp)) ? sum : -1;
    }

    private int find(final long flowAddresses, final int flowPorts)
    {
        if (heldCount == 0)
        {
            return NOT_HELD;
        }
        if (held[lastFound] && addresses[lastFound] == flowAddresses && ports[lastFound] == flowPorts)
        {
            return lastFound;
        }
        for (int flow = 0; flow < FLOWS; flow++)
        {
            if (held[flow] && addresses[flow] == flowAddresses && ports[flow] == flowPorts)
            {
                lastFound = flow;
                return flow;
            }
        }
        return NOT_HELD;
    }

    /*
     * The flow's bucket. Linux picks it by the packet's hash (skb_get_hash_raw, the NIC's RSS hash); the stack gets
     * none from the device, so it hashes the 4-tuple itself, as for TX queue selection.
     */
    private static int bucketOf(final long flowAddresses, final int flowPorts)
    {
        return FlowHash.of((int) flowAddresses, (int) (flowAddresses >>> 32), flowPorts >>> 16, flowPorts & 0xFFFF) &
            BUCKETS - 1;
    }

    /* tcp_gro_receive's and inet_gro_receive's flush conditions, the other way round. */
    private boolean joins(final int flow, final MemorySegment memory, final long offset, final int tcpHeader,
        final int payload)
    {
        final MemorySegment into = buffer[flow];
        final long ip = offset + ETH;
        final long tcp = ip + IP_HEADER;
        final long heldIp = ETH;
        final long heldTcp = heldIp + IP_HEADER;
        final int flagWord = Bytes.i32(memory, tcp + TcpSegment.DATA_OFFSET);
        if (tcpHeader != headerLength[flow] || payload > firstPayload[flow] ||
            length[flow] + payload - ETH > MAX_PACKET ||
            Bytes.i32(memory, tcp + TcpSegment.SEQUENCE) != nextSequence[flow] ||
            Bytes.i32(memory, tcp + TcpSegment.ACKNOWLEDGMENT) != Bytes.i32(into, heldTcp + TcpSegment.ACKNOWLEDGMENT) ||
            Bytes.u8(memory, ip + Ipv4Packet.TOS) != Bytes.u8(into, heldIp + Ipv4Packet.TOS) ||
            Bytes.u8(memory, ip + Ipv4Packet.TTL) != Bytes.u8(into, heldIp + Ipv4Packet.TTL) ||
            Bytes.u16(memory, ip + Ipv4Packet.FLAGS_FRAGMENT) != Bytes.u16(into, heldIp + Ipv4Packet.FLAGS_FRAGMENT) ||
            ((flagWord ^ Bytes.i32(into, heldTcp + TcpSegment.DATA_OFFSET)) & ~FLAG_WORD_MAY_DIFFER) != 0 ||
            (flagWord & CWR << 16) != 0 || !nextIpId(flow, memory, ip))
        {
            return false;
        }
        for (int at = TcpSegment.HEADER_LENGTH; at < tcpHeader; at += 4)
        {
            if (Bytes.i32(memory, tcp + at) != Bytes.i32(into, heldTcp + at))
            {
                return false;
            }
        }
        return true;
    }

    /*
     * inet_gro_flush's IPv4 ID rule: the frame's ID is the first segment's plus the segments held, or the first
     * segment's, when the second segment carried it too (a sender with fixed IDs, as SKB_GSO_TCP_FIXEDID). Linux 6.18
     * takes fixed IDs with DF clear too (measured on this machine's kernel); older kernels wanted DF for them.
     */
    private boolean nextIpId(final int flow, final MemorySegment memory, final long ip)
    {
        final int offset = (Bytes.u16(memory, ip + Ipv4Packet.IDENTIFICATION) -
            Bytes.u16(buffer[flow], ETH + Ipv4Packet.IDENTIFICATION)) & 0xFFFF;
        if (segments[flow] == 1 && offset == 0)
        {
            fixedId[flow] = true;
        }
        return offset == (fixedId[flow] ? 0 : segments[flow]);
    }

    private void append(final int flow, final MemorySegment memory, final long payloadAt, final int payload,
        final int sum)
    {
        final int payloadOffset = length[flow] - ETH - IP_HEADER - headerLength[flow];
        MemorySegment.copy(memory, payloadAt, buffer[flow], length[flow], payload);
        // A block added at an odd offset contributes its sum byte-swapped (RFC 1071 §2(B)).
        final int placed = (payloadOffset & 1) == 0 ? sum : ((sum << 8) | (sum >>> 8)) & 0xFFFF;
        payloadSum[flow] = Checksum.add(payloadSum[flow], placed);
        length[flow] += payload;
        nextSequence[flow] += payload;
        segments[flow]++;
        merged++;
        final long heldTcp = ETH + IP_HEADER + TcpSegment.FLAGS;
        Bytes.put8(buffer[flow], heldTcp, Bytes.u8(buffer[flow], heldTcp) |
            Bytes.u8(memory, payloadAt - headerLength[flow] + TcpSegment.FLAGS) & ENDING_FLAGS);
    }

    private void hold(final MemorySegment memory, final long offset, final int frameLength, final int tcpHeader,
        final int payload, final int sum, final long flowAddresses, final int flowPorts)
    {
        final int bucket = bucketOf(flowAddresses, flowPorts);
        if (bucketHeld[bucket] == FLOWS_PER_BUCKET)
        {
            // The bucket is full: its oldest packet goes up (gro_flush_oldest).
            int oldest = NOT_HELD;
            for (int f = 0; f < FLOWS; f++)
            {
                if (held[f] && flowBucket[f] == bucket && (oldest == NOT_HELD || age[f] < age[oldest]))
                {
                    oldest = f;
                }
            }
            flush(oldest);
        }
        int flow = 0;
        while (held[flow])
        {
            flow++;
        }
        flowBucket[flow] = bucket;
        bucketHeld[bucket]++;
        if (buffer[flow] == null)
        {
            buffer[flow] = Arena.ofAuto().allocate(ETH + MAX_PACKET, 8);
        }
        MemorySegment.copy(memory, offset, buffer[flow], 0, frameLength);
        held[flow] = true;
        heldCount++;
        lastFound = flow;
        jiffy[flow] = clock.getAsLong() / jiffyPs;
        addresses[flow] = flowAddresses;
        ports[flow] = flowPorts;
        headerLength[flow] = tcpHeader;
        length[flow] = frameLength;
        firstPayload[flow] = payload;
        payloadSum[flow] = sum;
        segments[flow] = 1;
        fixedId[flow] = false;
        age[flow] = holds++;
        nextSequence[flow] = Bytes.i32(memory, offset + ETH + IP_HEADER + TcpSegment.SEQUENCE) + payload;
    }

    /* Sends the flow's packet up: a lone segment as it came, a merged one with new lengths and checksums. */
    private void flush(final int flow)
    {
        held[flow] = false;
        heldCount--;
        bucketHeld[flowBucket[flow]]--;
        final MemorySegment packet = buffer[flow];
        final int ipLength = length[flow] - ETH;
        final int tcpLength = ipLength - IP_HEADER;
        if (segments[flow] > 1)
        {
            Bytes.put16(packet, ETH + Ipv4Packet.TOTAL_LENGTH, ipLength);
            Bytes.put16(packet, ETH + Ipv4Packet.CHECKSUM, 0);
            Bytes.put16(packet, ETH + Ipv4Packet.CHECKSUM, Checksum.finish(Checksum.sum(packet, ETH, IP_HEADER, 0)));
            final long tcp = ETH + IP_HEADER;
            Bytes.put16(packet, tcp + TcpSegment.CHECKSUM, 0);
            final int pseudo = Checksum.pseudoHeader(Bytes.i32(packet, ETH + Ipv4Packet.SOURCE),
                Bytes.i32(packet, ETH + Ipv4Packet.DESTINATION), Ipv4Packet.PROTOCOL_TCP, tcpLength);
            final int header = Checksum.sum(packet, tcp, headerLength[flow], 0);
            Bytes.put16(packet, tcp + TcpSegment.CHECKSUM,
                Checksum.finish(Checksum.add(Checksum.add(pseudo, header), payloadSum[flow])));
        }
        // The raw sum a device would have given for this packet: its headers plus the payload's.
        final int raw = Checksum.add(Checksum.sum(packet, ETH, IP_HEADER + headerLength[flow], 0), payloadSum[flow]);
        packets++;
        up.deliver(packet, 0, length[flow], raw);
    }

    private void flushFlowOf(final MemorySegment memory, final long offset, final int frameLength)
    {
        if (heldCount == 0 || frameLength < ETH + IP_HEADER + TcpSegment.HEADER_LENGTH ||
            Bytes.u16(memory, offset + EthernetFrame.TYPE) != EthernetFrame.TYPE_IPV4 ||
            Bytes.u8(memory, offset + ETH + Ipv4Packet.PROTOCOL) != Ipv4Packet.PROTOCOL_TCP ||
            (Bytes.u8(memory, offset + ETH + Ipv4Packet.VERSION_IHL) & 0x0F) != 5)
        {
            return;
        }
        final long ip = offset + ETH;
        final int flow = find(Bytes.i32(memory, ip + Ipv4Packet.SOURCE) & 0xFFFF_FFFFL |
            (long) Bytes.i32(memory, ip + Ipv4Packet.DESTINATION) << 32, Bytes.i32(memory, ip + IP_HEADER));
        if (flow != NOT_HELD)
        {
            flush(flow);
        }
    }

    private void deliver(final MemorySegment memory, final long offset, final int frameLength, final int rawChecksum)
    {
        packets++;
        up.deliver(memory, offset, frameLength, rawChecksum);
    }
}
