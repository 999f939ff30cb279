package dev.nicsim.nic;

import dev.nicsim.hw.mem.DmaBuffer;
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
    static final int BUFFER = 2048;

    final InterruptHandler handler = this::poll;
    private final TestHost host;
    private final FramePattern frames;
    private final MemorySegment memory;
    private final DmaBuffer ring;
    private final DmaBuffer buffers;
    private final int count;
    private boolean refill = true;
    private int next;
    private long received;
    private long wrong;
    private long badChecksums;

    RxConsumer(final TestHost host, final int count, final FramePattern frames)
    {
        this.host = host;
        this.frames = frames;
        this.count = count;
        this.memory = host.memory.segment();
        this.ring = host.mapped((long) count * RxDescriptor.BYTES, 128, "rx ring");
        this.buffers = host.mapped((long) count * BUFFER, 64, "rx buffers");
        for (int i = 0; i < count; i++)
        {
            RxDescriptor.write(memory, descriptor(i), buffers.busAddress() + (long) i * BUFFER);
        }
        host.rxRing(0, ring);
        host.write(QueueRegisters.rx(0, QueueRegisters.TAIL), count - 1);
    }

    /** Stops (or resumes) giving buffers back; resuming hands back everything consumed meanwhile. */
    void refill(final boolean on)
    {
        refill = on;
        if (on)
        {
            host.write(QueueRegisters.rx(0, QueueRegisters.TAIL), (next + count - 1) % count);
        }
    }

    private void poll()
    {
        boolean any = false;
        while (true)
        {
            final long fields = RxDescriptor.fields(memory, descriptor(next));
            if ((RxDescriptor.status(fields) & RxDescriptor.STATUS_DD) == 0)
            {
                break;
            }
            final long buffer = buffers.offset() + (long) next * BUFFER;
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
            RxDescriptor.write(memory, descriptor(next), buffers.busAddress() + (long) next * BUFFER);
            next = (next + 1) % count;
            any = true;
        }
        if (any && refill)
        {
            host.write(QueueRegisters.rx(0, QueueRegisters.TAIL), (next + count - 1) % count);
        }
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

    private long descriptor(final int index)
    {
        return ring.offset() + (long) index * RxDescriptor.BYTES;
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
