package dev.nicsim.nic;

import dev.nicsim.hw.pcie.device.DmaClient;
import dev.nicsim.hw.pcie.device.DmaEngine;
import dev.nicsim.hw.sim.ClockDomain;
import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Reservation;
import dev.nicsim.hw.trace.EventTrace;
import dev.nicsim.nic.regs.Counters;
import dev.nicsim.nic.regs.NicErrors;
import dev.nicsim.nic.regs.NicRegisters;
import dev.nicsim.nic.regs.TxDescriptor;

import java.util.Arrays;

/**
 * The transmit engine and checksum unit (datasheet §5.1, steps 3-4). On core edges it takes one cached descriptor per
 * {@link NicConfig#descriptorCycles()}, round robin over the TX queues, reserves its bytes in the TX FIFO and reads
 * its buffer there by DMA; a full FIFO stalls it until the MAC frees room. A frame's descriptors fill one FIFO slot.
 * When the last data of a frame (EOP) has arrived, the frame streams through the checksum unit, one datapath width per
 * cycle, gets its checksum inserted and goes to the {@link MacTx}.
 *
 * <p>A DMA read's tag carries the FIFO slot and the cache entry of its descriptor. Slots whose queue stopped while a
 * read into them was in flight are orphaned: they are freed only when that read has landed, so stale data never
 * overwrites a newer frame.
 */
final class TxEngine implements DmaClient
{
    private static final int SLOT_BITS = 18;
    private static final int SLOT_MASK = (1 << SLOT_BITS) - 1;

    private final Nic nic;
    final PacketFifo fifo;
    private final Event step;
    /*
     * The step's place while no descriptor is cached: such a step would find nothing to do. Twice per frame in a
     * stream (the cycle after taking a descriptor, and the FIFO room freed when the frame has left) the step used to
     * fire only to find that; a descriptor arriving commits the place instead (fetched() wakes the engine).
     */
    private final Reservation idleStep;
    private final SlotQueue checksum;
    private final int maxFrame;
    private final int[] assembling;
    private int nextQueue;
    private long checksumFreeAt;

    /* Per FIFO slot: the frame in it. */
    final int[] length;
    final int[] cmd;
    private final int[] owner;
    private final int[] pending;
    private final boolean[] complete;
    private final boolean[] dropped;
    private final boolean[] orphan;
    private final boolean[] insertChecksum;
    private final int[] css;
    private final int[] cso;

    TxEngine(final Nic nic)
    {
        this.nic = nic;
        final NicConfig config = nic.config;
        this.fifo = new PacketFifo(config.txFifoBytes(), slotBytes(config));
        this.step = new Event(nic.name + ".tx-engine", Component.NIC_PIPELINE, this::step);
        this.idleStep = new Reservation(nic.sim, step);
        this.checksum = new SlotQueue(nic.sim, nic.name + ".checksum", Component.NIC_PIPELINE, fifo.slots(),
            this::checksummed);
        this.maxFrame = config.maxFrameBytes() - 4;
        this.assembling = new int[config.txQueues()];
        Arrays.fill(assembling, -1);
        final int slots = fifo.slots();
        length = new int[slots];
        cmd = new int[slots];
        owner = new int[slots];
        pending = new int[slots];
        complete = new boolean[slots];
        dropped = new boolean[slots];
        orphan = new boolean[slots];
        insertChecksum = new boolean[slots];
        css = new int[slots];
        cso = new int[slots];
    }

    /** The TX queue whose frame is in {@code slot}. */
    int owner(final int slot)
    {
        return owner[slot];
    }

    /** FIFO slots hold the largest frame, FCS included, rounded up to a 64-byte line. */
    static int slotBytes(final NicConfig config)
    {
        return (config.maxFrameBytes() + 63) & ~63;
    }

    /** Work may be waiting from {@code at} on (descriptors fetched, FIFO room freed, transmit enabled). */
    void wake(final long at)
    {
        final long time = Math.max(nic.core.nextEdge(at), nic.sim.now());
        if (step.isScheduled() ? step.time() <= time : idleStep.isHeld() && idleStep.time() <= time)
        {
            if (descriptorCached())
            {
                idleStep.commit();
            }
            return;
        }
        stepAt(time);
    }

    /** The next step comes at {@code time}: queued, or only its place held while no descriptor is cached. */
    private void stepAt(final long time)
    {
        nic.sim.cancel(step);
        if (descriptorCached())
        {
            idleStep.cancel();
            nic.sim.schedule(step, time);
        }
        else
        {
            idleStep.hold(time);
        }
    }

