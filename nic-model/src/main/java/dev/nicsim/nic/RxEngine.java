package dev.nicsim.nic;

import dev.nicsim.hw.pcie.device.DmaClient;
import dev.nicsim.hw.pcie.device.DmaEngine;
import dev.nicsim.hw.sim.ClockDomain;
import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.trace.EventTrace;
import dev.nicsim.nic.regs.Counters;
import dev.nicsim.nic.regs.InterruptCauses;
import dev.nicsim.nic.regs.NicErrors;
import dev.nicsim.nic.regs.NicRegisters;
import dev.nicsim.nic.regs.RxDescriptor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The receive engine (datasheet §5.2, steps 3-4). Frames leave the RX FIFO in order, each for the RX queue that
 * {@link Rss} picked as it arrived (queue 0 while RSS is off). Each needs a cached buffer of its queue: without one on its way (the ring is empty, or the queue is disabled or halted) the
 * frame is dropped and counted; with one still being fetched the engine waits. It reads the frame out of the FIFO one
 * datapath width per cycle, then issues the DMA write of the frame and the write-back of the descriptor, which PCIe
 * keeps in that order. When the write-back has left, the frame's FIFO room is freed and RXQ(q) is set.
 */
final class RxEngine implements DmaClient
{
    private static final int SLOT_BITS = 18;
    private static final int SLOT_MASK = (1 << SLOT_BITS) - 1;
    private static final int GENERATION_MASK = (1 << (32 - SLOT_BITS)) - 1;
    private static final ValueLayout.OfLong LE_LONG =
        ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Nic nic;
    final PacketFifo fifo;
    private final Event step;
    private final MemorySegment writeBack = Arena.ofAuto().allocate(RxDescriptor.BYTES, 16);

    /* Per FIFO slot, filled in by the MAC. */
    final int[] length;
    final int[] rawSum;
    final int[] kind;
    /** The RX queue RSS picked. */
    final int[] queue;
    private final long[] readyAt;

    /* Frames in the FIFO, in order. */
    private final int[] order;
    private int head;
    private int count;

    /* The frame being read out of the FIFO, and where it goes. */
    private int issuing = -1;
    private long buffer;
    private RxQueue target;
    private int targetGeneration;

    RxEngine(final Nic nic)
    {
        this.nic = nic;
        this.fifo = new PacketFifo(nic.config.rxFifoBytes(), TxEngine.slotBytes(nic.config));
        this.step = new Event(nic.name + ".rx-engine", Component.NIC_PIPELINE, this::step);
        final int slots = fifo.slots();
        length = new int[slots];
        rawSum = new int[slots];
        kind = new int[slots];
        queue = new int[slots];
        readyAt = new long[slots];
        order = new int[slots];
    }

    /** A frame is in the FIFO, visible to the core from {@code ready} on. */
    void frameArrived(final int slot, final long ready)
    {
        readyAt[slot] = ready;
        order[(head + count) % order.length] = slot;
        count++;
        wake(ready);
    }

    /** Something the engine may be waiting for has happened (a buffer fetched, DMA allowed again). */
    void wake(final long at)
    {
        if (issuing >= 0 || count == 0)
        {
            return;
        }
        final long time = Math.max(Math.max(at, readyAt[order[head]]), nic.sim.now());
        if (!step.isScheduled() || step.time() > time)
        {
            nic.sim.reschedule(step, time);
        }
    }

    private void step()
    {
        if (issuing >= 0)
        {
            issue();
            issuing = -1;
        }
        dispatch();
    }

    private void dispatch()
    {
        final long now = nic.sim.now();
        while (count > 0)
        {
            final int slot = order[head];
            if (readyAt[slot] > now)
            {
                nic.sim.schedule(step, readyAt[slot]);
                return;
            }
            if (!nic.dmaAllowed())
            {
                return;
            }
            final RxQueue queue = nic.rxQueues[this.queue[slot]];
            if (queue.active() && queue.hasDescriptor(now))
            {
                final int size = NicRegisters.bufferSize(nic.rctl);
                if (length[slot] > size)
                {
                    nic.errors.descriptor(NicErrors.RX_BUFFER_TOO_SMALL, queue, queue.head(), "buffer (RCTL.BSIZE)",
                        size, "a " + length[slot] + "-byte frame arrived");
                    drop(Counters.RXBUFERR, 0);
                    continue;
                }
                pop();
                issuing = slot;
                buffer = queue.take();
                target = queue;
                targetGeneration = queue.generation;
                final long beats = ClockDomain.beats(length[slot], nic.config.coreDatapathBytes());
                nic.sim.schedule(step, nic.core.edgeAfter(now, nic.config.descriptorCycles() + beats));
                return;
            }
            if (queue.active() && queue.descriptorComing())
            {
                return;
            }
            drop(Counters.RNBC, InterruptCauses.RXNB);
        }
    }

