package dev.nicsim.hw.eth;

import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Simulator;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;

/**
 * Copies of frames on their way somewhere later: a pool of buffers, each an event that hands its frame to a sink when
 * it fires. Used for frames in flight on a wire and for frames a fault stage holds back. The pool grows to the
 * largest number in flight at once and then allocates nothing.
 */
final class FrameCarriers
{
    private final Simulator sim;
    private final int maxFrameBytes;
    private final String name;
    private final Component component;
    private final ArrayDeque<Carrier> free = new ArrayDeque<>();
    private int inFlight;

    FrameCarriers(final Simulator sim, final int maxFrameBytes, final String name, final Component component)
    {
        this.sim = sim;
        this.maxFrameBytes = maxFrameBytes;
        this.name = name;
        this.component = component;
    }

    /** Copies the frame now and hands the copy to {@code sink} at {@code time}. */
    void deliverLater(final MemorySegment frame, final long offset, final int length, final long time,
        final FrameSink sink)
    {
        deliverLater(frame, offset, length, time, sink, false);
    }

    /** The same, passing the sink {@link FrameSink#receiveFrame(MemorySegment, long, int, boolean) fcsIntact}. */
    void deliverLater(final MemorySegment frame, final long offset, final int length, final long time,
        final FrameSink sink, final boolean fcsIntact)
    {
        final Carrier carrier = free.isEmpty() ? new Carrier() : free.pop();
        MemorySegment.copy(frame, offset, carrier.buffer, 0, length);
        carrier.length = length;
        carrier.sink = sink;
        carrier.fcsIntact = fcsIntact;
        inFlight++;
        sim.schedule(carrier, time);
    }

    int inFlight()
    {
        return inFlight;
    }

    private final class Carrier extends Event
    {
        final MemorySegment buffer = Arena.ofAuto().allocate(maxFrameBytes, 8);
        int length;
        FrameSink sink;
        boolean fcsIntact;

        Carrier()
        {
            super(name, component);
        }

        @Override
        protected void fire()
        {
            final FrameSink target = sink;
            sink = null;
            inFlight--;
            // Hand the frame over before recycling the buffer: the sink may only use it during the call.
            target.receiveFrame(buffer, 0, length, fcsIntact);
            free.push(this);
        }
    }
}