    /** Whether any TX queue holds a fetched descriptor the engine has not taken: without one a step does nothing. */
    private boolean descriptorCached()
    {
        final TxQueue[] queues = nic.txQueues;
        for (int q = 0; q < queues.length; q++)
        {
            if (queues[q].nextReadyAt() != Long.MAX_VALUE)
            {
                return true;
            }
        }
        return false;
    }

    private void step()
    {
        if (!nic.dmaAllowed() || (nic.tctl & NicRegisters.TCTL_EN) == 0)
        {
            return;
        }
        final long now = nic.sim.now();
        final TxQueue[] queues = nic.txQueues;
        long earliest = Long.MAX_VALUE;
        for (int k = 0; k < queues.length; k++)
        {
            final int q = (nextQueue + k) % queues.length;
            final TxQueue queue = queues[q];
            if (!queue.active())
            {
                continue;
            }
            if (queue.hasDescriptor(now))
            {
                if (take(queue))
                {
                    nextQueue = (q + 1) % queues.length;
                    // Taking may have woken the engine already (a dropped frame freed room): next cycle is what counts.
                    stepAt(nic.core.edgeAfter(now, nic.config.descriptorCycles()));
                }
                return;
            }
            earliest = Math.min(earliest, queue.nextReadyAt());
        }
        if (earliest != Long.MAX_VALUE)
        {
            wake(earliest);
        }
    }

    /** Takes the queue's next descriptor; false (nothing taken) when the FIFO has no room for it. */
    private boolean take(final TxQueue queue)
    {
        final int q = queue.queue;
        final int entry = queue.nextEntry();
        final long fields = queue.fields(entry);
        final int bytes = TxDescriptor.length(fields);
        final int command = TxDescriptor.cmd(fields);
        int slot = assembling[q];
        if (slot < 0)
        {
            slot = fifo.allocate();
            if (slot < 0)
            {
                return false;
            }
            length[slot] = 0;
            pending[slot] = 0;
            complete[slot] = false;
            dropped[slot] = false;
            orphan[slot] = false;
            owner[slot] = q;
            assembling[q] = slot;
        }
        final int index = queue.nextRingIndex();
        if (!dropped[slot] && !acceptable(queue, index, slot, bytes, command))
        {
            dropped[slot] = true;
        }
        if (dropped[slot])
        {
            queue.issued();
            queue.dataDone(entry);
        }
        else
        {
            if (!fifo.reserve(bytes))
            {
                return false;
            }
            levelChanged();
            pending[slot]++;
            final long buffer = queue.address(entry);
            if (nic.trace.enabled())
            {
                nic.trace.add(nic.sim.now(), nic.name, EventTrace.Kind.DMA, queue.label + ": descriptor " + index +
                    ", read " + bytes + " B of buffer at 0x" + Long.toHexString(buffer));
            }
            queue.issued();
            nic.errors.dmaContext("buffer read", queue, index);
            nic.dma.read(buffer, bytes, fifo.storage(), fifo.offset(slot) + length[slot], this,
                slot | entry << SLOT_BITS);
            length[slot] += bytes;
        }
        if ((command & TxDescriptor.CMD_EOP) != 0)
        {
            endOfPacket(queue, index, slot, fields);
        }
        return true;
    }

    private boolean acceptable(final TxQueue queue, final int index, final int slot, final int bytes,
        final int command)
    {
        if ((command & (TxDescriptor.CMD_DEXT | TxDescriptor.CMD_VLE)) != 0)
        {
            nic.errors.descriptor(NicErrors.TX_DESCRIPTOR_UNSUPPORTED, queue, index, "CMD", command,
                "DEXT (0x20) and VLE (0x40) must be clear");
            return false;
        }
        if (bytes == 0)
        {
            nic.errors.descriptor(NicErrors.TX_LENGTH_ZERO, queue, index, "length", 0, "");
            return false;
        }
        if (length[slot] + bytes > maxFrame)
        {
            nic.errors.descriptor(NicErrors.TX_FRAME_OVERSIZE, queue, index, "length", bytes, "the frame would hold " +
                (length[slot] + bytes) + " bytes, at most " + maxFrame);
            return false;
        }
        return true;
    }

