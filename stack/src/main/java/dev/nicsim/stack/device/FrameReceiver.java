package dev.nicsim.stack.device;

import java.lang.foreign.MemorySegment;

/** What a {@link NetDevice} delivers to: the stack's receive side. */
public interface FrameReceiver
{
    /** Returned as {@code rawChecksum} when the device computed none. */
    int NO_CHECKSUM = -1;

    /**
     * One received frame, destination MAC through payload (FCS stripped), lent in place: valid only during this call.
     * {@code rawChecksum} is the 16-bit ones'-complement sum of the bytes after the 14-byte Ethernet header, or
     * {@link #NO_CHECKSUM}.
     */
    void receiveFrame(MemorySegment memory, long offset, int length, int rawChecksum);

    /**
     * The same, for a frame that arrived on RX queue {@code rxQueue} of a multi-queue device (0 to
     * {@link NetDevice#rxQueues()} - 1): the queue RSS picked, whose interrupt reached the CPU running this call.
     * Multi-queue devices call this one; by default it forgets the queue.
     */
    default void receiveFrame(final MemorySegment memory, final long offset, final int length, final int rawChecksum,
        final int rxQueue)
    {
        receiveFrame(memory, offset, length, rawChecksum);
    }

    /** The end of a batch of received frames: time to send what the batch produced, with one flush. */
    void receiveBatchDone();

    /** The end of a batch of frames of RX queue {@code rxQueue} (one NAPI poll); by default the same as above. */
    default void receiveBatchDone(final int rxQueue)
    {
        receiveBatchDone();
    }

    /**
     * The end of a NAPI poll of RX queue {@code rxQueue} that used its whole budget, so that another poll follows at
     * once; the next poll that does not is followed by {@link #receiveBatchDone(int)}, whether it found frames or not.
     * Linux then sends up only the GRO packets begun before the current jiffy ({@code __napi_poll}'s
     * {@code gro_flush_normal(&n->gro, HZ >= 1000)}). By default the same as any batch's end.
     */
    default void receiveBudgetSpent(final int rxQueue)
    {
        receiveBatchDone(rxQueue);
    }

    /** Transmit slots have been freed after the device said {@link NetDevice#NO_SLOT}. */
    void txSpaceAvailable();

    void linkChanged(boolean up);
}
