package dev.nicsim.nic;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The internet checksum's arithmetic, as the checksum unit computes it: the 16-bit ones'-complement sum of big-endian
 * words, an odd last byte padded with zero. Sums 8 bytes per step in the machine's own byte order, into two 32-bit
 * lanes (2^16 = 1 modulo 0xFFFF makes a 32-bit sum fold to the same result as the 16-bit one), and swaps the folded
 * result's bytes on a little-endian machine: the sum is byte-order independent (RFC 1071 section 2(B)). A loop of
 * plain native loads with independent lanes is one the JIT vectorizes; big-endian loads (a byte swap each) and one
 * dependent sum made it ten times slower, the NIC model's largest cost per full-size frame.
 */
final class OnesComplement
{
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort SHORT_NATIVE = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private OnesComplement()
    {
    }

    /** The raw (not complemented) sum of {@code length} bytes at {@code offset}, in 0 .. 0xFFFF. */
    static int sum(final MemorySegment memory, final long offset, final int length)
    {
        long low = 0;
        long high = 0;
        final int words = length >>> 3;
        for (int i = 0; i < words; i++)
        {
            final long word = memory.get(LONG, offset + 8L * i);
            low += word & 0xFFFF_FFFFL;
            high += word >>> 32;
        }
        long sum = low + high;
        long at = offset + 8L * words;
        final long end = offset + length;
        if (end - at >= 4)
        {
            sum += memory.get(INT, at) & 0xFFFF_FFFFL;
            at += 4;
        }
        if (end - at >= 2)
        {
            sum += memory.get(SHORT_NATIVE, at) & 0xFFFF;
            at += 2;
        }
        if (end - at == 1)
        {
            // The odd byte is the high half of its big-endian word, the low half of a little-endian one.
            final int last = memory.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
            sum += LITTLE_ENDIAN ? last : last << 8;
        }
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return LITTLE_ENDIAN ? Integer.reverseBytes((int) sum) >>> 16 : (int) sum;
    }

    /** Stores the complement of {@code sum} big-endian at {@code offset}: an inserted checksum. */
    static void store(final MemorySegment memory, final long offset, final int sum)
    {
        memory.set(SHORT, offset, (short) ~sum);
    }
}