    private void endOfPacket(final TxQueue queue, final int index, final int slot, final long fields)
    {
        final int command = TxDescriptor.cmd(fields);
        cmd[slot] = command;
        css[slot] = TxDescriptor.css(fields);
        cso[slot] = TxDescriptor.cso(fields);
        insertChecksum[slot] = (command & TxDescriptor.CMD_IC) != 0 && !dropped[slot] &&
            checksumOffsetsFit(queue, index, slot);
        complete[slot] = true;
        assembling[queue.queue] = -1;
        if (pending[slot] == 0)
        {
            frameRead(slot);
        }
    }

    private boolean checksumOffsetsFit(final TxQueue queue, final int index, final int slot)
    {
        if (css[slot] < length[slot] && cso[slot] + 2 <= length[slot])
        {
            return true;
        }
        nic.errors.descriptor(NicErrors.TX_CHECKSUM_OFFSETS, queue, index, "CSS/CSO", css[slot] << 8 | cso[slot],
            "CSS " + css[slot] + ", CSO " + cso[slot] + " in a frame of " + length[slot] + " bytes");
        return false;
    }

    /** A buffer read has landed in the TX FIFO (or was refused). */
    @Override
    public void dmaComplete(final int tag, final int status)
    {
        final int slot = tag & SLOT_MASK;
        pending[slot]--;
        if (orphan[slot])
        {
            if (pending[slot] == 0)
            {
                orphan[slot] = false;
                fifo.free(slot);
            }
            return;
        }
        final TxQueue queue = nic.txQueues[owner[slot]];
        if (status == DmaEngine.OK)
        {
            queue.dataDone(tag >>> SLOT_BITS);
        }
        else
        {
            // Silicon mode: the frame is lost and the queue halts, which frees or orphans its unfinished frames.
            dropped[slot] = true;
            queue.halt();
        }
        if (!orphan[slot] && fifo.isAllocated(slot) && complete[slot] && pending[slot] == 0)
        {
            frameRead(slot);
        }
    }

    /** Every byte of the frame is in the FIFO: through the checksum unit, one datapath width per cycle. */
    private void frameRead(final int slot)
    {
        if (dropped[slot])
        {
            nic.stats.increment(Counters.TXDROPS);
            release(slot);
            return;
        }
        final ClockDomain core = nic.core;
        final long beats = ClockDomain.beats(length[slot], nic.config.coreDatapathBytes());
        final long start = Math.max(core.nextEdge(nic.sim.now()), checksumFreeAt);
        checksumFreeAt = start + core.cycles(beats);
        checksum.add(slot, start + core.cycles(beats + nic.config.checksumPipelineCycles()));
    }

    private void checksummed(final int slot)
    {
        if (insertChecksum[slot])
        {
            final long at = fifo.offset(slot);
            final int sum = OnesComplement.sum(fifo.storage(), at + css[slot], length[slot] - css[slot]);
            OnesComplement.store(fifo.storage(), at + cso[slot], sum);
        }
        nic.macTx.enqueue(slot);
    }

    /** The frame in {@code slot} has left (or was dropped): its FIFO room is free again. */
    void release(final int slot)
    {
        fifo.releaseBytes(length[slot]);
        fifo.free(slot);
        levelChanged();
        wake(nic.sim.now());
    }

    /** A TX queue stopped: its frames still being assembled or read are dropped; complete ones still go out. */
    void queueStopped(final int queue)
    {
        assembling[queue] = -1;
        for (int slot = 0; slot < length.length; slot++)
        {
            if (fifo.isAllocated(slot) && !orphan[slot] && owner[slot] == queue &&
                (pending[slot] > 0 || !complete[slot]))
            {
                fifo.releaseBytes(length[slot]);
                if (pending[slot] > 0)
                {
                    orphan[slot] = true;
                }
                else
                {
                    fifo.free(slot);
                }
            }
        }
        levelChanged();
    }

    /** Software reset: everything in the FIFO is gone, except slots a read is still landing in. */
    void reset()
    {
        nic.sim.cancel(step);
        idleStep.cancel();
        checksum.clear();
        checksumFreeAt = 0;
        Arrays.fill(assembling, -1);
        for (int slot = 0; slot < length.length; slot++)
        {
            orphan[slot] = fifo.isAllocated(slot) && pending[slot] > 0;
        }
        fifo.reset(orphan);
        levelChanged();
    }

    private void levelChanged()
    {
        if (nic.signals != null)
        {
            nic.signals.txFifo.set(nic.sim.now(), fifo.level());
        }
    }
}
