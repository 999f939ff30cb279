package dev.nicsim.driver;

import dev.nicsim.hw.mem.DmaAllocator;
import dev.nicsim.hw.mem.DmaBuffer;
import dev.nicsim.hw.mem.Iommu;

import java.lang.foreign.MemorySegment;

/**
 * A descriptor ring and its buffers, one per descriptor, in host memory from the DMA allocator and mapped in the
 * IOMMU for the device: the ring read-write (the device writes descriptors back), the buffers as the direction
 * needs. Everything is addressed in the host's one segment, by offset, so no slice is made per packet.
 */
class RingMemory
{
    /** Descriptor rings are 128-byte aligned (datasheet §3.4). */
    static final int RING_ALIGNMENT = 128;
    private static final int DESCRIPTOR = 16;

    final int count;
    final int bufferBytes;
    final MemorySegment memory;
    private final DmaBuffer ringBlock;
    private final DmaBuffer buffers;
    private final long ringBus;
    private final long ringOffset;
    private final boolean buffersMapped;

    /**
     * @param misplace  bytes to put the ring past its aligned start (0 for a correct driver)
     * @param mapBuffers whether to map the buffers (false only for a deliberately broken driver)
     */
    RingMemory(final DmaAllocator allocator, final Iommu iommu, final String owner, final int count,
        final int bufferBytes, final Iommu.Access bufferAccess, final int misplace, final boolean mapBuffers)
    {
        this.count = count;
        this.bufferBytes = bufferBytes;
        this.ringBlock = allocator.allocate((long) count * DESCRIPTOR + misplace, RING_ALIGNMENT, owner + " ring");
        this.buffers = allocator.allocate((long) count * bufferBytes, 64, owner + " buffers");
        this.memory = ringBlock.memory();
        this.ringBus = ringBlock.busAddress() + misplace;
        this.ringOffset = ringBlock.offset() + misplace;
        this.buffersMapped = mapBuffers;
        iommu.map(ringBlock, Iommu.Access.READ_WRITE);
        if (mapBuffers)
        {
            iommu.map(buffers, bufferAccess);
        }
    }

    /** The ring's bus address, for the BAL/BAH registers. */
    final long ringAddress()
    {
        return ringBus;
    }

    /** The ring's length in bytes, for the LEN register. */
    final int ringBytes()
    {
        return count * DESCRIPTOR;
    }

    /** Where descriptor {@code index} is in {@link #memory}. */
    final long descriptor(final int index)
    {
        return ringOffset + (long) index * DESCRIPTOR;
    }

    /** Where buffer {@code index} is in {@link #memory}. */
    final long buffer(final int index)
    {
        return buffers.offset() + (long) index * bufferBytes;
    }

    /** Buffer {@code index}'s bus address, for its descriptor. */
    final long bufferAddress(final int index)
    {
        return buffers.busAddress() + (long) index * bufferBytes;
    }

    final int next(final int index)
    {
        return index + 1 == count ? 0 : index + 1;
    }

    final int previous(final int index)
    {
        return index == 0 ? count - 1 : index - 1;
    }

    /** Unmaps and frees ring and buffers: only once the device has quiesced. */
    final void release(final DmaAllocator allocator, final Iommu iommu)
    {
        releaseExtra(allocator, iommu);
        iommu.unmap(ringBlock);
        if (buffersMapped)
        {
            iommu.unmap(buffers);
        }
        allocator.free(ringBlock);
        allocator.free(buffers);
    }

    /** More memory a subclass keeps, released with the ring. */
    void releaseExtra(final DmaAllocator allocator, final Iommu iommu)
    {
    }
}
