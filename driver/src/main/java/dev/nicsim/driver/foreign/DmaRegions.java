package dev.nicsim.driver.foreign;

import dev.nicsim.hw.mem.DmaBuffer;

import java.util.Arrays;

/**
 * The DMA memory a C driver holds, so that every pointer or bus address it hands the host is checked against what it
 * really allocated: sorted by bus address, with how many IOMMU mappings each block has. Lookups are binary searches
 * over primitive arrays and allocate nothing (they run per frame).
 */
final class DmaRegions
{
    private long[] starts = new long[16];
    private long[] ends = new long[16];
    private int[] mappings = new int[16];
    private DmaBuffer[] buffers = new DmaBuffer[16];
    private int count;

    void add(final DmaBuffer buffer)
    {
        final int index = insertionPoint(buffer.busAddress());
        if (count == starts.length)
        {
            starts = Arrays.copyOf(starts, count * 2);
            ends = Arrays.copyOf(ends, count * 2);
            mappings = Arrays.copyOf(mappings, count * 2);
            buffers = Arrays.copyOf(buffers, count * 2);
        }
        final int tail = count - index;
        System.arraycopy(starts, index, starts, index + 1, tail);
        System.arraycopy(ends, index, ends, index + 1, tail);
        System.arraycopy(mappings, index, mappings, index + 1, tail);
        System.arraycopy(buffers, index, buffers, index + 1, tail);
        starts[index] = buffer.busAddress();
        ends[index] = buffer.busAddress() + buffer.size();
        mappings[index] = 0;
        buffers[index] = buffer;
        count++;
    }

    void remove(final int index)
    {
        final int tail = count - index - 1;
        System.arraycopy(starts, index + 1, starts, index, tail);
        System.arraycopy(ends, index + 1, ends, index, tail);
        System.arraycopy(mappings, index + 1, mappings, index, tail);
        System.arraycopy(buffers, index + 1, buffers, index, tail);
        count--;
        buffers[count] = null;
    }

    /** The block holding all of {@code [bus, bus + length)}, or -1. */
    int find(final long bus, final long length)
    {
        final int index = insertionPoint(bus + 1) - 1;
        return index >= 0 && length >= 0 && bus >= starts[index] && bus + length <= ends[index] ? index : -1;
    }

    /** The block starting exactly at {@code bus}, or -1. */
    int startingAt(final long bus)
    {
        final int index = insertionPoint(bus + 1) - 1;
        return index >= 0 && starts[index] == bus ? index : -1;
    }

    DmaBuffer buffer(final int index)
    {
        return buffers[index];
    }

    int mappings(final int index)
    {
        return mappings[index];
    }

    void addMapping(final int index, final int delta)
    {
        mappings[index] += delta;
    }

    int count()
    {
        return count;
    }

    /* The first index whose start is at least {@code bus}. */
    private int insertionPoint(final long bus)
    {
        int low = 0;
        int high = count;
        while (low < high)
        {
            final int middle = (low + high) >>> 1;
            if (starts[middle] < bus)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }
}
