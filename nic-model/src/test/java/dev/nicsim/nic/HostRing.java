package dev.nicsim.nic;

import dev.nicsim.hw.mem.DmaBuffer;

/** A descriptor ring and one 2 KiB buffer per descriptor, allocated and mapped in a test host's memory. */
final class HostRing
{
    static final int BUFFER = 2048;

    final int count;
    final DmaBuffer ring;
    final DmaBuffer buffers;

    HostRing(final TestHost host, final int count, final String name)
    {
        this.count = count;
        this.ring = host.mapped((long) count * 16, 128, name + " ring");
        this.buffers = host.mapped((long) count * BUFFER, 64, name + " buffers");
    }

    /** Where descriptor {@code index} is in host memory's segment. */
    long descriptor(final int index)
    {
        return ring.offset() + 16L * index;
    }

    /** Where buffer {@code index} is in host memory's segment. */
    long buffer(final int index)
    {
        return buffers.offset() + (long) BUFFER * index;
    }

    /** Buffer {@code index}'s bus address. */
    long bufferAddress(final int index)
    {
        return buffers.busAddress((long) BUFFER * index);
    }

    int next(final int index)
    {
        return index + 1 == count ? 0 : index + 1;
    }
}
