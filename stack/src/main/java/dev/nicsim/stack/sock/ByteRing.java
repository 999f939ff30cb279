package dev.nicsim.stack.sock;

import java.lang.foreign.MemorySegment;

/**
 * A socket buffer: a ring of bytes in native memory. Bytes are written at the tail and consumed from the head;
 * {@link #copyOut} reads at any distance from the head without consuming, which is how TCP retransmits from its send
 * buffer.
 *
 * <p>The ring holds no memory until the first byte arrives, and grows by doubling up to its limit (SO_SNDBUF /
 * SO_RCVBUF, as Linux's {@code tcp_rmem}/{@code tcp_wmem} autotuning grows a buffer with what it holds). Each chunk
 * comes from the host's {@link SocketMemory}; once the ring is empty again the chunk goes back, so an idle connection
 * holds no buffer memory. When the host's memory is exhausted the ring does not grow: a write takes only what fits.
 */
public final class ByteRing
{
    private final SocketMemory host;
    /** The stack's configured size: what a socket starts with. */
    private final int defaultLimit;
    /** SO_SNDBUF/SO_RCVBUF: the most bytes the ring may hold. */
    private int limit;
    private MemorySegment memory = MemorySegment.NULL;
    /** Bytes of the chunk held now: the ring's modulus (0 while it holds no memory). */
    private int capacity;
    private long head;
    private int size;
    /** Bytes from the head that hold data: the appended ones and any written ahead of the tail. */
    private int extent;

    public ByteRing(final SocketMemory host, final int limit)
    {
        this.host = host;
        this.defaultLimit = limit;
        this.limit = limit;
    }

    /**
     * Sets the most bytes the ring may hold (setsockopt SO_SNDBUF/SO_RCVBUF). Bytes already held above a lower limit
     * stay; nothing more is taken until the ring is below it again.
     */
    public void setLimit(final int bytes)
    {
        limit = bytes;
    }

    /** Back to the stack's configured size, for a socket taken afresh from the pool. */
    public void resetLimit()
    {
        limit = defaultLimit;
    }

    /** The most bytes the ring can hold: its SO_SNDBUF/SO_RCVBUF. */
    public int capacity()
    {
        return limit;
    }

    /** Native bytes the ring holds now (0 while empty). */
    public int allocated()
    {
        return capacity;
    }

    public int size()
    {
        return size;
    }

    public int free()
    {
        return Math.max(0, limit - size);
    }

    public boolean isEmpty()
    {
        return size == 0;
    }

    public void clear()
    {
        head = 0;
        size = 0;
        extent = 0;
        release();
    }

    /**
     * Makes room for {@code bytes} from the head, growing the chunk (by doubling) within the limit and the host's
     * memory. Returns false when it cannot.
     */
    public boolean ensure(final int bytes)
    {
        if (bytes <= capacity)
        {
            return true;
        }
        if (bytes > limit)
        {
            return false;
        }
        final MemorySegment chunk = host.take(SocketMemory.chunkSize(bytes));
        if (chunk == null)
        {
            return false;
        }
        if (extent > 0)
        {
            copy(chunk, 0, false, 0, extent);
        }
        if (capacity > 0)
        {
            host.give(memory);
        }
        memory = chunk;
        capacity = (int) chunk.byteSize();
        head = 0;
        return true;
    }

    private void release()
    {
        if (capacity > 0)
        {
            host.give(memory);
            memory = MemorySegment.NULL;
            capacity = 0;
            head = 0;
        }
    }

    /** Appends up to {@code length} bytes from {@code source}; returns how many fitted (in the limit and memory). */
    public int write(final MemorySegment source, final long offset, final int length)
    {
        int count = Math.min(length, free());
        if (count > 0 && !ensure(size + count))
        {
            count = capacity - size;
        }
        if (count <= 0)
        {
            return 0;
        }
        copy(source, offset, true, size, count);
        size += count;
        extent = Math.max(extent, size);
        return count;
    }

    /**
     * Writes {@code length} bytes {@code distance} bytes after the head, beyond the tail, without appending them:
     * where TCP keeps out-of-order data until the gap before it fills ({@link #commitWritten} then appends them).
     * Returns false, writing nothing, when the host's memory cannot hold them.
     */
    public boolean writeAhead(final int distance, final MemorySegment source, final long offset, final int length)
    {
        if (distance < size || distance + length > limit)
        {
            throw new IllegalArgumentException("ring of " + limit + " bytes holding " + size + ": cannot write " +
                length + " bytes at " + distance + " from the head");
        }
        if (!ensure(distance + length))
        {
            return false;
        }
        copy(source, offset, true, distance, length);
        extent = Math.max(extent, distance + length);
        return true;
    }

    /** Copies {@code length} bytes starting {@code distance} bytes after the head into {@code target}. */
    public void copyOut(final int distance, final MemorySegment target, final long offset, final int length)
    {
        copy(target, offset, false, distance, length);
    }

    /** Consumes {@code count} bytes from the head; an emptied ring gives its memory back. */
    public void consume(final int count)
    {
        if (count == 0)
        {
            return;
        }
        head = (head + count) % capacity;
        size -= count;
        extent = Math.max(size, extent - count);
        if (extent == 0)
        {
            release();
        }
    }

    /** Appends the first {@code count} bytes written ahead of the tail ({@link #writeAhead}): a filled gap. */
    public void commitWritten(final int count)
    {
        size += count;
        extent = Math.max(extent, size);
    }

    private void copy(final MemorySegment other, final long otherOffset, final boolean into, final int distance,
        final int length)
    {
        if (length == 0)
        {
            return;
        }
        final long start = (head + distance) % capacity;
        final int first = (int) Math.min(length, capacity - start);
        transfer(other, otherOffset, into, start, first);
        if (first < length)
        {
            transfer(other, otherOffset + first, into, 0, length - first);
        }
    }

    private void transfer(final MemorySegment other, final long otherOffset, final boolean into, final long at,
        final int length)
    {
        if (into)
        {
            MemorySegment.copy(other, otherOffset, memory, at, length);
        }
        else
        {
            MemorySegment.copy(memory, at, other, otherOffset, length);
        }
    }
}
