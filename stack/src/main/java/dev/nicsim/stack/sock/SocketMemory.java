package dev.nicsim.stack.sock;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A host's socket buffer memory, as Linux's {@code tcp_mem} accounts it: every byte a socket buffer holds is charged
 * to the host, and past the hard limit ({@code tcp_mem[2]}) a buffer cannot grow: a send waits for memory (EAGAIN
 * when non-blocking, as {@code sk_stream_wait_memory}) and received data is dropped (Linux's {@code TCPRcvQDrop}),
 * while everything already held keeps working.
 *
 * <p>Buffers are native chunks in power-of-two sizes from {@link #MIN_CHUNK} up. A chunk given back is kept for the
 * next buffer that needs its size (up to {@link #RETAIN_BYTES} in all), so a connection that fills and drains its
 * buffers again and again allocates nothing once warm. A chunk the JVM cannot reserve (its direct memory is
 * exhausted) counts as the limit reached, never as a Java error.
 */
public final class SocketMemory
{
    /** The smallest chunk: a buffer holding one byte takes this much (Linux charges an skb's truesize, ~768 B). */
    public static final int MIN_CHUNK = 512;
    /** Chunks kept for reuse, over all sizes; beyond this a chunk given back is left to the garbage collector. */
    public static final long RETAIN_BYTES = 32L << 20;
    private static final int MIN_SHIFT = 9;
    private static final int MAX_SHIFT = 24;

    private final long limit;
    private final MemorySegment[][] free = new MemorySegment[MAX_SHIFT + 1][];
    private final int[] freeCount = new int[MAX_SHIFT + 1];
    private long charged;
    private long retained;
    private long peak;
    private long refusals;

    public SocketMemory(final long limitBytes)
    {
        this.limit = limitBytes;
        for (int shift = MIN_SHIFT; shift <= MAX_SHIFT; shift++)
        {
            free[shift] = new MemorySegment[4];
        }
    }

    /** The chunk size that holds {@code bytes}: a power of two, at least {@link #MIN_CHUNK}. */
    public static int chunkSize(final int bytes)
    {
        return Math.max(MIN_CHUNK, Integer.highestOneBit(Math.max(1, bytes - 1)) << 1);
    }

    /**
     * A chunk of {@link #chunkSize} bytes for a buffer, charged to the host; null when the hard limit (or the
     * JVM's native memory) would be exceeded.
     */
    public MemorySegment take(final int size)
    {
        if (charged + size > limit)
        {
            refusals++;
            return null;
        }
        final int shift = Integer.numberOfTrailingZeros(size);
        MemorySegment chunk;
        if (freeCount[shift] > 0)
        {
            chunk = free[shift][--freeCount[shift]];
            free[shift][freeCount[shift]] = null;
            retained -= size;
        }
        else
        {
            try
            {
                chunk = Arena.ofAuto().allocate(size, 64);
            }
            catch (final OutOfMemoryError exhausted)
            {
                // The JVM's direct memory ran out before the configured limit: the host is out of memory.
                refusals++;
                return null;
            }
        }
        charged += size;
        peak = Math.max(peak, charged);
        return chunk;
    }

    /** Gives back a chunk from {@link #take}. */
    public void give(final MemorySegment chunk)
    {
        final int size = (int) chunk.byteSize();
        charged -= size;
        if (retained + size > RETAIN_BYTES)
        {
            return;
        }
        final int shift = Integer.numberOfTrailingZeros(size);
        if (freeCount[shift] == free[shift].length)
        {
            final MemorySegment[] larger = new MemorySegment[free[shift].length * 2];
            System.arraycopy(free[shift], 0, larger, 0, freeCount[shift]);
            free[shift] = larger;
        }
        free[shift][freeCount[shift]++] = chunk;
        retained += size;
    }

    /** Bytes held by socket buffers now. */
    public long charged()
    {
        return charged;
    }

    /** The most bytes ever held at once. */
    public long peak()
    {
        return peak;
    }

    /** Bytes kept for reuse, not charged to any buffer. */
    public long retained()
    {
        return retained;
    }

    /** Times a buffer could not grow because the limit was reached. */
    public long refusals()
    {
        return refusals;
    }

    public long limit()
    {
        return limit;
    }
}
