package dev.nicsim.stack.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Network-order (big-endian) field access over memory. The layouts are static finals so the JIT folds them; every
 * wire view goes through these few methods, which keeps one access shape per call site.
 */
public final class Bytes
{
    public static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    public static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    public static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private Bytes()
    {
    }

    public static int u8(final MemorySegment segment, final long offset)
    {
        return segment.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    public static int u16(final MemorySegment segment, final long offset)
    {
        return segment.get(U16, offset) & 0xFFFF;
    }

    public static int i32(final MemorySegment segment, final long offset)
    {
        return segment.get(U32, offset);
    }

    public static long i64(final MemorySegment segment, final long offset)
    {
        return segment.get(U64, offset);
    }

    /** A 48-bit MAC address, first byte most significant. */
    public static long u48(final MemorySegment segment, final long offset)
    {
        return ((long) u16(segment, offset) << 32) | (segment.get(U32, offset + 2) & 0xFFFF_FFFFL);
    }

    public static void put8(final MemorySegment segment, final long offset, final int value)
    {
        segment.set(ValueLayout.JAVA_BYTE, offset, (byte) value);
    }

    public static void put16(final MemorySegment segment, final long offset, final int value)
    {
        segment.set(U16, offset, (short) value);
    }

    public static void put32(final MemorySegment segment, final long offset, final int value)
    {
        segment.set(U32, offset, value);
    }

    public static void put64(final MemorySegment segment, final long offset, final long value)
    {
        segment.set(U64, offset, value);
    }

    public static void put48(final MemorySegment segment, final long offset, final long value)
    {
        put16(segment, offset, (int) (value >>> 32));
        put32(segment, offset + 2, (int) value);
    }
}
