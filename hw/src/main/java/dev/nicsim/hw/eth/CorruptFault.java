package dev.nicsim.hw.eth;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * Flips one random bit in a frame with a fixed probability, as line noise would. The FCS no longer matches, so a
 * receiving MAC that checks it drops the frame.
 */
public final class CorruptFault extends FrameStage
{
    private final double probability;
    private final SplittableRandom random;
    private long corrupted;

    public CorruptFault(final double probability, final long seed)
    {
        this.probability = FaultProbability.check("corrupt", probability);
        this.random = new SplittableRandom(seed);
    }

    @Override
    public void receiveFrame(final MemorySegment frame, final long offset, final int length)
    {
        if (random.nextDouble() < probability)
        {
            corrupted++;
            final long at = offset + random.nextInt(length);
            final byte value = frame.get(ValueLayout.JAVA_BYTE, at);
            frame.set(ValueLayout.JAVA_BYTE, at, (byte) (value ^ (1 << random.nextInt(8))));
        }
        forward(frame, offset, length);
    }

    public long corrupted()
    {
        return corrupted;
    }
}
