package dev.nicsim.tools.report;

import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.eth.FrameTap;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes a pcapng capture (the format Wireshark writes today, draft-ietf-opsawg-pcapng) with one interface per
 * Ethernet link, so a frame that crosses a switch appears once on each link it travels, never twice on one interface.
 * Each packet carries its direction on the link in {@code epb_flags}: outbound when sent by the link's first end (the
 * host side), inbound when sent by the second. Timestamps are nanoseconds since 1970: {@code sim.epoch_seconds} plus
 * the simulated time the frame starts on the wire. Frames are written without their FCS (link type 1).
 *
 * <pre>
 *  Section Header Block   type 0x0A0D0D0A, byte-order magic 0x1A2B3C4D, version 1.0, section length -1
 *  Interface Description  type 1: link type 1 (Ethernet), snap length, if_name, if_description, if_tsresol = 9 (ns)
 *  Enhanced Packet Block  type 6: interface id, timestamp high/low, captured and original length, data padded to
 *                         4 bytes, epb_flags (bits 0-1: 1 inbound, 2 outbound)
 * </pre>
 *
 * <p>Interfaces must all be added before the first packet (readers expect them first). Writing a packet allocates
 * nothing: blocks go through one reused buffer.
 */
public final class PcapngWriter implements Closeable
{
    private static final int SECTION_HEADER = 0x0A0D0D0A;
    private static final int INTERFACE_DESCRIPTION = 1;
    private static final int ENHANCED_PACKET = 6;
    private static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    private static final int LINKTYPE_ETHERNET = 1;
    private static final short OPT_END = 0;
    private static final short SHB_USERAPPL = 4;
    private static final short IF_NAME = 2;
    private static final short IF_DESCRIPTION = 3;
    private static final short IF_TSRESOL = 9;
    private static final short EPB_FLAGS = 2;
    private static final int INBOUND = 1;
    private static final int OUTBOUND = 2;
    private static final int FCS_BYTES = 4;
    /* Block header 8 + EPB fields 20 + flags option 8 + end of options 4 + trailing length 4. */
    private static final int PACKET_OVERHEAD = 44;

    private final OutputStream out;
    private final int snapLength;
    private final long epochNanos;
    private final ByteBuffer block;
    private int interfaces;
    private boolean packetsStarted;
    private long packets;

    /**
     * Starts the capture.
     *
     * @param epochSeconds wall-clock seconds since 1970 at simulated time 0 ({@code sim.epoch_seconds})
     * @param application  what wrote it, for the section header's {@code shb_userappl}
     */
    public PcapngWriter(final OutputStream out, final long epochSeconds, final String application)
    {
        this.out = new BufferedOutputStream(out, 1 << 16);
        this.snapLength = 65535;
        this.epochNanos = Math.multiplyExact(epochSeconds, 1_000_000_000L);
        this.block = ByteBuffer.allocate(PACKET_OVERHEAD + snapLength + 3).order(ByteOrder.LITTLE_ENDIAN);
        final byte[] app = application.getBytes(StandardCharsets.UTF_8);
        block.clear();
        block.putInt(SECTION_HEADER).putInt(0).putInt(BYTE_ORDER_MAGIC).putShort((short) 1).putShort((short) 0)
            .putLong(-1);
        option(SHB_USERAPPL, app);
        finish();
    }

    /**
     * Adds an interface for {@code link} and returns the tap that records the link's frames on it.
     *
     * @throws IllegalStateException after the first packet
     */
    public FrameTap addLink(final EthernetLink link, final String description)
    {
        if (packetsStarted)
        {
            throw new IllegalStateException("pcapng interfaces come before packets: add " + link.name() + " first");
        }
        block.clear();
        block.putInt(INTERFACE_DESCRIPTION).putInt(0).putShort((short) LINKTYPE_ETHERNET).putShort((short) 0)
            .putInt(snapLength);
        option(IF_NAME, link.name().getBytes(StandardCharsets.UTF_8));
        option(IF_DESCRIPTION, description.getBytes(StandardCharsets.UTF_8));
        option(IF_TSRESOL, new byte[] {9});
        finish();
        final int id = interfaces++;
        final String firstEnd = link.a().name();
        return (direction, time, frame, offset, length) ->
            packet(id, direction.equals(firstEnd) ? OUTBOUND : INBOUND, time, frame, offset, length);
    }

    /** Packets written so far. */
    public long packets()
    {
        return packets;
    }

    private void packet(final int interfaceId, final int flags, final long time, final MemorySegment frame,
        final long offset, final int length)
    {
        packetsStarted = true;
        final int original = Math.max(0, length - FCS_BYTES);
        final int captured = Math.min(original, snapLength);
        final long nanos = epochNanos + time / 1000;
        block.clear();
        block.putInt(ENHANCED_PACKET).putInt(0).putInt(interfaceId).putInt((int) (nanos >>> 32)).putInt((int) nanos)
            .putInt(captured).putInt(original);
        MemorySegment.copy(frame, ValueLayout.JAVA_BYTE, offset, block.array(), block.position(), captured);
        block.position(block.position() + captured);
        pad();
        block.putShort(EPB_FLAGS).putShort((short) 4).putInt(flags);
        finish();
        packets++;
    }

    /* An option: code, length, value padded to 4 bytes. */
    private void option(final short code, final byte[] value)
    {
        block.putShort(code).putShort((short) value.length).put(value);
        pad();
    }

    /* Ends the options, fills in the block's length at both ends and writes it. */
    private void finish()
    {
        block.putShort(OPT_END).putShort((short) 0);
        final int total = block.position() + 4;
        block.putInt(total);
        block.putInt(4, total);
        try
        {
            out.write(block.array(), 0, total);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("writing the pcapng capture", e);
        }
    }

    private void pad()
    {
        while ((block.position() & 3) != 0)
        {
            block.put((byte) 0);
        }
    }

    @Override
    public void close()
    {
        try
        {
            out.close();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("closing the pcapng capture", e);
        }
    }
}
