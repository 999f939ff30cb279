package dev.nicsim.hw.mem;

import java.util.Arrays;

/**
 * Which host memory devices may touch. Software maps a range (read-only or read-write) before telling a device about
 * it and unmaps it afterwards; a device access that is not entirely inside one mapping is refused before any byte
 * moves. Bus addresses are used as they are (identity translation): the point is protection and fault reporting, not
 * address remapping.
 */
public final class Iommu
{
    /** What a mapping allows. */
    public enum Access
    {
        READ_ONLY, READ_WRITE
    }

    private final HostMemory memory;
    private long[] starts = new long[16];
    private long[] ends = new long[16];
    private boolean[] writable = new boolean[16];
    private String[] owners = new String[16];
    private int count;
    private int lastHit;
    private int previousHit;

    public Iommu(final HostMemory memory)
    {
        this.memory = memory;
    }

    /** Maps {@code [busAddress, busAddress + length)} for device access. Mappings may not overlap. */
    public void map(final long busAddress, final long length, final Access access, final String owner)
    {
        if (!memory.contains(busAddress, length) || length <= 0)
        {
            throw new IllegalArgumentException(owner + ": cannot map [0x" + Long.toHexString(busAddress) + ", +" +
                length + "): not inside host memory");
        }
        final int index = insertionPoint(busAddress);
        if ((index > 0 && ends[index - 1] > busAddress) || (index < count && starts[index] < busAddress + length))
        {
            throw new IllegalArgumentException(owner + ": mapping [0x" + Long.toHexString(busAddress) + ", +" + length +
                ") overlaps an existing mapping");
        }
        if (count == starts.length)
        {
            starts = Arrays.copyOf(starts, count * 2);
            ends = Arrays.copyOf(ends, count * 2);
            writable = Arrays.copyOf(writable, count * 2);
            owners = Arrays.copyOf(owners, count * 2);
        }
        final int tail = count - index;
        System.arraycopy(starts, index, starts, index + 1, tail);
        System.arraycopy(ends, index, ends, index + 1, tail);
        System.arraycopy(writable, index, writable, index + 1, tail);
        System.arraycopy(owners, index, owners, index + 1, tail);
        starts[index] = busAddress;
        ends[index] = busAddress + length;
        writable[index] = access == Access.READ_WRITE;
        owners[index] = owner;
        count++;
    }

    /** Maps a whole DMA buffer. */
    public void map(final DmaBuffer buffer, final Access access)
    {
        map(buffer.busAddress(), buffer.size(), access, buffer.owner());
    }

    /** Removes the mapping that starts at {@code busAddress}. */
    public void unmap(final long busAddress)
    {
        final int index = insertionPoint(busAddress);
        if (index >= count || starts[index] != busAddress)
        {
            throw new IllegalArgumentException("no IOMMU mapping starts at 0x" + Long.toHexString(busAddress));
        }
        final int tail = count - index - 1;
        System.arraycopy(starts, index + 1, starts, index, tail);
        System.arraycopy(ends, index + 1, ends, index, tail);
        System.arraycopy(writable, index + 1, writable, index, tail);
        System.arraycopy(owners, index + 1, owners, index, tail);
        count--;
        owners[count] = null;
    }

    public void unmap(final DmaBuffer buffer)
    {
        unmap(buffer.busAddress());
    }

    public int mappingCount()
    {
        return count;
    }

    /**
     * Checks a device access. Returns null when it is allowed, otherwise the reason it is not (the fault path may
     * allocate; the allowed path does not).
     */
    public String check(final long busAddress, final long length, final boolean write)
    {
        final int index = mappingAt(busAddress);
        if (index < 0 || busAddress + length > ends[index] || length <= 0)
        {
            return "no IOMMU mapping covers [0x" + Long.toHexString(busAddress) + ", +" + length + ")";
        }
        if (write && !writable[index])
        {
            return "write to read-only mapping of " + owners[index];
        }
        return null;
    }

    /*
     * The mapping containing busAddress, or -1. A device alternates between a few mappings (a ring, its buffers), so
     * the last two hits are tried before the search; an index left stale by map/unmap fails the range test.
     */
    private int mappingAt(final long busAddress)
    {
        final int last = lastHit;
        if (last < count && busAddress >= starts[last] && busAddress < ends[last])
        {
            return last;
        }
        final int previous = previousHit;
        final int index = previous < count && busAddress >= starts[previous] && busAddress < ends[previous] ?
            previous : insertionPoint(busAddress + 1) - 1;
        if (index < 0 || busAddress < starts[index] || busAddress >= ends[index])
        {
            return -1;
        }
        previousHit = last;
        lastHit = index;
        return index;
    }

    /* First index whose start is >= busAddress. */
    private int insertionPoint(final long busAddress)
    {
        int low = 0;
        int high = count;
        while (low < high)
        {
            final int mid = (low + high) >>> 1;
            if (starts[mid] < busAddress)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low;
    }
}
