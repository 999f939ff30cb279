package dev.nicsim.hw.trace;

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

/**
 * Writes frames to a classic pcap file with nanosecond timestamps (magic {@code 0xa1b23c4d}) and link type 1
 * (Ethernet). Frames are written without their FCS, as capture tools expect for link type 1. Timestamps are the
 * simulated time the frame starts on the wire, truncated to the nanosecond.
 *
 * <p>Writing a frame allocates nothing: records go through one reused buffer.
 */
public final class PcapWriter implements FrameTap, Closeable
{
    private static final int MAGIC_NANOSECONDS = 0xa1b23c4d;
    private static final int LINKTYPE_ETHERNET = 1;
    private static final int RECORD_HEADER = 16;
    private static final int FCS_BYTES = 4;

    private final OutputStream out;
    private final int snapLength;
    private final byte[] record;
    private final ByteBuffer header;
    private long frames;

    public PcapWriter(final OutputStream out)
    {
        this(out, 65535);
    }

    public PcapWriter(final OutputStream out, final int snapLength)
    {
        if (snapLength < 64 || snapLength > 262144)
        {
            throw new IllegalArgumentException("pcap snap length must be in [64, 262144], got " + snapLength);
        }
        this.out = new BufferedOutputStream(out, 1 << 16);
        this.snapLength = snapLength;
        this.record = new byte[RECORD_HEADER + snapLength];
        this.header = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
        final ByteBuffer file = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        file.putInt(MAGIC_NANOSECONDS).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
            .putInt(snapLength).putInt(LINKTYPE_ETHERNET);
        write(file.array(), 24);
    }

    @Override
    public void frameOnWire(final String direction, final long time, final MemorySegment frame, final long offset,
        final int length)
    {
        final int original = Math.max(0, length - FCS_BYTES);
        final int captured = Math.min(original, snapLength);
        final long nanoseconds = time / 1000;
        header.putInt(0, (int) (nanoseconds / 1_000_000_000L));
        header.putInt(4, (int) (nanoseconds % 1_000_000_000L));
        header.putInt(8, captured);
        header.putInt(12, original);
        MemorySegment.copy(frame, ValueLayout.JAVA_BYTE, offset, record, RECORD_HEADER, captured);
        write(record, RECORD_HEADER + captured);
        frames++;
    }

    public long frames()
    {
        return frames;
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
            throw new UncheckedIOException("closing pcap output", e);
        }
    }

    private void write(final byte[] bytes, final int length)
    {
        try
        {
            out.write(bytes, 0, length);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("writing pcap output", e);
        }
    }
}
