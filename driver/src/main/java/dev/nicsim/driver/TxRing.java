package dev.nicsim.driver;

import dev.nicsim.hw.mem.DmaAllocator;
import dev.nicsim.hw.mem.DmaBuffer;
import dev.nicsim.hw.mem.Iommu;
import dev.nicsim.hw.pcie.Mmio;
import dev.nicsim.nic.regs.QueueRegisters;
import dev.nicsim.nic.regs.TxDescriptor;
import dev.nicsim.stack.device.NetDevice;

import java.util.Arrays;

/**
 * One TX queue as the driver keeps it. Slots are ring positions: the stack reserves the next free one, writes its
 * frame straight into that slot's buffer and commits it, which writes the descriptor. A flush hands every committed
 * slot to the device with one tail write, and marks only the burst's last descriptor RS, so the device writes back and
 * interrupts once per burst. Reclaim frees every slot up to a burst end whose DD is set (the device completes in
 * ring order).
 *
 * <pre>
 *   clean          tail (TDT)        committed        next
 *     |  device's      |  committed,      |  reserved,    |  free
 *     |  (in flight)   |  not flushed     |  being written|
 * </pre>
 * One slot always stays free: head equal to tail means an empty ring to the device.
 *
 * <p>A TSO segment (datasheet §4.3) takes one of the queue's TSO buffers and as many consecutive ring positions as it
 * has {@link #TSO_PIECE}-byte pieces: one descriptor per piece, as ixgbe maps at most IXGBE_MAX_DATA_PER_TXD (16 KiB)
 * per descriptor; the first carries TSE, the header length and the MSS. Its slot is its first ring position with
 * {@link #TSO_SLOT} set.
 */
final class TxRing extends RingMemory
{
    /** Slot bit of a TSO segment's slot. */
    static final int TSO_SLOT = 0x8000;
    /** Bytes of a TSO segment per descriptor. */
    static final int TSO_PIECE = 16 * 1024;

    private final Mmio bar;
    private final int tailRegister;
    private final int capacity;
    private final int maxFrame;
    private final boolean[] committed;
    /* Burst ends (RS descriptors) handed over and not reclaimed yet, oldest first. */
    private final int[] burstEnds;
    /* TSO: the buffers, which one each ring position's segment holds (-1: none), the reserved lengths, free ones. */
    private final DmaBuffer tsoBlock;
    private final int[] tsoBufferOf;
    private final int[] tsoLength;
    private final int[] tsoFree;
    private int tsoFreeCount;
    private int burstHead;
    private int bursts;
    private int next;
    private int committedEnd;
    private int tail;
    private int clean;
    private long doorbells;
    private long frames;
    private long bytes;
    private long segments;
    private long noSlot;

