package dev.nicsim.nic;

import dev.nicsim.hw.mem.DmaBuffer;
import dev.nicsim.hw.pcie.InterruptHandler;
import dev.nicsim.nic.regs.QueueRegisters;
import dev.nicsim.nic.regs.TxDescriptor;

import java.lang.foreign.MemorySegment;

/**
 * Software's side of TX queue 0 for qtest-style tests: writes frames from a {@link FramePattern} into the ring's
 * buffers, one descriptor each with EOP | IFCS | RS, rings the doorbell once per batch and reclaims descriptors whose
 * DD is set. Its {@link #handler} refills the ring on every TX interrupt.
 */
final class TxFeeder
{
    static final int BUFFER = 2048;

    final InterruptHandler handler = this::fill;
    private final TestHost host;
    private final FramePattern frames;
    private final MemorySegment memory;
    private final DmaBuffer ring;
    private final DmaBuffer buffers;
    private final int count;
    private int tail;
    private int clean;
    private long sent;
    private long target;
    private long doorbells;

    TxFeeder(final TestHost host, final int count, final FramePattern frames)
    {
        this.host = host;
        this.frames = frames;
        this.count = count;
        this.memory = host.memory.segment();
        this.ring = host.mapped((long) count * TxDescriptor.BYTES, 128, "tx ring");
        this.buffers = host.mapped((long) count * BUFFER, 64, "tx buffers");
        host.txRing(0, ring);
    }

    /** Queues {@code frames} more frames and sends as many as the ring takes. */
    void send(final long more)
    {
        target += more;
        fill();
    }

    private void fill()
    {
        reclaim();
        boolean added = false;
        while (sent < target && (tail + 1) % count != clean)
        {
            final long buffer = buffers.offset() + (long) tail * BUFFER;
            frames.write(memory, buffer, sent);
            TxDescriptor.write(memory, ring.offset() + (long) tail * TxDescriptor.BYTES,
                buffers.busAddress() + (long) tail * BUFFER, frames.length(sent),
                TxDescriptor.CMD_EOP | TxDescriptor.CMD_IFCS | TxDescriptor.CMD_RS, 0, 0);
            tail = (tail + 1) % count;
            sent++;
            added = true;
        }
        if (added)
        {
            doorbells++;
            host.write(QueueRegisters.tx(0, QueueRegisters.TAIL), tail);
        }
    }

    private void reclaim()
    {
        while (clean != tail &&
            (TxDescriptor.status(memory, ring.offset() + (long) clean * TxDescriptor.BYTES) & TxDescriptor.STA_DD) != 0)
        {
            clean = (clean + 1) % count;
        }
    }

    /** Whether every frame asked for has been sent and its descriptor completed. */
    boolean done()
    {
        reclaim();
        return sent == target && clean == tail;
    }

    long sent()
    {
        return sent;
    }

    long doorbells()
    {
        return doorbells;
    }
}
