package dev.nicsim.nic;

import dev.nicsim.hw.pcie.device.DmaClient;
import dev.nicsim.hw.pcie.device.DmaEngine;
import dev.nicsim.nic.regs.InterruptCauses;
import dev.nicsim.nic.regs.NicRegisters;
import dev.nicsim.nic.regs.TxDescriptor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A TX queue: its ring registers and fetch engine, and its descriptor cache. Cached descriptors are handed to the
 * {@link TxEngine} in ring order; each is completed when its data has been read into the TX FIFO, again in ring
 * order (so TDH never passes a descriptor whose buffer the device still needs). Completing a descriptor with RS
 * writes its last dword back with DD set and, once that write has left, sets cause TXQ(q).
 *
 * <p>The cache is a ring of {@link #cacheEntries} entries counted by three running numbers: {@code filled} (fetched),
 * {@code issued} (given to the engine) and {@code retired} (completed).
 */
final class TxQueue extends DescriptorRing
{
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final long[] address;
    private final long[] fields;
    private final long[] readyAt;
    private final boolean[] done;
    private int filled;
    private int issued;
    private int retired;

    private final MemorySegment writeBack = Arena.ofAuto().allocate(TxDescriptor.WRITE_BACK_BYTES, 8);
    private final DmaClient writeBackDone = this::writeBackDone;

    TxQueue(final Nic nic, final int queue)
    {
        super(nic, queue, true);
        address = new long[cacheEntries];
        fields = new long[cacheEntries];
        readyAt = new long[cacheEntries];
        done = new boolean[cacheEntries];
    }

    @Override
    int cacheFree()
    {
        return cacheEntries - (filled - retired);
    }

    @Override
    boolean fetchAllowed()
    {
        return (nic.tctl & NicRegisters.TCTL_EN) != 0;
    }

    /** A fetched descriptor is decoded {@link NicConfig#descriptorCycles()} after it entered the cache. */
    @Override
    void accept(final MemorySegment staging, final long offset, final long ready)
    {
        final int entry = filled % cacheEntries;
        address[entry] = TxDescriptor.address(staging, offset);
        fields[entry] = TxDescriptor.fields(staging, offset);
        readyAt[entry] = ready + nic.core.cycles(nic.config.descriptorCycles());
        done[entry] = false;
        filled++;
    }

    /** A TSO frame spans more descriptors than are cached (datasheet §4.3). */
    @Override
    boolean starved()
    {
        return nic.txEngine.waitsForDescriptors(this);
    }

    @Override
    void fetched(final long ready)
    {
        nic.txEngine.wake(ready + nic.core.cycles(nic.config.descriptorCycles()));
    }

    @Override
    void stopped()
    {
        filled = 0;
        issued = 0;
        retired = 0;
        nic.txEngine.queueStopped(queue);
    }

    /** Whether a cached descriptor is waiting for the engine at {@code now}. */
    boolean hasDescriptor(final long now)
    {
        return issued != filled && readyAt[issued % cacheEntries] <= now;
    }

    /** When the next cached descriptor becomes usable, or {@code Long.MAX_VALUE} if none is cached. */
    long nextReadyAt()
    {
        return issued != filled ? readyAt[issued % cacheEntries] : Long.MAX_VALUE;
    }

    /**
     * When the descriptor {@code ahead} places after the next one for the engine becomes usable, or
     * {@code Long.MAX_VALUE} if it is not cached (yet).
     */
    long readyAtAhead(final int ahead)
    {
        return issued + ahead < filled ? readyAt[(issued + ahead) % cacheEntries] : Long.MAX_VALUE;
    }

    /** The second quadword of the descriptor {@code ahead} places after the next one (which must be cached). */
    long fieldsAhead(final int ahead)
    {
        return fields[(issued + ahead) % cacheEntries];
    }

    /** The cache entry of the next descriptor for the engine. */
    int nextEntry()
    {
        return issued % cacheEntries;
    }

    long address(final int entry)
    {
        return address[entry];
    }

    long fields(final int entry)
    {
        return fields[entry];
    }

    /** The ring index of the next descriptor for the engine (for messages). */
    int nextRingIndex()
    {
        return (head() + issued - retired) % count();
    }

    /** The engine has taken the next descriptor. */
    void issued()
    {
        issued++;
    }

    /** The engine is done with a descriptor's buffer: complete every finished descriptor from the head on. */
    void dataDone(final int entry)
    {
        done[entry] = true;
        while (retired != issued && done[retired % cacheEntries])
        {
            final long descriptor = fields[retired % cacheEntries];
            if ((TxDescriptor.cmd(descriptor) & TxDescriptor.CMD_RS) != 0)
            {
                writeBack(descriptor);
            }
            advanceHead();
            retired++;
        }
        kick(nic.config.fetchIssueCycles());
    }

    private void writeBack(final long descriptor)
    {
        writeBack.set(LE_INT, 0, (int) (descriptor >>> 32) | TxDescriptor.STA_DD);
        nic.errors.dmaContext("descriptor write-back", this, head());
        nic.dma.write(base() + (long) head() * TxDescriptor.BYTES + TxDescriptor.WRITE_BACK,
            TxDescriptor.WRITE_BACK_BYTES, writeBack, 0, writeBackDone, generation);
    }

    private void writeBackDone(final int tag, final int status)
    {
        if (tag != generation)
        {
            return;
        }
        if (status != DmaEngine.OK)
        {
            halt();
            return;
        }
        nic.interrupts.cause(InterruptCauses.txQueue(queue));
    }
}
