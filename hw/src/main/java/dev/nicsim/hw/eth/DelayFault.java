package dev.nicsim.hw.eth;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/**
 * Delays every frame by a fixed amount plus a uniformly random jitter in {@code [0, jitterPs]}. With jitter, frames
 * can overtake each other, which is how a path with varying delay reorders.
 */
public final class DelayFault extends FrameStage
{
    private final long delayPs;
    private final long jitterPs;
    private final SplittableRandom random;

    public DelayFault(final long delayPs, final long jitterPs, final long seed)
    {
        if (delayPs < 0 || jitterPs < 0)
        {
            throw new IllegalArgumentException("delay and jitter must not be negative: " + delayPs + " ps, " +
                jitterPs + " ps");
        }
        this.delayPs = delayPs;
        this.jitterPs = jitterPs;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public void receiveFrame(final MemorySegment frame, final long offset, final int length)
    {
        final long jitter = jitterPs == 0 ? 0 : random.nextLong(jitterPs + 1);
        forwardAt(frame, offset, length, sim.now() + delayPs + jitter);
    }
}
