package dev.nicsim.nic;

import dev.nicsim.hw.pcie.device.DmaClient;
import dev.nicsim.hw.pcie.device.DmaEngine;
import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.trace.EventTrace;
import dev.nicsim.nic.regs.Counters;
import dev.nicsim.nic.regs.NicErrors;
import dev.nicsim.nic.regs.QueueRegisters;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * What TX and RX queues share: the queue's register block (datasheet §3.4) and its descriptor fetch engine.
 *
 * <p>The fetch engine reads the descriptors software has handed over (fetch position up to tail) into the queue's
 * on-chip cache, up to {@link NicConfig#descriptorPrefetch()} per DMA read, one read in flight at a time. Its
 * subclasses say what a fetched descriptor becomes ({@link #accept}) and who consumes the cache.
 *
 * <p>Stopping a queue (disable, halt, reset) bumps its generation: completions of transfers issued before come back
 * with an old generation in their tag and are ignored. The fetch staging buffer stays busy until its read returns, so
 * a stale read can never land on a newer one.
 */
abstract class DescriptorRing implements DmaClient
{
    final Nic nic;
    final int queue;
    final boolean tx;
    /** "TX queue 0" or "RX queue 0", for messages. */
    final String label;
    final int cacheEntries;

    private int baseLow;
    private int baseHigh;
    private int lengthBytes;
    private int head;
    private int tail;
    boolean enabled;
    boolean halted;
    int generation;

    private int fetchPosition;
    boolean fetchBusy;
    private int fetchCount;
    private final MemorySegment fetchStaging;
    private final Event fetchEvent;

    DescriptorRing(final Nic nic, final int queue, final boolean tx)
    {
        this.nic = nic;
        this.queue = queue;
        this.tx = tx;
        this.label = (tx ? "TX" : "RX") + " queue " + queue;
        this.cacheEntries = nic.config.descriptorCacheEntries();
        this.fetchStaging = Arena.ofAuto().allocate((long) nic.config.descriptorPrefetch() * 16, 64);
        this.fetchEvent = new Event(nic.name + (tx ? ".tx" : ".rx") + queue + ".fetch", Component.NIC_PIPELINE,
            this::issueFetch);
    }

    /** Descriptors the cache has room for. */
    abstract int cacheFree();

    /** One fetched descriptor, at {@code offset} in {@code staging}, usable from {@code readyAt}. */
    abstract void accept(MemorySegment staging, long offset, long readyAt);

    /** A batch of descriptors has been accepted: the consumer may go on at {@code readyAt}. */
    abstract void fetched(long readyAt);

    /** The queue stops: cached descriptors are forgotten and work in progress is dropped. */
    abstract void stopped();

    /** Whether the fetch engine may run besides the queue being enabled (TX waits for TCTL.EN). */
    boolean fetchAllowed()
    {
        return true;
    }

    final int count()
    {
        return lengthBytes / 16;
    }

    final long base()
    {
        return (long) baseHigh << 32 | (baseLow & 0xFFFF_FFFFL);
    }

    final int head()
    {
        return head;
    }

    /** Whether the queue takes work: enabled and not halted. */
    final boolean active()
    {
        return enabled && !halted;
    }

    /** Descriptors software has handed over that the device has not fetched yet. */
    final int unfetched()
    {
        final int count = count();
        return count == 0 ? 0 : (tail - fetchPosition + count) % count;
    }

    /** The head moves past one completed descriptor. */
    final void advanceHead()
    {
        head = head + 1 == count() ? 0 : head + 1;
        if (nic.signals != null)
        {
            (tx ? nic.signals.txHead : nic.signals.rxHead)[queue].set(nic.sim.now(), head);
        }
    }

    /** Starts a fetch {@code cycles} core cycles after the next edge, if there is anything to fetch and room. */
    final void kick(final int cycles)
    {
        if (canFetch() && !fetchEvent.isScheduled())
        {
            nic.sim.schedule(fetchEvent, nic.core.edgeAfter(nic.sim.now(), cycles));
        }
    }

    /**
     * A fetch waits until the cache has room for the whole burst it would read: everything handed over, up to
     * {@link NicConfig#descriptorPrefetch()} and the ring's end. So an idle queue fetches a lone descriptor at once,
     * and a busy one refills its cache a burst at a time instead of one descriptor per DMA read.
     */
    private int burst()
    {
        return Math.min(unfetched(), Math.min(nic.config.descriptorPrefetch(), count() - fetchPosition));
    }

    /**
     * Whether the cache's consumer cannot go on without descriptors not fetched yet: then a fetch takes what fits
     * instead of waiting for room for a whole burst, which might only come once the consumer goes on.
     */
    boolean starved()
    {
        return false;
    }

    private boolean canFetch()
    {
        if (!enabled || halted || fetchBusy || !fetchAllowed() || !nic.dmaAllowed())
        {
            return false;
        }
        final int burst = burst();
        final int free = cacheFree();
        return burst > 0 && (burst <= free || free > 0 && starved());
    }

    private void issueFetch()
    {
        if (!canFetch())
        {
            return;
        }
        final int n = Math.min(burst(), cacheFree());
        nic.stats.add(tx ? Counters.TDFETCH : Counters.RDFETCH, n);
        fetchBusy = true;
        fetchCount = n;
        final long address = base() + (long) fetchPosition * 16;
        if (nic.trace.enabled())
        {
            nic.trace.add(nic.sim.now(), nic.name, EventTrace.Kind.DMA, label + ": fetch descriptors " +
                fetchPosition + ".." + (fetchPosition + n - 1) + ", read " + n * 16 + " B at 0x" +
                Long.toHexString(address));
        }
        nic.errors.dmaContext("descriptor fetch", this, fetchPosition);
        nic.dma.read(address, n * 16, fetchStaging, 0, this, generation);
    }

    /** The descriptor read has completed. */
    @Override
    public final void dmaComplete(final int tag, final int status)
    {
        fetchBusy = false;
        if (tag != generation)
        {
            // A read from before the queue stopped: its consumer may have been waiting on it.
            fetched(nic.core.nextEdge(nic.sim.now()));
            kick(nic.config.fetchIssueCycles());
            return;
        }
        if (status != DmaEngine.OK)
        {
            halt();
            return;
        }
        final long readyAt = nic.core.nextEdge(nic.sim.now());
        for (int i = 0; i < fetchCount; i++)
        {
            accept(fetchStaging, i * 16L, readyAt);
        }
        fetchPosition = (fetchPosition + fetchCount) % count();
        fetched(readyAt);
        kick(nic.config.fetchIssueCycles());
    }

    /** A transfer of this queue faulted (silicon mode): the queue stops until software re-enables it. */
    final void halt()
    {
        halted = true;
        stop();
    }

    /* Registers. */

    final int read(final int register)
    {
        return switch (register)
        {
            case QueueRegisters.BAL -> baseLow;
            case QueueRegisters.BAH -> baseHigh;
            case QueueRegisters.LEN -> lengthBytes;
            case QueueRegisters.HEAD -> head;
            case QueueRegisters.TAIL -> tail;
            default -> (enabled ? QueueRegisters.DCTL_ENABLE : 0) | (halted ? QueueRegisters.DCTL_QERR : 0);
        };
    }

    final void write(final int offset, final int register, final int value)
    {
        switch (register)
        {
            case QueueRegisters.BAL -> writeBaseLow(offset, value);
            case QueueRegisters.BAH ->
            {
                if (ringUnlocked(offset, value))
                {
                    baseHigh = value;
                }
            }
            case QueueRegisters.LEN -> writeLength(offset, value);
            case QueueRegisters.HEAD -> nic.errors.queueRegister(NicErrors.REG_READ_ONLY, this, offset, value,
                "the head moves only as the device completes descriptors");
            case QueueRegisters.TAIL -> writeTail(offset, value);
            default -> writeControl(offset, value);
        }
    }

    private void writeBaseLow(final int offset, final int value)
    {
        if (!ringUnlocked(offset, value))
        {
            return;
        }
        if ((value & QueueRegisters.BASE_ALIGN_MASK) != 0)
        {
            nic.errors.queueRegister(NicErrors.RING_BASE_MISALIGNED, this, offset, value,
                "allocate the ring 128-byte aligned");
        }
        baseLow = value & ~QueueRegisters.BASE_ALIGN_MASK;
    }

    private void writeLength(final int offset, final int value)
    {
        if (!ringUnlocked(offset, value))
        {
            return;
        }
        if ((value & QueueRegisters.LEN_GRANULE_MASK) != 0 ||
            Integer.compareUnsigned(value, QueueRegisters.LEN_MAX) > 0)
        {
            nic.errors.queueRegister(NicErrors.RING_LENGTH_INVALID, this, offset, value,
                "use a multiple of 8 descriptors (128 bytes), at most 65528");
        }
        lengthBytes = value & QueueRegisters.LEN_MAX;
    }

    private boolean ringUnlocked(final int offset, final int value)
    {
        if (enabled)
        {
            nic.errors.queueRegister(NicErrors.RING_CHANGED_WHILE_ENABLED, this, offset, value,
                "clear " + (tx ? "TXDCTL" : "RXDCTL") + ".ENABLE first");
            return false;
        }
        return true;
    }

    private void writeTail(final int offset, final int value)
    {
        final int count = count();
        if (count == 0 ? value != 0 : value < 0 || value >= count)
        {
            nic.errors.queueRegister(NicErrors.TAIL_BEYOND_RING, this, offset, value & 0xFFFF_FFFFL,
                count == 0 ? "the ring length is not programmed yet" : "this ring has " + count +
                    " descriptors, so the tail is 0 to " + (count - 1));
            return;
        }
        tail = value;
        if (nic.signals != null)
        {
            (tx ? nic.signals.txTail : nic.signals.rxTail)[queue].set(nic.sim.now(), tail);
        }
        kick(nic.config.registerCycles() + nic.config.fetchIssueCycles());
    }

    private void writeControl(final int offset, final int value)
    {
        final boolean enable = (value & QueueRegisters.DCTL_ENABLE) != 0;
        if (enable && !enabled)
        {
            if (base() == 0 || lengthBytes == 0)
            {
                nic.errors.queueRegister(NicErrors.QUEUE_NOT_PROGRAMMED, this, offset, value,
                    "ring base 0x" + Long.toHexString(base()) + ", length " + lengthBytes + ": program " +
                        (tx ? "TDBAL/TDBAH/TDLEN" : "RDBAL/RDBAH/RDLEN") + " first");
                return;
            }
            enabled = true;
            halted = false;
            head = 0;
            fetchPosition = 0;
            generation++;
            stopped();
            if (nic.signals != null)
            {
                (tx ? nic.signals.txHead : nic.signals.rxHead)[queue].set(nic.sim.now(), 0);
            }
            kick(nic.config.registerCycles() + nic.config.fetchIssueCycles());
        }
        else if (!enable && enabled)
        {
            enabled = false;
            halted = false;
            stop();
        }
    }

    private void stop()
    {
        generation++;
        nic.sim.cancel(fetchEvent);
        stopped();
    }

    /** Software reset: the queue stops and its registers return to 0. */
    final void reset()
    {
        enabled = false;
        halted = false;
        stop();
        baseLow = 0;
        baseHigh = 0;
        lengthBytes = 0;
        head = 0;
        tail = 0;
        fetchPosition = 0;
    }
}
