package dev.nicsim.stack;

import dev.nicsim.stack.device.FrameReceiver;
import dev.nicsim.stack.tcp.TcpSocket;
import dev.nicsim.stack.udp.UdpSocket;
import dev.nicsim.stack.wire.Bytes;
import dev.nicsim.stack.wire.Checksum;
import dev.nicsim.stack.wire.DropReason;
import dev.nicsim.stack.wire.EthernetFrame;
import dev.nicsim.stack.wire.Ipv4Packet;
import dev.nicsim.stack.wire.TcpSegment;
import dev.nicsim.stack.wire.UdpDatagram;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.nicsim.stack.TwoHosts.A;
import static dev.nicsim.stack.TwoHosts.B;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Checksum offload on receive: the device sums everything after the Ethernet header, padding included. The stack
 * takes the padding out again, and when the packet's length is odd the padding starts in the low byte of a 16-bit
 * word, so its sum must be byte-swapped first (Linux's {@code csum_block_sub}). UDP checks its own length field, not
 * the IP payload's.
 */
class ReceiveChecksumTest
{
    private static final int PADDED = 60;

    private final TwoHosts hosts = new TwoHosts();
    private final MemorySegment frame = Arena.ofAuto().allocate(128, 8);

    @Test
    void anOddLengthSegmentBehindPaddingPassesTheOffloadedChecksum()
    {
        final int listener = hosts.listenOnB(80);
        final int length = synWithOneByte();
        padding(length);
        final long accepted = hosts.b.stats().framesAccepted;
        hosts.inject(hosts.ethB, frame, PADDED, raw());
        assertEquals(0, hosts.b.stats().drops(DropReason.TCP_CHECKSUM), "a valid segment must verify");
        assertEquals(accepted + 1, hosts.b.stats().framesAccepted);
        assertEquals(1, ((TcpSocket) hosts.pb.socketOf(listener)).listenQueue.synQueueCount(), "the SYN reached the listener");

        Bytes.put8(frame, length - 1, Bytes.u8(frame, length - 1) ^ 0x40);
        hosts.inject(hosts.ethB, frame, PADDED, raw());
        assertEquals(1, hosts.b.stats().drops(DropReason.TCP_CHECKSUM), "a corrupted one must not");
    }

    @Test
    void udpIsCheckedOverItsOwnLength()
    {
        final int fd = hosts.pb.socket(2, 2, 0);
        TwoHosts.check(hosts.pb.bind(fd, TwoHosts.address(hosts.pb, 0, 53), 16), hosts.pb);
        final int transport = EthernetFrame.HEADER_LENGTH + Ipv4Packet.HEADER_LENGTH;
        // A 3-byte datagram in an IP packet that carries 2 bytes more than the UDP length says (allowed: udp_rcv
        // trims them), then Ethernet padding.
        final int udpLength = UdpDatagram.HEADER_LENGTH + 3;
        ipv4(Ipv4Packet.PROTOCOL_UDP, udpLength + 2);
        final UdpDatagram udp = new UdpDatagram();
        udp.wrap(frame, transport, udpLength);
        udp.emit(5000, 53, udpLength, 0);
        Bytes.put8(frame, transport + 8, 'a');
        Bytes.put8(frame, transport + 9, 'b');
        Bytes.put8(frame, transport + 10, 'c');
        Bytes.put16(frame, transport + udpLength, 0x5A5A);
        udp.checksum(Checksum.finish(Checksum.sum(frame, transport, udpLength,
            Checksum.pseudoHeader(A, B, Ipv4Packet.PROTOCOL_UDP, udpLength))));
        padding(transport + udpLength + 2);
        hosts.inject(hosts.ethB, frame, PADDED, raw());
        hosts.inject(hosts.ethB, frame, PADDED, FrameReceiver.NO_CHECKSUM);
        assertEquals(0, hosts.b.stats().drops(DropReason.UDP_CHECKSUM));
        assertEquals(2, ((UdpSocket) hosts.pb.socketOf(fd)).datagrams, "both copies delivered, with and without offload");
    }

    /** A SYN with one byte of data to B:80: 41 bytes of IP packet, an odd length. Returns the frame's length. */
    private int synWithOneByte()
    {
        final int transportLength = TcpSegment.HEADER_LENGTH + 1;
        final long transport = ipv4(Ipv4Packet.PROTOCOL_TCP, transportLength);
        final TcpSegment tcp = new TcpSegment();
        tcp.wrap(frame, transport, transportLength);
        tcp.emit(40000, 80, 1000, 0, TcpSegment.SYN, 65535, 0);
        Bytes.put8(frame, transport + TcpSegment.HEADER_LENGTH, 'x');
        tcp.checksum(Checksum.finish(Checksum.sum(frame, transport, transportLength,
            Checksum.pseudoHeader(A, B, Ipv4Packet.PROTOCOL_TCP, transportLength))));
        return (int) transport + transportLength;
    }

    private long ipv4(final int protocol, final int transportLength)
    {
        final EthernetFrame ethernet = new EthernetFrame();
        ethernet.wrap(frame, 0, EthernetFrame.HEADER_LENGTH);
        ethernet.emit(hosts.ethB.mac(), hosts.ethA.mac(), EthernetFrame.TYPE_IPV4);
        final Ipv4Packet ip = new Ipv4Packet();
        ip.wrap(frame, EthernetFrame.HEADER_LENGTH, Ipv4Packet.HEADER_LENGTH + transportLength);
        ip.emit(0, Ipv4Packet.HEADER_LENGTH + transportLength, 1, 0, 64, protocol, A, B);
        return EthernetFrame.HEADER_LENGTH + Ipv4Packet.HEADER_LENGTH;
    }

    /** Non-zero padding up to the minimum frame, so a mis-aligned subtraction cannot go unnoticed. */
    private void padding(final int from)
    {
        for (int i = from; i < PADDED; i++)
        {
            Bytes.put8(frame, i, 0xAB + i);
        }
    }

    /** What the device reports: the sum of every byte after the Ethernet header. */
    private int raw()
    {
        return Checksum.sum(frame, EthernetFrame.HEADER_LENGTH, PADDED - EthernetFrame.HEADER_LENGTH, 0);
    }
}
