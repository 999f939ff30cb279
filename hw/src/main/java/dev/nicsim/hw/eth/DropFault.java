package dev.nicsim.hw.eth;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/** Loses each frame with a fixed probability. */
public final class DropFault extends FrameStage
{
    private final double probability;
    private final SplittableRandom random;
    private long dropped;

    public DropFault(final double probability, final long seed)
    {
        this.probability = FaultProbability.check("drop", probability);
        this.random = new SplittableRandom(seed);
    }

    @Override
    public void receiveFrame(final MemorySegment frame, final long offset, final int length)
    {
        if (random.nextDouble() < probability)
        {
            dropped++;
            return;
        }
        forward(frame, offset, length);
    }

    public long dropped()
    {
        return dropped;
    }
}
