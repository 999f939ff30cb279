package dev.nicsim.nic;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The internet checksum's arithmetic, as the checksum unit computes it: the 16-bit ones'-complement sum of big-endian
 * words, an odd last byte padded with zero. Sums 8 bytes per step (two 32-bit halves; 2^16 = 1 modulo 0xFFFF makes a
 * 32-bit sum fold to the same result as the 16-bit one).
 */
final class OnesComplement
{
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private OnesComplement()
    {
    }

    /** The raw (not complemented) sum of {@code length} bytes at {@code offset}, in 0 .. 0xFFFF. */
    static int sum(final MemorySegment memory, final long offset, final int length)
    {
        long sum = 0;
        long at = offset;
        final long end = offset + length;
        while (end - at >= 8)
        {
            final long word = memory.get(LONG, at);
            sum += (word >>> 32) + (word & 0xFFFF_FFFFL);
            at += 8;
        }
        if (end - at >= 4)
        {
            sum += memory.get(INT, at) & 0xFFFF_FFFFL;
            at += 4;
        }
        if (end - at >= 2)
        {
            sum += memory.get(SHORT, at) & 0xFFFF;
            at += 2;
        }
        if (end - at == 1)
        {
            sum += (memory.get(ValueLayout.JAVA_BYTE, at) & 0xFF) << 8;
        }
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** Stores the complement of {@code sum} big-endian at {@code offset}: an inserted checksum. */
    static void store(final MemorySegment memory, final long offset, final int sum)
    {
        memory.set(SHORT, offset, (short) ~sum);
    }
}
