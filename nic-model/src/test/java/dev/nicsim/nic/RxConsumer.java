package dev.nicsim.nic;

import dev.nicsim.hw.pcie.InterruptHandler;
import dev.nicsim.nic.regs.QueueRegisters;
import dev.nicsim.nic.regs.RxDescriptor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Software's side of RX queue 0 for qtest-style tests: hands every buffer of the ring to the device, and on each RX
 * interrupt checks the completed descriptors' frames (in order, byte-exact, with the raw checksum recomputed here) and
 * gives the buffers back with one tail write. With refilling off it only counts, as a stalled receiver would.
 */
final class RxConsumer
{
    final InterruptHandler handler = this::poll;
    private final TestHost host;
    private final FramePattern frames;
    private final MemorySegment memory;
    private final HostRing ring;
    private boolean refill = true;
    private int next;
    private long received;
    private long wrong;
    private long badChecksums;

    RxConsumer(final TestHost host, final int count, final FramePattern frames)
    {
        this.host = host;
        this.frames = frames;
        this.memory = host.memory.segment();
        this.ring = new HostRing(host, count, "rx");
        for (int i = 0; i < count; i++)
        {
            RxDescriptor.write(memory, ring.descriptor(i), ring.bufferAddress(i));
        }
        host.rxRing(0, ring.ring);
        host.write(QueueRegisters.rx(0, QueueRegisters.TAIL), count - 1);
    }

    /** Stops (or resumes) giving buffers back; resuming hands back everything consumed meanwhile. */
    void refill(final boolean on)
    {
        refill = on;
        if (on)
        {
            giveBack();
        }
    }

    private void poll()
    {
        boolean any = false;
        while (true)
        {
            final long fields = RxDescriptor.fields(memory, ring.descriptor(next));
            if ((RxDescriptor.status(fields) & RxDescriptor.STATUS_DD) == 0)
            {
                break;
            }
            final long buffer = ring.buffer(next);
            final int length = RxDescriptor.length(fields);
            if (!frames.matches(memory, buffer, length, received))
            {
                wrong++;
            }
            if (RxDescriptor.checksum(fields) != referenceSum(buffer + 14, length - 14))
            {
                badChecksums++;
            }
            received++;
            RxDescriptor.write(memory, ring.descriptor(next), ring.bufferAddress(next));
            next = ring.next(next);
            any = true;
        }
        if (any && refill)
        {
            giveBack();
        }
    }

    /** One tail write hands back every buffer up to the one before the next to check. */
    private void giveBack()
    {
        host.write(QueueRegisters.rx(0, QueueRegisters.TAIL), (next + ring.count - 1) % ring.count);
    }

    /** The raw ones'-complement sum, the slow obvious way: 16-bit big-endian words, end-around carry. */
    private int referenceSum(final long offset, final int length)
    {
        int sum = 0;
        for (int i = 0; i < length; i += 2)
        {
            final int high = memory.get(ValueLayout.JAVA_BYTE, offset + i) & 0xFF;
            final int low = i + 1 < length ? memory.get(ValueLayout.JAVA_BYTE, offset + i + 1) & 0xFF : 0;
            sum += high << 8 | low;
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return sum;
    }

    long received()
    {
        return received;
    }

    /** Frames that arrived out of order, with wrong bytes or a wrong length. */
    long wrong()
    {
        return wrong;
    }

    /** Frames whose descriptor's raw checksum differs from the one recomputed here. */
    long badChecksums()
    {
        return badChecksums;
    }
}
