package dev.nicsim.tools.measure;

import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.eth.FrameTap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Counts what crosses the wire, by kind: TCP segments that carry data and their payload bytes, pure ACKs, UDP
 * datagrams and their payload, ARP. Each frame is counted once where it leaves its host: on a link to the switch only
 * the host's end is counted, so a frame is not counted again on its way out of the switch. Reads headers in place and
 * allocates nothing.
 */
public final class WireCensus
{
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_ARP = 0x0806;
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int ACK = 0x10;

    private long frames;
    private long arpFrames;
    private long tcpDataSegments;
    private long tcpPayloadBytes;
    private long tcpPureAcks;
    private long udpDatagrams;
    private long udpPayloadBytes;

    /** Counts frames leaving {@code link}'s {@code a} end, and its {@code b} end too unless {@code onlyA}. */
    public void watch(final EthernetLink link, final boolean onlyA)
    {
        final String hostEnd = link.a().name();
        link.addTap(new Counter(hostEnd, onlyA));
    }

    private final class Counter implements FrameTap
    {
        private final String hostEnd;
        private final boolean onlyA;

        Counter(final String hostEnd, final boolean onlyA)
        {
            this.hostEnd = hostEnd;
            this.onlyA = onlyA;
        }

        @Override
        public void frameOnWire(final String direction, final long time, final MemorySegment frame, final long offset,
            final int length)
        {
            if (!onlyA || direction.equals(hostEnd))
            {
                count(frame, offset, length);
            }
        }
    }

    private void count(final MemorySegment frame, final long offset, final int length)
    {
        frames++;
        if (length < 14 + 20)
        {
            if (length >= 14 && (frame.get(U16, offset + 12) & 0xFFFF) == ETHERTYPE_ARP)
            {
                arpFrames++;
            }
            return;
        }
        final int ethertype = frame.get(U16, offset + 12) & 0xFFFF;
        if (ethertype == ETHERTYPE_ARP)
        {
            arpFrames++;
            return;
        }
        if (ethertype != ETHERTYPE_IPV4)
        {
            return;
        }
        final long ip = offset + 14;
        final int headerLength = (frame.get(ValueLayout.JAVA_BYTE, ip) & 0x0F) * 4;
        final int total = frame.get(U16, ip + 2) & 0xFFFF;
        final int protocol = frame.get(ValueLayout.JAVA_BYTE, ip + 9) & 0xFF;
        final long transport = ip + headerLength;
        if (protocol == TCP && total >= headerLength + 20)
        {
            final int tcpHeader = ((frame.get(ValueLayout.JAVA_BYTE, transport + 12) & 0xF0) >>> 4) * 4;
            final int flags = frame.get(ValueLayout.JAVA_BYTE, transport + 13) & 0x3F;
            final int payload = total - headerLength - tcpHeader;
            if (payload > 0)
            {
                tcpDataSegments++;
                tcpPayloadBytes += payload;
            }
            else if (flags == ACK)
            {
                tcpPureAcks++;
            }
        }
        else if (protocol == UDP && total >= headerLength + 8)
        {
            udpDatagrams++;
            udpPayloadBytes += total - headerLength - 8;
        }
    }

    public long frames()
    {
        return frames;
    }

    public long arpFrames()
    {
        return arpFrames;
    }

    /** TCP segments carrying at least one byte of payload (retransmissions included). */
    public long tcpDataSegments()
    {
        return tcpDataSegments;
    }

    public long tcpPayloadBytes()
    {
        return tcpPayloadBytes;
    }

    /** TCP segments with only the ACK flag and no payload. */
    public long tcpPureAcks()
    {
        return tcpPureAcks;
    }

    public long udpDatagrams()
    {
        return udpDatagrams;
    }

    public long udpPayloadBytes()
    {
        return udpPayloadBytes;
    }
}
