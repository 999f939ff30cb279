package dev.nicsim.hw.pcie;

import dev.nicsim.hw.mem.HostMemory;
import dev.nicsim.hw.mem.Iommu;
import dev.nicsim.hw.sim.Simulator;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a host's PCIe devices meet its memory and CPU: host memory behind the {@link Iommu}, the
 * {@link InterruptController}, and the MMIO window in which device BARs are placed.
 */
public final class RootComplex
{
    /** Device BARs are placed from here up, below the MSI window and below host memory (which starts at 4 GiB). */
    public static final long MMIO_WINDOW_BASE = 0xE000_0000L;
    public static final long MMIO_WINDOW_END = 0xFEC0_0000L;

    private record Bar(long base, long size, String owner)
    {
    }

    private final Simulator sim;
    private final HostMemory memory;
    private final Iommu iommu;
    private final InterruptController interrupts;
    private final List<Bar> bars = new ArrayList<>();
    private long nextBar = MMIO_WINDOW_BASE;

    public RootComplex(final Simulator sim, final HostMemory memory, final Iommu iommu,
        final InterruptController interrupts)
    {
        if (memory.base() < MMIO_WINDOW_END && memory.base() + memory.size() > MMIO_WINDOW_BASE)
        {
            throw new IllegalArgumentException("host memory overlaps the MMIO window [0xE0000000, 0xFEC00000)");
        }
        this.sim = sim;
        this.memory = memory;
        this.iommu = iommu;
        this.interrupts = interrupts;
    }

    public Simulator sim()
    {
        return sim;
    }

    public HostMemory memory()
    {
        return memory;
    }

    public Iommu iommu()
    {
        return iommu;
    }

    public InterruptController interrupts()
    {
        return interrupts;
    }

    /** Places a BAR of {@code size} bytes (a power of two) in the MMIO window, naturally aligned. */
    public long assignBar(final long size, final String owner)
    {
        if (size < 4096 || Long.bitCount(size) != 1)
        {
            throw new IllegalArgumentException(owner + ": BAR size must be a power of two of at least 4096, got " + size);
        }
        final long base = (nextBar + size - 1) & -size;
        if (base + size > MMIO_WINDOW_END)
        {
            throw new IllegalStateException(owner + ": no room for a " + size + "-byte BAR in the MMIO window");
        }
        nextBar = base + size;
        bars.add(new Bar(base, size, owner));
        return base;
    }

    /** The device whose BAR contains {@code address}, or null. */
    public String barOwnerAt(final long address)
    {
        // Every DMA asks, and host memory lies above the window: most answers need no look at the BARs.
        if (address < MMIO_WINDOW_BASE || address >= nextBar)
        {
            return null;
        }
        for (int i = 0; i < bars.size(); i++)
        {
            final Bar bar = bars.get(i);
            if (address >= bar.base() && address < bar.base() + bar.size())
            {
                return bar.owner();
            }
        }
        return null;
    }

    /**
     * A device sends an MSI message that will land at {@code at}: the interrupt controller takes it now, the time
     * of landing with it (no event for the landing). The link's order puts it behind the device's earlier writes.
     */
    public void messageLandsAt(final long address, final int data, final long at)
    {
        interrupts.deliverAt(address, data, at);
    }

    /**
     * A posted write from a device has arrived: an MSI message if aimed at the MSI window, otherwise a memory write.
     * Memory writes were checked by the IOMMU when issued.
     */
    public void postedWriteArrived(final long address, final MemorySegment data, final long dataOffset,
        final int length)
    {
        if (InterruptController.isMsiAddress(address))
        {
            interrupts.deliver(address, data.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, dataOffset));
        }
        else
        {
            MemorySegment.copy(data, dataOffset, memory.segment(), memory.offset(address), length);
        }
    }
}
