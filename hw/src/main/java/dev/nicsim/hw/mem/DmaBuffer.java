package dev.nicsim.hw.mem;

import java.lang.foreign.MemorySegment;

/**
 * A block of host memory handed out by the {@link DmaAllocator}: its bus address (what a device is told) and where it
 * lies in the host's segment (what software uses). Software addresses it as {@code memory()} at
 * {@code offset() + i}: there is deliberately no per-buffer slice, so every access site sees the same segment.
 */
public record DmaBuffer(long busAddress, long size, MemorySegment memory, long offset, String owner)
{
    /** The bus address of byte {@code index} of this buffer. */
    public long busAddress(final long index)
    {
        return busAddress + index;
    }
}
