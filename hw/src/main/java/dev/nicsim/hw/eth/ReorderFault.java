package dev.nicsim.hw.eth;

import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/**
 * With a fixed probability, holds a frame back and delivers it right after the next one (so the two swap places).
 * A held frame is released after {@code maxHoldPs} if no next frame comes, so nothing is lost.
 */
public final class ReorderFault extends FrameStage
{
    private final double probability;
    private final long maxHoldPs;
    private final SplittableRandom random;
    private MemorySegment heldFrame;
    private int heldLength = -1;
    private long reordered;
    private final Event release = new Event("reorder.release", Component.MAC_WIRE, this::releaseHeld);

    public ReorderFault(final double probability, final long maxHoldPs, final long seed)
    {
        this.probability = FaultProbability.check("reorder", probability);
        if (maxHoldPs <= 0)
        {
            throw new IllegalArgumentException("reorder max hold time must be positive, got " + maxHoldPs + " ps");
        }
        this.maxHoldPs = maxHoldPs;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public void receiveFrame(final MemorySegment frame, final long offset, final int length)
    {
        if (heldLength >= 0)
        {
            forward(frame, offset, length);
            releaseHeld();
            return;
        }
        if (random.nextDouble() < probability)
        {
            if (heldFrame == null || heldFrame.byteSize() < length)
            {
                heldFrame = Arena.ofAuto().allocate(Math.max(length, 1522), 8);
            }
            MemorySegment.copy(frame, offset, heldFrame, 0, length);
            heldLength = length;
            reordered++;
            sim.scheduleIn(release, maxHoldPs);
            return;
        }
        forward(frame, offset, length);
    }

    private void releaseHeld()
    {
        sim.cancel(release);
        final int length = heldLength;
        heldLength = -1;
        forward(heldFrame, 0, length);
    }

    public long reordered()
    {
        return reordered;
    }
}
