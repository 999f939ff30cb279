package dev.nicsim.nic;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * Deterministic test frames: frame {@code seq} is addressed {@code source -> destination}, carries an experimental
 * EtherType, its sequence number and bytes from a seeded random pattern, and has a length drawn from
 * {@code [minLength, maxLength]}. A receiver rebuilds the expectation from the sequence number alone.
 */
final class FramePattern
{
    static final int ETHERTYPE = 0x88B5;
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort BE_SHORT =
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int PATTERN = 1 << 16;

    private final long seed;
    private final long destination;
    private final long source;
    private final int minLength;
    private final int maxLength;
    private final MemorySegment pattern;
    private final long period;

    FramePattern(final long seed, final long source, final long destination, final int minLength, final int maxLength)
    {
        this(seed, source, destination, minLength, maxLength, Long.MAX_VALUE);
    }

    /** Lengths repeat every {@code period} frames (so every batch of that many is alike). */
    FramePattern(final long seed, final long source, final long destination, final int minLength, final int maxLength,
        final long period)
    {
        this.period = period;
        this.seed = seed;
        this.destination = destination;
        this.source = source;
        this.minLength = minLength;
        this.maxLength = maxLength;
        final byte[] bytes = new byte[PATTERN + 2048];
        new SplittableRandom(seed).nextBytes(bytes);
        this.pattern = MemorySegment.ofArray(bytes);
    }

    int length(final long seq)
    {
        return minLength + (int) Long.remainderUnsigned(mix(seq % period), maxLength - minLength + 1);
    }

    void write(final MemorySegment memory, final long offset, final long seq)
    {
        final int length = length(seq);
        putAddress(memory, offset, destination);
        putAddress(memory, offset + 6, source);
        memory.set(BE_SHORT, offset + 12, (short) ETHERTYPE);
        memory.set(BE_INT, offset + 14, (int) seq);
        MemorySegment.copy(pattern, patternStart(seq), memory, offset + 18, length - 18);
    }

    /** Whether the {@code length} bytes at {@code offset} are exactly frame {@code seq}. */
    boolean matches(final MemorySegment memory, final long offset, final int length, final long seq)
    {
        if (length != length(seq) || address(memory, offset) != destination || address(memory, offset + 6) != source ||
            memory.get(BE_SHORT, offset + 12) != (short) ETHERTYPE || memory.get(BE_INT, offset + 14) != (int) seq)
        {
            return false;
        }
        final long start = patternStart(seq);
        return MemorySegment.mismatch(memory, offset + 18, offset + length, pattern, start, start + length - 18) < 0;
    }

    private long patternStart(final long seq)
    {
        return (mix(seq) >>> 20) & (PATTERN - 1);
    }

    private long mix(final long seq)
    {
        long z = seed + seq * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static void putAddress(final MemorySegment memory, final long offset, final long address)
    {
        memory.set(BE_INT, offset, (int) (address >>> 16));
        memory.set(BE_SHORT, offset + 4, (short) address);
    }

    private static long address(final MemorySegment memory, final long offset)
    {
        return (memory.get(BE_INT, offset) & 0xFFFF_FFFFL) << 16 | (memory.get(BE_SHORT, offset + 4) & 0xFFFF);
    }
}
