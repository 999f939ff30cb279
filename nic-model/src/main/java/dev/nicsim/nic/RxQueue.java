package dev.nicsim.nic;

import dev.nicsim.nic.regs.RxDescriptor;

import java.lang.foreign.MemorySegment;

/**
 * An RX queue: its ring registers and fetch engine, and a cache of the buffer addresses it fetched. The
 * {@link RxEngine} takes them in ring order, one per received frame.
 */
final class RxQueue extends DescriptorRing
{
    private final long[] address;
    private final long[] readyAt;
    private int filled;
    private int taken;

    RxQueue(final Nic nic, final int queue)
    {
        super(nic, queue, false);
        address = new long[cacheEntries];
        readyAt = new long[cacheEntries];
    }

    @Override
    int cacheFree()
    {
        return cacheEntries - (filled - taken);
    }

    @Override
    void accept(final MemorySegment staging, final long offset, final long ready)
    {
        final int entry = filled % cacheEntries;
        address[entry] = RxDescriptor.address(staging, offset);
        readyAt[entry] = ready;
        filled++;
    }

    @Override
    void fetched(final long ready)
    {
        nic.rxEngine.wake(ready);
    }

    @Override
    void stopped()
    {
        filled = 0;
        taken = 0;
    }

    /** Whether a cached buffer is usable at {@code now}. */
    boolean hasDescriptor(final long now)
    {
        return taken != filled && readyAt[taken % cacheEntries] <= now;
    }

    /**
     * Whether a buffer is on its way: cached but not usable yet, being fetched, or handed over and not fetched. False
     * means the ring is empty (head equals tail): a frame for it has nowhere to go.
     */
    boolean descriptorComing()
    {
        return taken != filled || fetchBusy || unfetched() > 0;
    }

    /** Takes the next cached buffer; its descriptor is the one at the head. */
    long take()
    {
        final long buffer = address[taken % cacheEntries];
        taken++;
        kick(nic.config.fetchIssueCycles());
        return buffer;
    }
}
