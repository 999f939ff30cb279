package dev.nicsim.stack.socket;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A socket buffer: a ring of bytes in native memory. Bytes are written at the tail and consumed from the head;
 * {@link #copyOut} reads at any distance from the head without consuming, which is how TCP retransmits from its send
 * buffer. The memory is allocated once, when the socket is first created, and reused by every later socket that
 * takes the same pooled object.
 */
public final class ByteRing
{
    private final MemorySegment memory;
    private final int capacity;
    private long head;
    private int size;

    public ByteRing(final int capacity)
    {
        this.memory = Arena.ofAuto().allocate(capacity, 64);
        this.capacity = capacity;
    }

    public int capacity()
    {
        return capacity;
    }

    public int size()
    {
        return size;
    }

    public int free()
    {
        return capacity - size;
    }

    public boolean isEmpty()
    {
        return size == 0;
    }

    public void clear()
    {
        head = 0;
        size = 0;
    }

    /** Appends up to {@code length} bytes from {@code source}; returns how many fitted. */
    public int write(final MemorySegment source, final long offset, final int length)
    {
        final int count = Math.min(length, free());
        copy(source, offset, true, size, count);
        size += count;
        return count;
    }

    /**
     * Writes {@code length} bytes {@code distance} bytes after the head, beyond the tail, without appending them:
     * where TCP keeps out-of-order data until the gap before it fills ({@link #commitWritten} then appends them).
     */
    public void writeAhead(final int distance, final MemorySegment source, final long offset, final int length)
    {
        if (distance < size || distance + length > capacity)
        {
            throw new IllegalArgumentException("ring of " + capacity + " bytes holding " + size + ": cannot write " +
                length + " bytes at " + distance + " from the head");
        }
        copy(source, offset, true, distance, length);
    }

    /** Copies {@code length} bytes starting {@code distance} bytes after the head into {@code target}. */
    public void copyOut(final int distance, final MemorySegment target, final long offset, final int length)
    {
        copy(target, offset, false, distance, length);
    }

    /** Consumes {@code count} bytes from the head. */
    public void consume(final int count)
    {
        head = (head + count) % capacity;
        size -= count;
    }

    /** Marks {@code count} bytes written in place (after {@link #writableRegionLength()}) as appended. */
    public void commitWritten(final int count)
    {
        size += count;
    }

    /** The memory holding the ring, for zero-copy access through the region methods. */
    public MemorySegment memory()
    {
        return memory;
    }

    /** Where the contiguous readable bytes start in {@link #memory()}. */
    public long readableRegionOffset()
    {
        return head;
    }

    /** How many bytes can be read in place from {@link #readableRegionOffset()} without wrapping. */
    public int readableRegionLength()
    {
        return (int) Math.min(size, capacity - head);
    }

    /** Where the contiguous free space starts in {@link #memory()}. */
    public long writableRegionOffset()
    {
        return (head + size) % capacity;
    }

    /** How many bytes can be written in place from {@link #writableRegionOffset()} without wrapping. */
    public int writableRegionLength()
    {
        final long tail = (head + size) % capacity;
        return (int) Math.min(free(), capacity - tail);
    }

    private void copy(final MemorySegment other, final long otherOffset, final boolean into, final int distance,
        final int length)
    {
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
