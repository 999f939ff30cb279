package dev.nicsim.hw.eth;

import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Simulator;

import java.lang.foreign.MemorySegment;

/**
 * A step in a link's receive path that may change what arrives: drop, corrupt, duplicate, delay or reorder frames.
 * Stages stack: each passes what it lets through to the next, and the last one to the receiving port. Subclasses
 * decide per frame in {@link #receiveFrame} and call {@link #forward} or {@link #forwardAt}.
 */
public abstract class FrameStage implements FrameSink
{
    private FrameSink next;
    private FrameCarriers held;
    protected Simulator sim;

    final void install(final Simulator sim, final FrameSink next, final int maxFrameBytes, final String name)
    {
        if (this.next != null)
        {
            throw new IllegalStateException(getClass().getSimpleName() + " is already installed on a link");
        }
        this.sim = sim;
        this.next = next;
        this.held = new FrameCarriers(sim, maxFrameBytes, name + "." + getClass().getSimpleName(),
            Component.MAC_WIRE);
    }

    final void relink(final FrameSink next)
    {
        this.next = next;
    }

    /** Passes a frame on now. */
    protected final void forward(final MemorySegment frame, final long offset, final int length)
    {
        next.receiveFrame(frame, offset, length);
    }

    /** Passes a copy of the frame on at a later time. */
    protected final void forwardAt(final MemorySegment frame, final long offset, final int length, final long time)
    {
        held.deliverLater(frame, offset, length, time, next);
    }
}
