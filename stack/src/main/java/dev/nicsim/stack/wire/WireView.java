package dev.nicsim.stack.wire;

import java.lang.foreign.MemorySegment;

/**
 * A flyweight over one header in memory: re-pointed with {@link #wrap} per packet, never allocated per packet.
 * Subclasses read and write fields in place; {@code validate()} methods check every length and offset a reader
 * will use, so that after a successful validation no accessor can read outside the packet.
 *
 * <p>Every access to a segment pays for its checks (bounds, liveness, read-only), so headers are written, and
 * validated, in as few wide words as their layout allows.
 */
public abstract class WireView
{
    protected MemorySegment segment;
    protected long offset;
    protected int length;

    /** Points the view at {@code length} bytes starting at {@code offset}. */
    public final void wrap(final MemorySegment segment, final long offset, final int length)
    {
        this.segment = segment;
        this.offset = offset;
        this.length = length;
    }

    public final MemorySegment segment()
    {
        return segment;
    }

    public final long offset()
    {
        return offset;
    }

    /** Bytes available to the view (the header and whatever follows it in the packet). */
    public final int length()
    {
        return length;
    }

    protected final int u8(final int at)
    {
        return Bytes.u8(segment, offset + at);
    }

    protected final int u16(final int at)
    {
        return Bytes.u16(segment, offset + at);
    }

    protected final int i32(final int at)
    {
        return Bytes.i32(segment, offset + at);
    }

    protected final long i64(final int at)
    {
        return Bytes.i64(segment, offset + at);
    }

    protected final void put8(final int at, final int value)
    {
        Bytes.put8(segment, offset + at, value);
    }

    protected final void put16(final int at, final int value)
    {
        Bytes.put16(segment, offset + at, value);
    }

    protected final void put32(final int at, final int value)
    {
        Bytes.put32(segment, offset + at, value);
    }

    protected final void put64(final int at, final long value)
    {
        Bytes.put64(segment, offset + at, value);
    }
}