    /**
     * @param tsoBuffers TSO buffers to keep (0: no TSO), each {@link DriverConfig#TSO_BUFFER_BYTES} bytes
     */
    TxRing(final DmaAllocator allocator, final Iommu iommu, final Mmio bar, final String owner, final int queue,
        final int count, final int bufferBytes, final int maxFrameBytes, final int misplace, final int tsoBuffers)
    {
        super(allocator, iommu, owner + " tx" + (queue == 0 ? "" : Integer.toString(queue)), count, bufferBytes,
            Iommu.Access.READ_ONLY, misplace, true);
        this.bar = bar;
        this.tailRegister = QueueRegisters.tx(queue, QueueRegisters.TAIL);
        this.capacity = Math.min(bufferBytes, maxFrameBytes - 4);
        this.maxFrame = maxFrameBytes - 4;
        this.committed = new boolean[count];
        this.burstEnds = new int[count];
        this.tsoBufferOf = new int[count];
        Arrays.fill(tsoBufferOf, -1);
        this.tsoLength = new int[count];
        this.tsoFree = new int[tsoBuffers];
        if (tsoBuffers > 0)
        {
            tsoBlock = allocator.allocate((long) tsoBuffers * DriverConfig.TSO_BUFFER_BYTES, 64, owner + " tso");
            iommu.map(tsoBlock, Iommu.Access.READ_ONLY);
            for (int b = 0; b < tsoBuffers; b++)
            {
                tsoFree[tsoFreeCount++] = tsoBuffers - 1 - b;
            }
        }
        else
        {
            tsoBlock = null;
        }
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

    /** The next slot's ring position, or {@link NetDevice#NO_SLOT} when the ring is full even after reclaiming. */
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
     * Ring positions and a TSO buffer for a segment of {@code length} bytes; returns the first position with
     * {@link #TSO_SLOT}, or {@link NetDevice#NO_SLOT} when the ring or the buffers are short even after reclaiming.
     */
    int reserveTso(final int length)
    {
        if (length < 1 || length > DriverConfig.TSO_BUFFER_BYTES)
        {
            throw new IllegalArgumentException("TSO segment length " + length + " is not in [1, " +
                DriverConfig.TSO_BUFFER_BYTES + "]");
        }
        final int pieces = pieces(length);
        if (free() < pieces || tsoFreeCount == 0)
        {
            reclaim();
            if (free() < pieces || tsoFreeCount == 0)
            {
                noSlot++;
                return NetDevice.NO_SLOT;
            }
        }
        final int first = next;
        tsoBufferOf[first] = tsoFree[--tsoFreeCount];
        tsoLength[first] = length;
        for (int i = 0; i < pieces; i++)
        {
            next = next(next);
        }
        return first | TSO_SLOT;
    }

    /** Where slot {@code slot}'s buffer starts in {@link #memory}. */
    long slotOffset(final int slot)
    {
        if ((slot & TSO_SLOT) != 0)
        {
            return tsoBlock.offset() + (long) tsoBufferOf[slot & ~TSO_SLOT] * DriverConfig.TSO_BUFFER_BYTES;
        }
        return buffer(slot);
    }

    /**
     * Writes a reserved slot's descriptor. {@code checksumOffset} &lt; 0 asks for no checksum insertion.
     *
     * @throws IllegalStateException    if the slot is not reserved and uncommitted (a stack bug)
     * @throws IllegalArgumentException if the length or checksum offsets are out of range
     */
    void commit(final int slot, final int length, final int checksumStart, final int checksumOffset)
    {
        checkReserved(slot, 1);
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
        markCommitted(slot, 1);
        frames++;
        bytes += length;
    }

    /**
     * Writes a reserved TSO segment's descriptor chain: one descriptor per {@link #TSO_PIECE} bytes, the first with
     * TSE, the header length (CSS) and the MSS (special), the last with EOP.
     */
    void commitTso(final int slot, final int length, final int headerLength, final int mss)
    {
        final int first = slot & ~TSO_SLOT;
        if ((slot & TSO_SLOT) == 0 || first >= count || tsoBufferOf[first] < 0)
        {
            throw new IllegalStateException("slot " + slot + " is not a reserved TSO slot: commit what " +
                "txReserveTso() returned");
        }
        final int pieces = pieces(tsoLength[first]);
        checkReserved(first, pieces);
        if (length != tsoLength[first])
        {
            throw new IllegalArgumentException("TSO segment of " + length + " bytes in a slot reserved for " +
                tsoLength[first] + ": commit the length given to txReserveTso()");
        }
        if (headerLength < 54 || headerLength > 255 || headerLength > length || mss < 1 || headerLength + mss >
            maxFrame)
        {
            throw new IllegalArgumentException("TSO header length " + headerLength + " and MSS " + mss + " must " +
                "give 54 to 255 bytes of headers inside the " + length + "-byte segment and frames of at most " +
                maxFrame + " bytes");
        }
        final long bus = tsoBlock.busAddress((long) tsoBufferOf[first] * DriverConfig.TSO_BUFFER_BYTES);
        int position = first;
        for (int i = 0; i < pieces; i++)
        {
            final int at = i * TSO_PIECE;
            final int piece = Math.min(TSO_PIECE, length - at);
            final int cmd = TxDescriptor.CMD_IFCS | (i == pieces - 1 ? TxDescriptor.CMD_EOP : 0);
            TxDescriptor.write(memory, descriptor(position), bus + at, i == 0 ?
                TxDescriptor.tsoFields(piece, cmd, headerLength, mss) : TxDescriptor.fields(piece, cmd, 0, 0));
            position = next(position);
        }
        markCommitted(first, pieces);
        segments++;
        frames += Math.max(1, (length - headerLength + mss - 1) / mss);
        bytes += length;
    }

    private void checkReserved(final int first, final int positions)
    {
        final int reserved = (next - committedEnd + count) % count;
        if (first < 0 || first >= count || committed[first] || (first - committedEnd + count) % count + positions >
            reserved)
        {
            throw new IllegalStateException("TX slot " + first + " is not reserved (reserved slots are " +
                committedEnd + " up to, not including, " + next + "): commit each slot txReserve() returned, once");
        }
    }

    private void markCommitted(final int first, final int positions)
    {
        int position = first;
        for (int i = 0; i < positions; i++)
        {
            committed[position] = true;
            position = next(position);
        }
        while (committedEnd != next && committed[committedEnd])
        {
            committed[committedEnd] = false;
            committedEnd = next(committedEnd);
        }
    }

    /** Whether a flush would hand something over. */
    boolean hasCommitted()
    {
        return committedEnd != tail;
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

    /** Frees the slots (and TSO buffers) of every completed burst; returns how many slots. */
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
            if (tsoBlock != null)
            {
                releaseTsoBuffers(end);
            }
            clean = next(end);
            burstHead = (burstHead + 1) % count;
            bursts--;
        }
        return freed;
    }

    private void releaseTsoBuffers(final int end)
    {
        for (int position = clean; ; position = next(position))
        {
            if (tsoBufferOf[position] >= 0)
            {
                tsoFree[tsoFreeCount++] = tsoBufferOf[position];
                tsoBufferOf[position] = -1;
            }
            if (position == end)
            {
                return;
            }
        }
    }

    private static int pieces(final int length)
    {
        return (length + TSO_PIECE - 1) / TSO_PIECE;
    }

    @Override
    void releaseExtra(final DmaAllocator allocator, final Iommu iommu)
    {
        if (tsoBlock != null)
        {
            iommu.unmap(tsoBlock);
            allocator.free(tsoBlock);
        }
    }

    long doorbells()
    {
        return doorbells;
    }

    /** Frames committed so far; a TSO segment counts the frames the device cuts it into. */
    long frames()
    {
        return frames;
    }

    /** Bytes of every frame (and TSO segment) committed so far. */
    long bytes()
    {
        return bytes;
    }

    /** TSO segments committed so far. */
    long segments()
    {
        return segments;
    }

    long noSlot()
    {
        return noSlot;
    }
}
