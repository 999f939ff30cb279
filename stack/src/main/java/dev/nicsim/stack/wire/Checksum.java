package dev.nicsim.stack.wire;

import java.lang.foreign.MemorySegment;

/**
 * The internet checksum (RFC 1071): the ones' complement of the ones'-complement sum of 16-bit words. The sum is
 * taken 8 bytes at a time: each 64-bit big-endian word adds its two 32-bit halves to a 64-bit accumulator, which
 * cannot overflow for any packet length, and the accumulator is folded to 16 bits once at the end.
 *
 * <p>Partial sums are "unfolded-safe" ints in [0, 0xFFFF]: they combine with {@link #add} and {@link #subtract}, so a
 * receiver can take a device's raw sum of a whole IP packet and remove the IP header and padding from it.
 */
public final class Checksum
{
    private Checksum()
    {
    }

    /** The 16-bit ones'-complement sum of {@code length} bytes, added to {@code initial} (also a 16-bit sum). */
    public static int sum(final MemorySegment segment, final long offset, final int length, final int initial)
    {
        long acc = initial;
        long at = offset;
        final long end = offset + length;
        while (end - at >= 8)
        {
            final long word = segment.get(Bytes.U64, at);
            acc += (word >>> 32) + (word & 0xFFFF_FFFFL);
            at += 8;
        }
        // The last 0-7 bytes one at a time, through one access site that every call with a tail runs, instead of a
        // 4-, 2- and 1-byte read that only some lengths reach (JFR put 12 % of HandshakeBenchmark.stackOnly's
        // samples in one such cold 2-byte read of Ethernet padding, called out of line).
        for (int shift = 8; at < end; at++, shift ^= 8)
        {
            acc += (long) Bytes.u8(segment, at) << shift;
        }
        return fold(acc);
    }

    /** Folds a wide accumulator to a 16-bit ones'-complement sum. */
    public static int fold(long acc)
    {
        acc = (acc & 0xFFFF_FFFFL) + (acc >>> 32);
        acc = (acc & 0xFFFF_FFFFL) + (acc >>> 32);
        acc = (acc & 0xFFFF) + (acc >>> 16);
        acc = (acc & 0xFFFF) + (acc >>> 16);
        return (int) acc;
    }

    public static int add(final int a, final int b)
    {
        return fold((long) a + b);
    }

    /** Ones'-complement subtraction: removes {@code b}'s contribution from {@code a}. */
    public static int subtract(final int a, final int b)
    {
        return fold((long) a + (~b & 0xFFFF));
    }

    /**
     * Removes from {@code sum}, taken over {@code length} bytes at {@code start}, the bytes after the first
     * {@code used}: what a device summed beyond the end of a packet (Ethernet padding, trailing bytes). When
     * {@code used} is odd those bytes sit at odd positions of the summed block, so their sum is byte-swapped before it
     * is taken out, as Linux's {@code csum_block_sub} does.
     */
    public static int subtractTail(final int sum, final MemorySegment segment, final long start, final int used,
        final int length)
    {
        if (used >= length)
        {
            return sum;
        }
        int tail = sum(segment, start + used, length - used, 0);
        if ((used & 1) != 0)
        {
            tail = ((tail << 8) | (tail >>> 8)) & 0xFFFF;
        }
        return subtract(sum, tail);
    }

    /** The value to store in a checksum field: the complement of the sum. */
    public static int finish(final int sum)
    {
        return ~sum & 0xFFFF;
    }

    /** Sum of the TCP/UDP pseudo-header: source, destination, protocol and transport length. */
    public static int pseudoHeader(final int source, final int destination, final int protocol, final int length)
    {
        final long acc = (source >>> 16) + (source & 0xFFFF) + (destination >>> 16) + (destination & 0xFFFF) +
            protocol + length;
        return fold(acc);
    }

    /** True when a received block including its checksum field sums to 0xFFFF (the complement of zero). */
    public static boolean verifies(final int sum)
    {
        return sum == 0xFFFF;
    }
}