    /** The frame has been read out of the FIFO: write it and its descriptor to host memory. */
    private void issue()
    {
        final int slot = issuing;
        final RxQueue queue = target;
        if (queue.generation != targetGeneration)
        {
            lost(slot);
            return;
        }
        final int bytes = length[slot];
        final int index = queue.head();
        nic.errors.dmaContext("buffer write", queue, index);
        nic.dma.writeUnannounced(buffer, bytes, fifo.storage(), fifo.offset(slot));
        if (nic.errors.refused())
        {
            queue.halt();
            lost(slot);
            return;
        }
        writeBack.set(LE_LONG, RxDescriptor.ADDRESS, buffer);
        writeBack.set(LE_LONG, RxDescriptor.FIELDS, RxDescriptor.writeBack(bytes, rawSum[slot],
            RxDescriptor.STATUS_DD | RxDescriptor.STATUS_EOP));
        final long descriptor = queue.base() + (long) index * RxDescriptor.BYTES;
        if (nic.trace.enabled())
        {
            nic.trace.add(nic.sim.now(), nic.name, EventTrace.Kind.DMA, queue.label + ": descriptor " + index +
                ", write " + bytes + " B to 0x" + Long.toHexString(buffer) + ", write back 16 B at 0x" +
                Long.toHexString(descriptor));
        }
        nic.errors.dmaContext("descriptor write-back", queue, index);
        nic.dma.write(descriptor, RxDescriptor.BYTES, writeBack, 0, this,
            slot | (nic.generation & GENERATION_MASK) << SLOT_BITS);
        if (nic.errors.refused())
        {
            queue.halt();
            lost(slot);
            return;
        }
        queue.advanceHead();
    }

    /** A descriptor write-back has left the device: the frame is delivered. */
    @Override
    public void dmaComplete(final int tag, final int status)
    {
        if (status != DmaEngine.OK || (tag >>> SLOT_BITS) != (nic.generation & GENERATION_MASK))
        {
            return;
        }
        final int slot = tag & SLOT_MASK;
        final int bytes = length[slot];
        nic.stats.increment(Counters.GPRC);
        nic.stats.add(Counters.GORC, bytes + 4);
        if (kind[slot] == MacRx.BROADCAST_FRAME)
        {
            nic.stats.increment(Counters.BPRC);
        }
        else if (kind[slot] == MacRx.MULTICAST)
        {
            nic.stats.increment(Counters.MPRC);
        }
        nic.stats.queueFrame(queue[slot], true, bytes + 4);
        discard(slot, bytes);
        nic.interrupts.cause(InterruptCauses.rxQueue(queue[slot]));
    }

    /** The frame at the FIFO's head goes nowhere: counted under {@code counter}, with {@code cause} if not 0. */
    private void drop(final int counter, final int cause)
    {
        final int slot = pop();
        nic.stats.increment(counter);
        discard(slot, length[slot]);
        if (cause != 0)
        {
            nic.interrupts.cause(cause);
        }
    }

    /** A frame taken for a queue that stopped (or faulted) before it could be written. */
    private void lost(final int slot)
    {
        nic.stats.increment(Counters.RNBC);
        discard(slot, length[slot]);
    }

    private int pop()
    {
        final int slot = order[head];
        head = (head + 1) % order.length;
        count--;
        return slot;
    }

    /** Frees a frame's FIFO room. */
    void discard(final int slot, final int bytes)
    {
        fifo.releaseBytes(bytes);
        fifo.free(slot);
        levelChanged();
    }

    void levelChanged()
    {
        if (nic.signals != null)
        {
            nic.signals.rxFifo.set(nic.sim.now(), fifo.level());
        }
    }

    /** Software reset: the FIFO empties; write-backs still in flight are ignored when they complete. */
    void reset()
    {
        nic.sim.cancel(step);
        count = 0;
        issuing = -1;
        target = null;
        fifo.reset(null);
        levelChanged();
    }
}
