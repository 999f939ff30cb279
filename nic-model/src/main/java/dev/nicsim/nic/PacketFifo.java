package dev.nicsim.nic;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * A packet FIFO between the core and the MAC: on-chip memory of a given depth in bytes. Frames occupy slots of
 * {@code slotBytes} (one frame each, never wrapping), and the bytes they hold count against the depth; a frame also
 * needs a free slot, and there are {@code depth / 64} of them. Who stores what, and in which order frames leave, is the
 * blocks' business: the FIFO only keeps the memory and the accounting.
 */
final class PacketFifo
{
    private final MemorySegment storage;
    private final ByteBuffer view;
    private final CRC32 crc = new CRC32();
    private final int slotBytes;
    private final int depth;
    private final int[] freeSlots;
    private final boolean[] allocated;
    private int freeCount;
    private int usedBytes;
    private int peakBytes;

    PacketFifo(final int depth, final int slotBytes)
    {
        this.depth = depth;
        this.slotBytes = slotBytes;
        final int slots = Math.max(1, depth / 64);
        this.storage = Arena.ofAuto().allocate((long) slots * slotBytes, 64);
        this.view = storage.asByteBuffer();
        this.freeSlots = new int[slots];
        this.allocated = new boolean[slots];
        reset(null);
    }

    /** The FIFO's memory; slot {@code s} starts at {@link #offset(int)}. */
    MemorySegment storage()
    {
        return storage;
    }

    /**
     * The CRC-32 (the Ethernet FCS) of {@code length} bytes at {@code offset}, by the JDK's intrinsic through one
     * reusable buffer view of the FIFO's memory.
     */
    int crc32(final long offset, final int length)
    {
        view.clear();
        view.position((int) offset);
        view.limit((int) offset + length);
        crc.reset();
        crc.update(view);
        return (int) crc.getValue();
    }

    long offset(final int slot)
    {
        return (long) slot * slotBytes;
    }

    int slots()
    {
        return freeSlots.length;
    }

    /** Whether a frame of {@code bytes} would get a slot and room now. */
    boolean fits(final int bytes)
    {
        return freeCount > 0 && usedBytes + bytes <= depth;
    }

    /** A free slot, or -1 when every slot holds a frame. */
    int allocate()
    {
        if (freeCount == 0)
        {
            return -1;
        }
        final int slot = freeSlots[--freeCount];
        allocated[slot] = true;
        return slot;
    }

    /** Claims {@code bytes} of the depth; false (and nothing claimed) when they do not fit. */
    boolean reserve(final int bytes)
    {
        if (usedBytes + bytes > depth)
        {
            return false;
        }
        usedBytes += bytes;
        peakBytes = Math.max(peakBytes, usedBytes);
        return true;
    }

    void releaseBytes(final int bytes)
    {
        usedBytes -= bytes;
    }

    void free(final int slot)
    {
        allocated[slot] = false;
        freeSlots[freeCount++] = slot;
    }

    boolean isAllocated(final int slot)
    {
        return allocated[slot];
    }

    /** Bytes held. */
    int level()
    {
        return usedBytes;
    }

    /** The most bytes held at once since the device was built (a high-water mark, for experiments and tests). */
    int peak()
    {
        return peakBytes;
    }

    /** Empties the FIFO, except the slots {@code keep} marks (a transfer still lands in them). */
    void reset(final boolean[] keep)
    {
        usedBytes = 0;
        freeCount = 0;
        for (int slot = freeSlots.length - 1; slot >= 0; slot--)
        {
            if (keep == null || !keep[slot] || !allocated[slot])
            {
                allocated[slot] = false;
                freeSlots[freeCount++] = slot;
            }
        }
    }
}
