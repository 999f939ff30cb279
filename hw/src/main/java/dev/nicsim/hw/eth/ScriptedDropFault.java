package dev.nicsim.hw.eth;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Loses the frames at given places in the order they arrive (the 300th, the 20 000th, ...), counting from 1: a loss
 * pattern that is the same in every run and on every path, whatever the timing, so a sender's reaction to it can be
 * compared with another sender's (the kernel's CUBIC with nicsim's, docs/congestion.md).
 */
public final class ScriptedDropFault extends FrameStage
{
    private final long[] ordinals;
    private long arrived;
    private int next;

    /** @param ordinals the 1-based places of the frames to lose, strictly increasing */
    public ScriptedDropFault(final long... ordinals)
    {
        for (int i = 0; i < ordinals.length; i++)
        {
            if (ordinals[i] < 1 || i > 0 && ordinals[i] <= ordinals[i - 1])
            {
                throw new IllegalArgumentException("frames to drop are counted from 1 and strictly increasing: " +
                    Arrays.toString(ordinals));
            }
        }
        this.ordinals = ordinals.clone();
    }

    @Override
    public void receiveFrame(final MemorySegment frame, final long offset, final int length)
    {
        arrived++;
        if (next < ordinals.length && ordinals[next] == arrived)
        {
            next++;
            return;
        }
        forward(frame, offset, length);
    }

    /** How many frames it has lost so far. */
    public int dropped()
    {
        return next;
    }
}
