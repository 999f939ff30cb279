package dev.nicsim.driver;

import dev.nicsim.hw.host.HostCpu;
import dev.nicsim.hw.mem.DmaAllocator;
import dev.nicsim.hw.mem.Iommu;
import dev.nicsim.hw.pcie.Mmio;
import dev.nicsim.nic.regs.QueueRegisters;
import dev.nicsim.nic.regs.RxDescriptor;
import dev.nicsim.stack.device.FrameReceiver;

/**
 * One RX queue as the driver keeps it. Every buffer belongs to the device except the one before {@code next}: a poll
 * lends each completed buffer's frame to the stack in place, gives the buffer straight back (the stack copies what it
 * keeps), and moves the tail over all of them with one write.
 */
final class RxRing extends RingMemory
{
    private final Mmio bar;
    private final int tailRegister;
    private final int queue;
    private int next;
    private long frames;
    private long bytes;
    private long unclaimed;

    RxRing(final DmaAllocator allocator, final Iommu iommu, final Mmio bar, final String owner, final int queue,
        final int count, final int bufferBytes, final boolean mapBuffers)
    {
        super(allocator, iommu, owner + " rx" + (queue == 0 ? "" : Integer.toString(queue)), count, bufferBytes,
            Iommu.Access.READ_WRITE, 0, mapBuffers);
        this.bar = bar;
        this.queue = queue;
        this.tailRegister = QueueRegisters.rx(queue, QueueRegisters.TAIL);
        for (int i = 0; i < count; i++)
        {
            RxDescriptor.write(memory, descriptor(i), bufferAddress(i));
        }
    }

    /** The tail that hands every buffer but one to the device, for probe. */
    int initialTail()
    {
        return count - 1;
    }

    /**
     * Hands up to {@code budget} completed frames to {@code receiver} (or drops them while there is none), charging
     * {@code perFramePs} of CPU each; one tail write at the end. Returns how many frames there were.
     */
    int poll(final FrameReceiver receiver, final int budget, final HostCpu cpu, final long perFramePs)
    {
        int done = 0;
        while (done < budget)
        {
            final long descriptor = descriptor(next);
            final long fields = RxDescriptor.fields(memory, descriptor);
            if ((RxDescriptor.status(fields) & RxDescriptor.STATUS_DD) == 0)
            {
                break;
            }
            cpu.charge(perFramePs);
            bytes += RxDescriptor.length(fields);
            if (receiver != null)
            {
                receiver.receiveFrame(memory, buffer(next), RxDescriptor.length(fields),
                    RxDescriptor.checksum(fields), queue);
            }
            else
            {
                unclaimed++;
            }
            RxDescriptor.write(memory, descriptor, bufferAddress(next));
            next = next(next);
            done++;
        }
        if (done > 0)
        {
            bar.write32(tailRegister, previous(next));
            frames += done;
        }
        return done;
    }

    long frames()
    {
        return frames;
    }

    /** Bytes of every frame received so far. */
    long bytes()
    {
        return bytes;
    }

    /** Frames that arrived before the stack set a receiver (dropped). */
    long unclaimed()
    {
        return unclaimed;
    }
}
