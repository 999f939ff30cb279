package dev.nicsim.tools.demo;

import dev.nicsim.stack.wire.ArpPacket;
import dev.nicsim.stack.wire.EthernetFrame;
import dev.nicsim.stack.wire.IcmpMessage;
import dev.nicsim.stack.wire.Ipv4Address;
import dev.nicsim.stack.wire.Ipv4Packet;
import dev.nicsim.stack.wire.TcpSegment;
import dev.nicsim.stack.wire.UdpDatagram;

import java.lang.foreign.MemorySegment;
import java.util.StringJoiner;

/**
 * One line per frame, tcpdump-style, for timelines: {@code 10.0.0.1.40123 > 10.0.0.2.13: [S] seq 1234 win 65535
 * <mss 1460,sackOK,TS,wscale 7> len 0}. Parsing uses the stack's own wire views; a frame they reject is shown as
 * malformed with its length.
 */
final class FrameSummary
{
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_ARP = 0x0806;
    private static final int FCS_BYTES = 4;

    private final EthernetFrame ethernet = new EthernetFrame();
    private final Ipv4Packet ip = new Ipv4Packet();
    private final TcpSegment tcp = new TcpSegment();
    private final UdpDatagram udp = new UdpDatagram();
    private final IcmpMessage icmp = new IcmpMessage();
    private final ArpPacket arp = new ArpPacket();

    /** Summarizes a frame as it is on the wire (FCS included). */
    String describe(final MemorySegment frame, final long offset, final int length)
    {
        ethernet.wrap(frame, offset, length - FCS_BYTES);
        if (ethernet.validate() != 0)
        {
            return "malformed Ethernet frame, " + length + " B";
        }
        final long payload = offset + EthernetFrame.HEADER_LENGTH;
        final int payloadLength = length - FCS_BYTES - EthernetFrame.HEADER_LENGTH;
        return switch (ethernet.type())
        {
            case ETHERTYPE_ARP -> arp(frame, payload, payloadLength);
            case ETHERTYPE_IPV4 -> ipv4(frame, payload, payloadLength);
            default -> "ethertype 0x" + Integer.toHexString(ethernet.type()) + ", " + length + " B";
        };
    }

    private String arp(final MemorySegment frame, final long at, final int length)
    {
        arp.wrap(frame, at, length);
        if (arp.validate() != 0)
        {
            return "malformed ARP";
        }
        return arp.operation() == 1 ?
            "ARP who-has " + Ipv4Address.format(arp.targetIp()) + " tell " + Ipv4Address.format(arp.senderIp()) :
            "ARP " + Ipv4Address.format(arp.senderIp()) + " is-at " + mac(arp.senderMac());
    }

    private String ipv4(final MemorySegment frame, final long at, final int length)
    {
        ip.wrap(frame, at, length);
        if (ip.validate() != 0)
        {
            return "malformed IPv4";
        }
        final long transport = at + ip.headerLength();
        final int transportLength = ip.payloadLength();
        final String source = Ipv4Address.format(ip.source());
        final String destination = Ipv4Address.format(ip.destination());
        return switch (ip.protocol())
        {
            case 6 -> tcp(frame, transport, transportLength, source, destination);
            case 17 -> udp(frame, transport, transportLength, source, destination);
            case 1 -> icmp(frame, transport, transportLength, source, destination);
            default -> source + " > " + destination + ": IP protocol " + ip.protocol();
        };
    }

    private String tcp(final MemorySegment frame, final long at, final int length, final String source,
        final String destination)
    {
        tcp.wrap(frame, at, length);
        if (tcp.validate() != 0)
        {
            return source + " > " + destination + ": malformed TCP";
        }
        final StringBuilder line = new StringBuilder();
        line.append(source).append('.').append(tcp.sourcePort()).append(" > ").append(destination).append('.')
            .append(tcp.destinationPort()).append(": [").append(flags(tcp.flags())).append("] seq ")
            .append(Integer.toUnsignedString(tcp.sequence()));
        if ((tcp.flags() & TcpSegment.ACK) != 0)
        {
            line.append(" ack ").append(Integer.toUnsignedString(tcp.acknowledgment()));
        }
        line.append(" win ").append(tcp.window());
        if ((tcp.flags() & TcpSegment.SYN) != 0)
        {
            final StringJoiner options = new StringJoiner(",", " <", ">").setEmptyValue("");
            if (tcp.mss() >= 0)
            {
                options.add("mss " + tcp.mss());
            }
            if (tcp.sackPermitted())
            {
                options.add("sackOK");
            }
            if (tcp.hasTimestamps())
            {
                options.add("TS val " + Integer.toUnsignedString(tcp.tsVal()) + " ecr " +
                    Integer.toUnsignedString(tcp.tsEcr()));
            }
            if (tcp.wscale() >= 0)
            {
                options.add("wscale " + tcp.wscale());
            }
            line.append(options);
        }
        return line.append(" len ").append(tcp.payloadLength()).toString();
    }

    private String udp(final MemorySegment frame, final long at, final int length, final String source,
        final String destination)
    {
        udp.wrap(frame, at, length);
        if (udp.validate() != 0)
        {
            return source + " > " + destination + ": malformed UDP";
        }
        return source + '.' + udp.sourcePort() + " > " + destination + '.' + udp.destinationPort() + ": UDP len " +
            (udp.datagramLength() - 8);
    }

    private String icmp(final MemorySegment frame, final long at, final int length, final String source,
        final String destination)
    {
        icmp.wrap(frame, at, length);
        if (icmp.validate() != 0)
        {
            return source + " > " + destination + ": malformed ICMP";
        }
        return source + " > " + destination + ": ICMP type " + icmp.type() + " code " + icmp.code();
    }

    private static String flags(final int flags)
    {
        final StringBuilder text = new StringBuilder();
        append(text, flags, TcpSegment.SYN, 'S');
        append(text, flags, TcpSegment.FIN, 'F');
        append(text, flags, TcpSegment.RST, 'R');
        append(text, flags, TcpSegment.PSH, 'P');
        append(text, flags, TcpSegment.ACK, '.');
        return text.toString();
    }

    private static void append(final StringBuilder text, final int flags, final int bit, final char letter)
    {
        if ((flags & bit) != 0)
        {
            text.append(letter);
        }
    }

    private static String mac(final long address)
    {
        final StringBuilder text = new StringBuilder();
        for (int shift = 40; shift >= 0; shift -= 8)
        {
            text.append(String.format("%02x", (address >>> shift) & 0xFF)).append(shift > 0 ? ":" : "");
        }
        return text.toString();
    }
}
