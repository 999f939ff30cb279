package dev.nicsim.stack.wire;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The headers are written in 8-byte words and the IPv4 checksum is computed from the field values: every field must
 * still land in its own bytes (no sign extension into a neighbour, values truncated to their width) and the
 * checksum must equal the sum of the bytes written.
 */
class HeaderWordsTest
{
    private final MemorySegment memory = Arena.ofAuto().allocate(128);
    private final SplittableRandom random = new SplittableRandom(7);

    @Test
    void ipv4FieldsAndChecksum()
    {
        final Ipv4Packet ip = new Ipv4Packet();
        for (int i = 0; i < 10_000; i++)
        {
            final int tos = random.nextInt();
            final int total = 20 + random.nextInt(40);
            final int id = random.nextInt();
            final int fragment = random.nextInt();
            final int ttl = random.nextInt();
            final int protocol = random.nextInt();
            final int source = random.nextInt();
            final int destination = random.nextInt();
            memory.fill((byte) 0xA5);
            ip.wrap(memory, 3, 64);
            ip.emit(tos, total, id, fragment, ttl, protocol, source, destination);
            assertEquals(0, ip.validate());
            assertEquals(0xFFFF, Checksum.sum(memory, 3, Ipv4Packet.HEADER_LENGTH, 0));
            assertEquals(20, ip.headerLength());
            assertEquals(tos & 0xFF, ip.tos());
            assertEquals(total, ip.totalLength());
            assertEquals(id & 0xFFFF, ip.identification());
            assertEquals(fragment & 0xFFFF, Bytes.u16(memory, 3 + Ipv4Packet.FLAGS_FRAGMENT));
            assertEquals(ttl & 0xFF, ip.ttl());
            assertEquals(protocol & 0xFF, ip.protocol());
            assertEquals(source, ip.source());
            assertEquals(destination, ip.destination());
            assertEquals((byte) 0xA5, memory.get(ValueLayout.JAVA_BYTE, 3 + 20));
        }
    }

    @Test
    void tcpFields()
    {
        final TcpSegment tcp = new TcpSegment();
        for (int i = 0; i < 10_000; i++)
        {
            final int sourcePort = random.nextInt();
            final int destinationPort = random.nextInt();
            final int sequence = random.nextInt();
            final int acknowledgment = random.nextInt();
            final int flags = random.nextInt();
            final int window = random.nextInt();
            final int optionsLength = 4 * random.nextInt(11);
            memory.fill((byte) 0xA5);
            tcp.wrap(memory, 5, 100);
            tcp.emit(sourcePort, destinationPort, sequence, acknowledgment, flags, window, optionsLength);
            assertEquals(sourcePort & 0xFFFF, tcp.sourcePort());
            assertEquals(destinationPort & 0xFFFF, tcp.destinationPort());
            assertEquals(sequence, tcp.sequence());
            assertEquals(acknowledgment, tcp.acknowledgment());
            assertEquals(TcpSegment.HEADER_LENGTH + optionsLength, tcp.headerLength());
            assertEquals(0, Bytes.u8(memory, 5 + TcpSegment.DATA_OFFSET) & 0xF);
            assertEquals(flags & 0xFF, tcp.flags());
            assertEquals(window & 0xFFFF, tcp.window());
            assertEquals(0, tcp.checksum());
            assertEquals(0, Bytes.u16(memory, 5 + TcpSegment.URGENT));
            assertEquals((byte) 0xA5, memory.get(ValueLayout.JAVA_BYTE, 5 + 20));
        }
    }

    @Test
    void ethernetAddresses()
    {
        final EthernetFrame frame = new EthernetFrame();
        for (int i = 0; i < 10_000; i++)
        {
            final long destination = random.nextLong() & 0xFFFF_FFFF_FFFFL;
            final long source = random.nextLong() & 0xFFFF_FFFF_FFFFL;
            memory.fill((byte) 0xA5);
            frame.wrap(memory, 1, 60);
            frame.emit(destination, source, EthernetFrame.TYPE_IPV4);
            assertEquals(destination, frame.destination());
            assertEquals(source, frame.source());
            assertEquals(EthernetFrame.TYPE_IPV4, frame.type());
            assertEquals((byte) 0xA5, memory.get(ValueLayout.JAVA_BYTE, 1 + 14));
        }
    }
}
