package dev.nicsim.hw.mem;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A host's physical memory: one {@link MemorySegment}, allocated once at start-up, seen on the bus at
 * {@code [base, base + size)}. Software (driver, stack) reads and writes it directly; devices reach it only through
 * the PCIe {@code DmaEngine}, which goes through the {@link Iommu}.
 *
 * <p>Bus address 0 is never valid: the default base is 4 GiB, so a forgotten address register faults instead of
 * silently hitting memory.
 */
public final class HostMemory
{
    public static final long DEFAULT_BASE = 0x1_0000_0000L;

    private final MemorySegment segment;
    private final long base;
    private final long size;

    public HostMemory(final long size)
    {
        this(DEFAULT_BASE, size);
    }

    public HostMemory(final long base, final long size)
    {
        if (size <= 0 || (size & 4095) != 0)
        {
            throw new IllegalArgumentException("host memory size must be a positive multiple of 4096 bytes, got " +
                size);
        }
        if (base <= 0 || (base & 4095) != 0)
        {
            throw new IllegalArgumentException("host memory base must be a positive, 4 KiB-aligned bus address, got 0x" +
                Long.toHexString(base));
        }
        this.base = base;
        this.size = size;
        this.segment = reserve(size);
    }

    /* Native memory counts against the JVM's direct-memory limit; running out is a start-up error, not a crash. */
    private static MemorySegment reserve(final long size)
    {
        try
        {
            return Arena.ofAuto().allocate(size, 4096);
        }
        catch (final OutOfMemoryError e)
        {
            throw new IllegalStateException("cannot reserve " + (size >> 20) + " MiB of host memory (" +
                e.getMessage() + "); configure less, or give the JVM more with -XX:MaxDirectMemorySize", e);
        }
    }

    /** The whole of memory. Index it with {@link #offset(long)}. */
    public MemorySegment segment()
    {
        return segment;
    }

    public long base()
    {
        return base;
    }

    public long size()
    {
        return size;
    }

    public boolean contains(final long busAddress, final long length)
    {
        return length >= 0 && busAddress >= base && busAddress - base <= size - length;
    }

    /** The segment offset of a bus address. */
    public long offset(final long busAddress)
    {
        if (busAddress < base || busAddress - base >= size)
        {
            throw new IllegalArgumentException("bus address 0x" + Long.toHexString(busAddress) +
                " is outside host memory [0x" + Long.toHexString(base) + ", 0x" + Long.toHexString(base + size) + ")");
        }
        return busAddress - base;
    }
}
