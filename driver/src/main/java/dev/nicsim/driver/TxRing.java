package dev.nicsim.driver;

import dev.nicsim.hw.mem.DmaAllocator;
import dev.nicsim.hw.mem.Iommu;
import dev.nicsim.hw.pcie.Mmio;
import dev.nicsim.nic.regs.QueueRegisters;
import dev.nicsim.nic.regs.TxDescriptor;
import dev.nicsim.stack.device.NetDevice;

/**
 * TX queue 0 as the driver keeps it. Slots are ring positions: the stack reserves the next free one, writes its frame
 * straight into that slot's buffer and commits it, which writes the descriptor. A flush hands every committed slot to
 * the device with one tail write, and marks only the burst's last descriptor RS, so the device writes back and
 * interrupts once per burst. Reclaim frees every slot up to a burst end whose DD is set (the device completes in
 * ring order).
 *
 * <pre>
 *   clean          tail (TDT)        committed        next
 *     |  device's      |  committed,      |  reserved,    |  free
 *     |  (in flight)   |  not flushed     |  being written|
 * </pre>
 * One slot always stays free: head equal to tail means an empty ring to the device.
 */
final class TxRing extends RingMemory
{
    private final Mmio bar;
    private final int tailRegister;
    private final int capacity;
    private final boolean[] committed;
    /* Burst ends (RS descriptors) handed over and not reclaimed yet, oldest first. */
    private final int[] burstEnds;
    private int burstHead;
    private int bursts;
    private int next;
    private int committedEnd;
    private int tail;
    private int clean;
    private long doorbells;
    private long frames;
    private long bytes;
    private long noSlot;

    TxRing(final DmaAllocator allocator, final Iommu iommu, final Mmio bar, final String owner, final int count,
        final int bufferBytes, final int maxFrameBytes, final int misplace)
    {
        super(allocator, iommu, owner + " tx", count, bufferBytes, Iommu.Access.READ_ONLY, misplace, true);
        this.bar = bar;
        this.tailRegister = QueueRegisters.tx(0, QueueRegisters.TAIL);
        this.capacity = Math.min(bufferBytes, maxFrameBytes - 4);
        this.committed = new boolean[count];
        this.burstEnds = new int[count];
    }

    /** Largest frame the stack may write into a slot (no FCS: the MAC adds it). */
    int capacity()
    {
        return capacity;
    }

    /** Slots the stack may reserve now. */
    int free()
    {
        return count - 1 - (next - clean + count) % count;
    }

    /** The next slot, or {@link NetDevice#NO_SLOT} when the ring is full even after reclaiming. */
    int reserve()
    {
        if (free() == 0 && reclaim() == 0)
        {
            noSlot++;
            return NetDevice.NO_SLOT;
        }
        final int slot = next;
        next = next(next);
        return slot;
    }

    /**
     * Writes a reserved slot's descriptor. {@code checksumOffset} &lt; 0 asks for no checksum insertion.
     *
     * @throws IllegalStateException    if the slot is not reserved and uncommitted (a stack bug)
     * @throws IllegalArgumentException if the length or checksum offsets are out of range
     */
    void commit(final int slot, final int length, final int checksumStart, final int checksumOffset)
    {
        if (slot < 0 || slot >= count || committed[slot] || (slot - committedEnd + count) % count >=
            (next - committedEnd + count) % count)
        {
            throw new IllegalStateException("TX slot " + slot + " is not reserved (reserved slots are " +
                committedEnd + " up to, not including, " + next + "): commit each slot txReserve() returned, once");
        }
        if (length < 1 || length > capacity)
        {
            throw new IllegalArgumentException("TX frame length " + length + " for slot " + slot + " is not in [1, " +
                capacity + "]; every reserved slot needs a frame of at least one byte");
        }
        int cmd = TxDescriptor.CMD_EOP | TxDescriptor.CMD_IFCS;
        if (checksumOffset >= 0)
        {
            if (checksumStart < 0 || checksumStart >= length || checksumOffset + 2 > length || checksumStart > 255 ||
                checksumOffset > 255)
            {
                throw new IllegalArgumentException("checksum start " + checksumStart + " and offset " +
                    checksumOffset + " must lie inside the " + length + "-byte frame and below 256 (8-bit CSS/CSO)");
            }
            cmd |= TxDescriptor.CMD_IC;
        }
        TxDescriptor.write(memory, descriptor(slot), bufferAddress(slot), length, cmd,
            Math.max(checksumOffset, 0), Math.max(checksumStart, 0));
        committed[slot] = true;
        while (committedEnd != next && committed[committedEnd])
        {
            committed[committedEnd] = false;
            committedEnd = next(committedEnd);
        }
        frames++;
        bytes += length;
    }

    /** Hands everything committed since the last flush to the device: RS on the last descriptor, one tail write. */
    void flush()
    {
        if (committedEnd == tail)
        {
            return;
        }
        final int last = previous(committedEnd);
        TxDescriptor.addCommand(memory, descriptor(last), TxDescriptor.CMD_RS);
        burstEnds[(burstHead + bursts) % count] = last;
        bursts++;
        tail = committedEnd;
        bar.write32(tailRegister, tail);
        doorbells++;
    }

    /** Frees the slots of every completed burst; returns how many. */
    int reclaim()
    {
        int freed = 0;
        while (bursts > 0)
        {
            final int end = burstEnds[burstHead];
            if ((TxDescriptor.status(memory, descriptor(end)) & TxDescriptor.STA_DD) == 0)
            {
                break;
            }
            freed += (end - clean + count) % count + 1;
            clean = next(end);
            burstHead = (burstHead + 1) % count;
            bursts--;
        }
        return freed;
    }

    long doorbells()
    {
        return doorbells;
    }

    long frames()
    {
        return frames;
    }

    /** Bytes of every frame committed so far. */
    long bytes()
    {
        return bytes;
    }

    long noSlot()
    {
        return noSlot;
    }
}
