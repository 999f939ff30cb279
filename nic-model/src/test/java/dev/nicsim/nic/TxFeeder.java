package dev.nicsim.nic;

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
    final InterruptHandler handler = this::fill;
    private final TestHost host;
    private final FramePattern frames;
    private final MemorySegment memory;
    private final HostRing ring;
    private int tail;
    private int clean;
    private long sent;
    private long target;

    TxFeeder(final TestHost host, final int count, final FramePattern frames)
    {
        this.host = host;
        this.frames = frames;
        this.memory = host.memory.segment();
        this.ring = new HostRing(host, count, "tx");
        host.txRing(0, ring.ring);
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
        while (sent < target && ring.next(tail) != clean)
        {
            frames.write(memory, ring.buffer(tail), sent);
            TxDescriptor.write(memory, ring.descriptor(tail), ring.bufferAddress(tail), frames.length(sent),
                TxDescriptor.CMD_EOP | TxDescriptor.CMD_IFCS | TxDescriptor.CMD_RS, 0, 0);
            tail = ring.next(tail);
            sent++;
            added = true;
        }
        if (added)
        {
            host.write(QueueRegisters.tx(0, QueueRegisters.TAIL), tail);
        }
    }

    private void reclaim()
    {
        while (clean != tail && (TxDescriptor.status(memory, ring.descriptor(clean)) & TxDescriptor.STA_DD) != 0)
        {
            clean = ring.next(clean);
        }
    }

    /** Whether every frame asked for has been sent and its descriptor completed. */
    boolean done()
    {
        reclaim();
        return sent == target && clean == tail;
    }
}
