package dev.nicsim.hw.mem;

import java.util.Map;
import java.util.TreeMap;

/**
 * Hands out aligned blocks of {@link HostMemory} for rings and buffers. First fit over a free list with coalescing;
 * meant for set-up and tear-down, not for per-packet use (drivers allocate their pools once).
 */
public final class DmaAllocator
{
    private final HostMemory memory;
    /* Free blocks, keyed by bus address, valued by size. */
    private final TreeMap<Long, Long> free = new TreeMap<>();
    /* Allocated blocks, keyed by bus address. */
    private final TreeMap<Long, DmaBuffer> allocated = new TreeMap<>();

    public DmaAllocator(final HostMemory memory)
    {
        this.memory = memory;
        free.put(memory.base(), memory.size());
    }

    /**
     * Allocates {@code size} bytes aligned to {@code alignment} (a power of two), zero-filled.
     *
     * @throws IllegalArgumentException for a bad size or alignment
     * @throws IllegalStateException when no free block is large enough
     */
    public DmaBuffer allocate(final long size, final long alignment, final String owner)
    {
        if (size <= 0)
        {
            throw new IllegalArgumentException(owner + ": DMA allocation size must be positive, got " + size);
        }
        if (alignment <= 0 || Long.bitCount(alignment) != 1)
        {
            throw new IllegalArgumentException(owner + ": DMA alignment must be a power of two, got " + alignment);
        }
        for (final Map.Entry<Long, Long> block : free.entrySet())
        {
            final long start = block.getKey();
            final long end = start + block.getValue();
            final long aligned = (start + alignment - 1) & -alignment;
            if (aligned + size <= end)
            {
                free.remove(start);
                if (aligned > start)
                {
                    free.put(start, aligned - start);
                }
                if (aligned + size < end)
                {
                    free.put(aligned + size, end - aligned - size);
                }
                final DmaBuffer buffer = new DmaBuffer(aligned, size, memory.segment(), memory.offset(aligned), owner);
                buffer.memory().asSlice(buffer.offset(), size).fill((byte) 0);
                allocated.put(aligned, buffer);
                return buffer;
            }
        }
        throw new IllegalStateException(owner + ": out of DMA memory: no free block of " + size + " bytes aligned to " +
            alignment + " (" + freeBytes() + " bytes free in " + free.size() + " blocks of " + memory.size() +
            "); give the host more memory");
    }

    /** Returns a buffer to the free list. Freeing a buffer twice, or one not from here, is an error. */
    public void free(final DmaBuffer buffer)
    {
        if (allocated.remove(buffer.busAddress()) != buffer)
        {
            throw new IllegalArgumentException("freeing DMA buffer at 0x" + Long.toHexString(buffer.busAddress()) +
                " (" + buffer.owner() + ") that is not allocated here (double free?)");
        }
        long start = buffer.busAddress();
        long size = buffer.size();
        final Map.Entry<Long, Long> before = free.floorEntry(start);
        if (before != null && before.getKey() + before.getValue() == start)
        {
            start = before.getKey();
            size += before.getValue();
            free.remove(start);
        }
        final Long after = free.get(start + size);
        if (after != null)
        {
            free.remove(start + size);
            size += after;
        }
        free.put(start, size);
    }

    public long freeBytes()
    {
        long total = 0;
        for (final long size : free.values())
        {
            total += size;
        }
        return total;
    }

    public int allocatedCount()
    {
        return allocated.size();
    }
}
