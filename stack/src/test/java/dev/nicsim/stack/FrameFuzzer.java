package dev.nicsim.stack;

import dev.nicsim.stack.tcp.Tcb;
import dev.nicsim.stack.wire.ArpPacket;
import dev.nicsim.stack.wire.Bytes;
import dev.nicsim.stack.wire.Checksum;
import dev.nicsim.stack.wire.EthernetFrame;
import dev.nicsim.stack.wire.IcmpMessage;
import dev.nicsim.stack.wire.Ipv4Packet;
import dev.nicsim.stack.wire.TcpSegment;
import dev.nicsim.stack.wire.UdpDatagram;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded generator of bad frames for a host's receive path. Every frame comes from the seed alone (and the
 * stack's state, which the same seed reproduces), so a failing frame number and seed reproduce a failure exactly.
 *
 * <h2>Kinds</h2>
 * <ul>
 *   <li>{@link Kind#RANDOM_BYTES}: any length, any bytes;</li>
 *   <li>{@link Kind#RANDOM_BEHIND_ETHERNET}: a plausible Ethernet header (to the host, broadcast or anyone; IPv4, ARP
 *   or another type) and random bytes after it;</li>
 *   <li>{@link Kind#RANDOM_IPV4}: a valid IPv4 header and random TCP, UDP, ICMP or other bytes, half of them with a
 *   correct transport checksum so they reach the protocols (SYN floods, stray ACKs and RSTs, datagrams to open and
 *   closed ports), never on the live connection's 4-tuple;</li>
 *   <li>{@link Kind#MUTATED_CAPTURE}: a copy of a frame really exchanged by the two hosts (ARP, handshake, data
 *   segments of the live connection, UDP, ICMP) with one to four mutations: bytes and bits changed, fields set to
 *   edge values, truncation, trailing bytes. Checksums are left as they were, so a mutated segment must fail its
 *   checksum. ARP has no checksum: a mutated ARP frame is a forged one, and the host must treat it as Linux's
 *   neighbour code would;</li>
 *   <li>{@link Kind#BLIND_TCP}: an off-path attacker's segment on the live 4-tuple with correct checksums but no
 *   knowledge of the sequence space: RSTs and SYNs in and out of the window, data and FINs whose ACK is
 *   unacceptable, random timestamps (RFC 5961's threat model);</li>
 *   <li>{@link Kind#FORGED_ARP}: requests and replies about random addresses, the peer's address and the host's own,
 *   gratuitous ones;</li>
 *   <li>{@link Kind#FORGED_ICMP_ERROR}: destination unreachable, time exceeded and parameter problem quoting the
 *   live connection with random or exact sequence numbers, and echo requests;</li>
 *   <li>{@link Kind#FRAGMENT}: IPv4 fragments with random offsets, sizes and identifiers.</li>
 * </ul>
 *
 * <h2>What is excluded, and why</h2>
 * A frame that is a checksum-valid segment of the live connection and also acceptable to it (in the window, with an
 * acceptable ACK, or an RST with exactly RCV.NXT) is, by definition, indistinguishable from the peer's own segment:
 * a real kernel accepts it too, and "intact" could not be asked of any stack. The generator therefore never makes
 * one: a mutated capture that happens to become a valid segment of the live 4-tuple (a mutation can keep the
 * ones'-complement sum, e.g. 0x0000 to 0xFFFF) other than an exact replay of the original is drawn again, and blind
 * segments keep their ACK outside [SND.UNA - MAX.SND.WND, SND.NXT] unless they carry RST or SYN, and never put an RST
 * exactly on RCV.NXT. {@link #redrawn()} counts the frames drawn again.
 */
final class FrameFuzzer
{
    /** The kinds of frame, in the order of their weights. */
    enum Kind
    {
        RANDOM_BYTES(8),
        RANDOM_BEHIND_ETHERNET(12),
        RANDOM_IPV4(18),
        MUTATED_CAPTURE(32),
        BLIND_TCP(14),
        FORGED_ARP(6),
        FORGED_ICMP_ERROR(6),
        FRAGMENT(4);

        final int weight;

        Kind(final int weight)
        {
            this.weight = weight;
        }
    }

    /**
     * The host under attack: its addresses, the live connection's 4-tuple from its side and its control block, and
     * the ports it listens on.
     */
    record Target(long mac, int address, long peerMac, int peerAddress, int localPort, int remotePort, Tcb tcb,
                  int listenPort, int udpPort)
    {
    }

    private static final int MAX_FRAME = 1514;
    private static final int NOT_LIVE = 0;
    private static final int VALID = 1;
    private static final int BROKEN = 2;
    private static final int[] BLIND_FLAGS = {
        TcpSegment.RST, TcpSegment.RST | TcpSegment.ACK, TcpSegment.SYN, TcpSegment.SYN | TcpSegment.ACK,
        TcpSegment.ACK, TcpSegment.ACK | TcpSegment.PSH, TcpSegment.ACK | TcpSegment.FIN, TcpSegment.FIN, 0,
        TcpSegment.SYN | TcpSegment.RST, -1,
    };

    private final SplittableRandom random;
    private final List<byte[]> captures;
    private final MemorySegment frame = Arena.ofAuto().allocate(2048, 8);
    private final EthernetFrame ethernet = new EthernetFrame();
    private final Ipv4Packet ip = new Ipv4Packet();
    private final TcpSegment tcp = new TcpSegment();
    private final UdpDatagram udp = new UdpDatagram();
    private final IcmpMessage icmp = new IcmpMessage();
    private final ArpPacket arp = new ArpPacket();
    private final int totalWeight;
    private Kind kind;
    private long redrawn;
    private boolean brokenLiveSegment;

    FrameFuzzer(final long seed, final List<byte[]> captures)
    {
        this.random = new SplittableRandom(seed);
        this.captures = captures;
        int weights = 0;
        for (final Kind each : Kind.values())
        {
            weights += each.weight;
        }
        this.totalWeight = weights;
    }

    /** Where {@link #next} builds the frame. */
    MemorySegment frame()
    {
        return frame;
    }

    /** The kind of the last frame built. */
    Kind kind()
    {
        return kind;
    }

    /** Frames drawn again because they came out as a valid, acceptable segment of the live connection. */
    long redrawn()
    {
        return redrawn;
    }

    /** True with probability one half: for choices about delivery (checksum offload on or off). */
    boolean coin()
    {
        return random.nextBoolean();
    }

    /** Picks the next host to attack: 0 or 1. */
    int pickTarget()
    {
        return random.nextInt(2);
    }

    /** Builds the next frame for {@code target} at {@link #frame()}; returns its length. */
    int next(final Target target)
    {
        brokenLiveSegment = false;
        int pick = random.nextInt(totalWeight);
        for (final Kind each : Kind.values())
        {
            pick -= each.weight;
            if (pick < 0)
            {
                kind = each;
                break;
            }
        }
        return switch (kind)
        {
            case RANDOM_BYTES -> randomBytes();
            case RANDOM_BEHIND_ETHERNET -> randomBehindEthernet(target);
            case RANDOM_IPV4 -> randomIpv4(target);
            case MUTATED_CAPTURE -> mutatedCapture(target);
            case BLIND_TCP -> blindTcp(target);
            case FORGED_ARP -> forgedArp(target);
            case FORGED_ICMP_ERROR -> forgedIcmp(target);
            case FRAGMENT -> fragment(target);
        };
    }

    /* ---------------------------------------------------------------------------------------------------------- */

    private int randomBytes()
    {
        final int length = randomLength(0);
        fill(0, length);
        return length;
    }

    private int randomBehindEthernet(final Target target)
    {
        final int length = randomLength(EthernetFrame.HEADER_LENGTH);
        fill(0, length);
        final int type = switch (random.nextInt(4))
        {
            case 0, 1 -> EthernetFrame.TYPE_IPV4;
            case 2 -> EthernetFrame.TYPE_ARP;
            default -> random.nextInt(0x10000);
        };
        ethernet.wrap(frame, 0, EthernetFrame.HEADER_LENGTH);
        ethernet.emit(destinationMac(target), randomMac(), type);
        if (type == EthernetFrame.TYPE_IPV4 && length > EthernetFrame.HEADER_LENGTH && random.nextBoolean())
        {
            Bytes.put8(frame, EthernetFrame.HEADER_LENGTH, 0x40 | random.nextInt(16));
        }
        return length;
    }

    private int randomIpv4(final Target target)
    {
        final int protocol = switch (random.nextInt(5))
        {
            case 0, 1 -> Ipv4Packet.PROTOCOL_TCP;
            case 2 -> Ipv4Packet.PROTOCOL_UDP;
            case 3 -> Ipv4Packet.PROTOCOL_ICMP;
            default -> random.nextInt(256);
        };
        final int transportLength = random.nextInt(protocol == Ipv4Packet.PROTOCOL_TCP ? 80 : 200);
        final int source = random.nextInt(4) == 0 ? target.peerAddress() : randomSource(target);
        final int destination = random.nextInt(8) == 0 ? (target.address() | 0xFF) : target.address();
        final long transport = ipv4Frame(target, source, destination, protocol, transportLength, 0);
        fill(transport, transportLength);
        if (protocol == Ipv4Packet.PROTOCOL_TCP && transportLength >= TcpSegment.HEADER_LENGTH)
        {
            final int port = switch (random.nextInt(4))
            {
                case 0, 1 -> target.listenPort();
                case 2 -> target.localPort();
                default -> random.nextInt(0x10000);
            };
            Bytes.put16(frame, transport + TcpSegment.DESTINATION_PORT, port);
            Bytes.put8(frame, transport + TcpSegment.DATA_OFFSET, (5 + random.nextInt(2)) << 4);
            Bytes.put8(frame, transport + TcpSegment.FLAGS, random.nextInt(4) == 0 ? TcpSegment.SYN
                : random.nextInt(256));
            if (isLiveTuple(target, source, Bytes.u16(frame, transport), destination, port))
            {
                Bytes.put16(frame, transport, target.remotePort() ^ 1);
            }
            if (random.nextBoolean())
            {
                sealTransport(transport, transportLength, source, destination, protocol, TcpSegment.CHECKSUM);
            }
        }
        else if (protocol == Ipv4Packet.PROTOCOL_UDP && transportLength >= UdpDatagram.HEADER_LENGTH)
        {
            Bytes.put16(frame, transport + UdpDatagram.DESTINATION_PORT, random.nextBoolean() ? target.udpPort()
                : random.nextInt(0x10000));
            Bytes.put16(frame, transport + UdpDatagram.LENGTH, random.nextInt(4) == 0 ? random.nextInt(0x10000)
                : transportLength);
            if (random.nextBoolean())
            {
                sealTransport(transport, transportLength, source, destination, protocol, UdpDatagram.CHECKSUM);
            }
        }
        else if (protocol == Ipv4Packet.PROTOCOL_ICMP && transportLength >= IcmpMessage.HEADER_LENGTH &&
            random.nextBoolean())
        {
            icmp.wrap(frame, transport, transportLength);
            icmp.seal();
        }
        return (int) transport + transportLength;
    }

    private int mutatedCapture(final Target target)
    {
        while (true)
        {
            final byte[] original = captures.get(random.nextInt(captures.size()));
            int length = original.length;
            MemorySegment.copy(original, 0, frame, ValueLayout.JAVA_BYTE, 0, length);
            final int mutations = 1 + random.nextInt(4);
            for (int i = 0; i < mutations; i++)
            {
                length = mutate(length);
            }
            final int live = liveSegment(target, length);
            if (live != VALID || isReplay(original, length))
            {
                brokenLiveSegment = live == BROKEN;
                return length;
            }
            redrawn++;
        }
    }

    private int mutate(final int length)
    {
        final int at = length == 0 ? 0 : random.nextInt(length);
        switch (random.nextInt(8))
        {
            case 0:
                if (length > 0)
                {
                    Bytes.put8(frame, at, random.nextInt(256));
                }
                return length;
            case 1:
                if (length > 0)
                {
                    Bytes.put8(frame, at, Bytes.u8(frame, at) ^ (1 << random.nextInt(8)));
                }
                return length;
            case 2:
                // A header field that parsers trust: set it to an edge value.
                final int[] fields = {12, 13, 14, 16, 17, 20, 22, 23, 34, 35, 38, 42, 46, 47, 21, 26, 28};
                final int field = fields[random.nextInt(fields.length)];
                if (field < length)
                {
                    final int[] values = {0x00, 0xFF, 0x45, 0x4F, 0x40, 0x20, 0x01, 0x02, 0x05, 0x11, 0x06, 0xF0};
                    Bytes.put8(frame, field, values[random.nextInt(values.length)]);
                }
                return length;
            case 3:
                return random.nextInt(length + 1);
            case 4:
                final int longer = Math.min(MAX_FRAME, length + 1 + random.nextInt(64));
                fill(length, longer - length);
                return longer;
            case 5:
                if (length >= 2)
                {
                    final int word = random.nextInt(length / 2) * 2;
                    Bytes.put16(frame, word, Bytes.u16(frame, word) == 0 ? 0xFFFF : 0);
                }
                return length;
            case 6:
                if (length >= 8)
                {
                    final int from = random.nextInt(length - 4);
                    final int to = random.nextInt(length - 4);
                    final int saved = Bytes.i32(frame, to);
                    Bytes.put32(frame, to, Bytes.i32(frame, from));
                    Bytes.put32(frame, from, saved);
                }
                return length;
            default:
                if (length > 0)
                {
                    Bytes.put8(frame, at, Bytes.u8(frame, at) + 1);
                }
                return length;
        }
    }

    private int blindTcp(final Target target)
    {
        final Tcb tcb = target.tcb();
        int flags = BLIND_FLAGS[random.nextInt(BLIND_FLAGS.length)];
        if (flags < 0)
        {
            flags = random.nextInt(256);
        }
        final boolean inWindow = random.nextBoolean();
        int seq = inWindow ? tcb.rcvNxt - 1000 + random.nextInt(1000 + Math.max(1, tcb.rcvAdvertisedEdge -
            tcb.rcvNxt)) : random.nextInt();
        if ((flags & TcpSegment.RST) != 0 && seq == tcb.rcvNxt)
        {
            seq++;
        }
        int ack = random.nextInt();
        if ((flags & (TcpSegment.RST | TcpSegment.SYN)) == 0 && (flags & TcpSegment.ACK) != 0 &&
            Tcb.between(ack, tcb.sndUna - tcb.maxSndWnd, tcb.sndNxt))
        {
            ack = tcb.sndNxt + 1 + random.nextInt(1 << 30);
        }
        final boolean timestamps = random.nextBoolean();
        final int optionsLength = timestamps ? TcpSegment.TIMESTAMP_BLOCK : 0;
        final int payload = random.nextInt(4) == 0 ? 0 : random.nextInt(200);
        final int transportLength = TcpSegment.HEADER_LENGTH + optionsLength + payload;
        final long transport = ipv4Frame(target, target.peerAddress(), target.address(), Ipv4Packet.PROTOCOL_TCP,
            transportLength, 0);
        tcp.wrap(frame, transport, transportLength);
        tcp.emit(target.remotePort(), target.localPort(), seq, ack, flags, random.nextInt(0x10000), optionsLength);
        if (timestamps)
        {
            tcp.writeOptions(-1, false, true, random.nextInt(), random.nextInt(), -1);
        }
        fill(transport + TcpSegment.HEADER_LENGTH + optionsLength, payload);
        sealTransport(transport, transportLength, target.peerAddress(), target.address(), Ipv4Packet.PROTOCOL_TCP,
            TcpSegment.CHECKSUM);
        return (int) transport + transportLength;
    }

    private int forgedArp(final Target target)
    {
        final int length = EthernetFrame.HEADER_LENGTH + ArpPacket.LENGTH + (random.nextInt(4) == 0 ? 18 : 0);
        fill(0, length);
        final int operation = random.nextInt(8) == 0 ? random.nextInt(4) : 1 + random.nextInt(2);
        final int sender = switch (random.nextInt(5))
        {
            case 0 -> target.peerAddress();
            case 1 -> target.address();
            case 2 -> 0;
            default -> randomSource(target);
        };
        final int targetIp = switch (random.nextInt(4))
        {
            case 0 -> sender;
            case 1 -> random.nextInt();
            default -> target.address();
        };
        final long senderMac = random.nextInt(4) == 0 ? target.peerMac() : randomMac();
        ethernet.wrap(frame, 0, EthernetFrame.HEADER_LENGTH);
        ethernet.emit(random.nextBoolean() ? EthernetFrame.BROADCAST : target.mac(), senderMac,
            EthernetFrame.TYPE_ARP);
        arp.wrap(frame, EthernetFrame.HEADER_LENGTH, ArpPacket.LENGTH);
        arp.emit(operation, senderMac, sender, random.nextBoolean() ? 0 : randomMac(), targetIp);
        return length;
    }

    private int forgedIcmp(final Target target)
    {
        final int quoteTransport = 8 + random.nextInt(24);
        final int icmpLength = IcmpMessage.HEADER_LENGTH + Ipv4Packet.HEADER_LENGTH + quoteTransport;
        final long at = ipv4Frame(target, randomSource(target), target.address(), Ipv4Packet.PROTOCOL_ICMP,
            icmpLength, 0);
        fill(at, icmpLength);
        final int type = switch (random.nextInt(5))
        {
            case 0, 1 -> IcmpMessage.TYPE_DEST_UNREACHABLE;
            case 2 -> IcmpMessage.TYPE_TIME_EXCEEDED;
            case 3 -> IcmpMessage.TYPE_PARAMETER_PROBLEM;
            default -> IcmpMessage.TYPE_ECHO_REQUEST;
        };
        icmp.wrap(frame, at, icmpLength);
        icmp.emit(type, random.nextInt(16), random.nextInt());
        final long quote = at + IcmpMessage.HEADER_LENGTH;
        ip.wrap(frame, quote, Ipv4Packet.HEADER_LENGTH + quoteTransport);
        final int protocol = random.nextInt(3) == 0 ? Ipv4Packet.PROTOCOL_UDP : Ipv4Packet.PROTOCOL_TCP;
        ip.emit(0, Ipv4Packet.HEADER_LENGTH + quoteTransport, random.nextInt(0x10000), 0, 64, protocol,
            target.address(), target.peerAddress());
        final long quoted = quote + Ipv4Packet.HEADER_LENGTH;
        Bytes.put16(frame, quoted, target.localPort());
        Bytes.put16(frame, quoted + 2, target.remotePort());
        Bytes.put32(frame, quoted + 4, random.nextBoolean() ? target.tcb().sndUna : random.nextInt());
        icmp.seal();
        return (int) at + icmpLength;
    }

    private int fragment(final Target target)
    {
        final int payload = 8 * (1 + random.nextInt(40)) + (random.nextInt(4) == 0 ? random.nextInt(8) : 0);
        final boolean more = random.nextInt(3) != 0;
        final int offsetUnits = random.nextInt(4) == 0 ? 0 : random.nextInt(8192);
        final int protocol = random.nextBoolean() ? Ipv4Packet.PROTOCOL_UDP : Ipv4Packet.PROTOCOL_TCP;
        final long at = ipv4Frame(target, randomSource(target), target.address(), protocol, payload,
            (more ? Ipv4Packet.FLAG_MORE_FRAGMENTS : 0) | offsetUnits);
        fill(at, payload);
        Bytes.put16(frame, EthernetFrame.HEADER_LENGTH + Ipv4Packet.IDENTIFICATION, random.nextInt(4));
        ip.wrap(frame, EthernetFrame.HEADER_LENGTH, Ipv4Packet.HEADER_LENGTH);
        Bytes.put16(frame, EthernetFrame.HEADER_LENGTH + Ipv4Packet.CHECKSUM, 0);
        Bytes.put16(frame, EthernetFrame.HEADER_LENGTH + Ipv4Packet.CHECKSUM,
            Checksum.finish(Checksum.sum(frame, EthernetFrame.HEADER_LENGTH, Ipv4Packet.HEADER_LENGTH, 0)));
        return (int) at + payload;
    }

    /* ---------------------------------------------------------------------------------------------------------- */

    /** Writes Ethernet and IPv4 headers; returns where the transport starts. */
    private long ipv4Frame(final Target target, final int source, final int destination, final int protocol,
        final int transportLength, final int flagsFragment)
    {
        ethernet.wrap(frame, 0, EthernetFrame.HEADER_LENGTH);
        ethernet.emit(target.mac(), source == target.peerAddress() ? target.peerMac() : randomMac(),
            EthernetFrame.TYPE_IPV4);
        ip.wrap(frame, EthernetFrame.HEADER_LENGTH, Ipv4Packet.HEADER_LENGTH + transportLength);
        ip.emit(random.nextInt(256), Ipv4Packet.HEADER_LENGTH + transportLength, random.nextInt(0x10000),
            flagsFragment, 1 + random.nextInt(255), protocol, source, destination);
        return EthernetFrame.HEADER_LENGTH + Ipv4Packet.HEADER_LENGTH;
    }

    private void sealTransport(final long transport, final int length, final int source, final int destination,
        final int protocol, final int checksumField)
    {
        Bytes.put16(frame, transport + checksumField, 0);
        final int pseudo = Checksum.pseudoHeader(source, destination, protocol, length);
        Bytes.put16(frame, transport + checksumField, Checksum.finish(Checksum.sum(frame, transport, length,
            pseudo)));
    }

    /**
     * Whether the frame is a TCP segment of the live 4-tuple that reaches the target's TCP checksum check (frame for
     * the target, valid IP header, valid TCP header): {@link #VALID} or {@link #BROKEN} by its checksum, else
     * {@link #NOT_LIVE}.
     */
    private int liveSegment(final Target target, final int length)
    {
        ethernet.wrap(frame, 0, length);
        if (ethernet.validate() != 0 || ethernet.type() != EthernetFrame.TYPE_IPV4 ||
            ethernet.destination() != target.mac() && !EthernetFrame.isMulticast(ethernet.destination()))
        {
            return NOT_LIVE;
        }
        ip.wrap(frame, EthernetFrame.HEADER_LENGTH, length - EthernetFrame.HEADER_LENGTH);
        if (ip.validate() != 0 || ip.protocol() != Ipv4Packet.PROTOCOL_TCP || ip.isFragment())
        {
            return NOT_LIVE;
        }
        final long transport = EthernetFrame.HEADER_LENGTH + ip.headerLength();
        final int transportLength = ip.payloadLength();
        tcp.wrap(frame, transport, transportLength);
        if (tcp.validate() != 0 || !isLiveTuple(target, ip.source(), tcp.sourcePort(), ip.destination(),
            tcp.destinationPort()))
        {
            return NOT_LIVE;
        }
        final int pseudo = Checksum.pseudoHeader(ip.source(), ip.destination(), Ipv4Packet.PROTOCOL_TCP,
            transportLength);
        return Checksum.verifies(Checksum.sum(frame, transport, transportLength, pseudo)) ? VALID : BROKEN;
    }

    /**
     * True when the last frame is a mutated copy of a live connection's segment that reaches TCP with a checksum
     * the mutation broke: the host must drop it for its checksum, and for nothing else.
     */
    boolean brokenLiveSegment()
    {
        return brokenLiveSegment;
    }

    private static boolean isLiveTuple(final Target target, final int source, final int sourcePort,
        final int destination, final int destinationPort)
    {
        return source == target.peerAddress() && sourcePort == target.remotePort() &&
            destination == target.address() && destinationPort == target.localPort();
    }

    /** True when the IP packet in the frame is byte for byte the one in {@code original}. */
    private boolean isReplay(final byte[] original, final int length)
    {
        final int total = ip.totalLength();
        if (EthernetFrame.HEADER_LENGTH + total > original.length)
        {
            return false;
        }
        for (int i = EthernetFrame.HEADER_LENGTH; i < EthernetFrame.HEADER_LENGTH + total; i++)
        {
            if (frame.get(ValueLayout.JAVA_BYTE, i) != original[i])
            {
                return false;
            }
        }
        return length >= EthernetFrame.HEADER_LENGTH + total;
    }

    private long destinationMac(final Target target)
    {
        return switch (random.nextInt(4))
        {
            case 0, 1 -> target.mac();
            case 2 -> EthernetFrame.BROADCAST;
            default -> randomMac();
        };
    }

    private long randomMac()
    {
        return random.nextLong() & 0xFEFF_FFFF_FFFFL;
    }

    /** A source in the host's subnet, outside it, or a nonsense one (multicast, broadcast, zero, loopback). */
    private int randomSource(final Target target)
    {
        return switch (random.nextInt(6))
        {
            case 0, 1, 2 -> (target.address() & 0xFFFF_FF00) | (1 + random.nextInt(253));
            case 3 -> random.nextInt();
            case 4 -> 0xE000_0000 | random.nextInt(1 << 28);
            default -> new int[] {0, -1, 0x7F00_0001, target.address()}[random.nextInt(4)];
        };
    }

    /** A length biased towards short frames, where parsers meet their edge cases. */
    private int randomLength(final int minimum)
    {
        final int length = random.nextInt(3) == 0 ? random.nextInt(MAX_FRAME + 1) : random.nextInt(96);
        return Math.max(minimum, length);
    }

    private void fill(final long offset, final int length)
    {
        long at = offset;
        final long end = offset + length;
        while (end - at >= 8)
        {
            frame.set(ValueLayout.JAVA_LONG_UNALIGNED, at, random.nextLong());
            at += 8;
        }
        while (at < end)
        {
            frame.set(ValueLayout.JAVA_BYTE, at++, (byte) random.nextInt());
        }
    }
}
