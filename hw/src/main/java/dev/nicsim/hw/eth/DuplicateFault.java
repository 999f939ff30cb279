package dev.nicsim.hw.eth;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/** Delivers a frame twice, back to back, with a fixed probability. */
public final class DuplicateFault extends FrameStage
{
    private final double probability;
    private final SplittableRandom random;
    private long duplicated;

    public DuplicateFault(final double probability, final long seed)
    {
        this.probability = FaultProbability.check("duplicate", probability);
        this.random = new SplittableRandom(seed);
    }

    @Override
    public void receiveFrame(final MemorySegment frame, final long offset, final int length)
    {
        final boolean twice = random.nextDouble() < probability;
        if (twice)
        {
            duplicated++;
            forwardAt(frame, offset, length, sim.now());
        }
        forward(frame, offset, length);
    }

    public long duplicated()
    {
        return duplicated;
    }
}
