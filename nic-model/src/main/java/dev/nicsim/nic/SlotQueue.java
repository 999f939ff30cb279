package dev.nicsim.nic;

import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Simulator;

/**
 * Frames moving through a fixed-latency pipeline stage, in order: each enters with the time it comes out, and one
 * preallocated event hands them to the next block at those times. Pipelines keep order, so times never decrease.
 */
final class SlotQueue extends Event
{
    /** The block a frame goes to when it comes out. */
    @FunctionalInterface
    interface Exit
    {
        void slotDue(int slot);
    }

    private final Simulator sim;
    private final Exit exit;
    private final int[] slots;
    private final long[] times;
    private int head;
    private int count;

    SlotQueue(final Simulator sim, final String name, final Component component, final int capacity,
        final Exit exit)
    {
        super(name, component);
        this.sim = sim;
        this.exit = exit;
        this.slots = new int[capacity];
        this.times = new long[capacity];
    }

    /** A frame enters; it comes out at {@code time} (not before the frame ahead of it). */
    void add(final int slot, final long time)
    {
        final int tail = (head + count) % slots.length;
        slots[tail] = slot;
        times[tail] = count == 0 ? time : Math.max(time, times[(tail + slots.length - 1) % slots.length]);
        count++;
        if (!isScheduled())
        {
            sim.schedule(this, Math.max(sim.now(), times[head]));
        }
    }

    int size()
    {
        return count;
    }

    void clear()
    {
        count = 0;
        sim.cancel(this);
    }

    @Override
    protected void fire()
    {
        final int slot = slots[head];
        head = (head + 1) % slots.length;
        count--;
        exit.slotDue(slot);
        if (count > 0 && !isScheduled())
        {
            sim.schedule(this, Math.max(sim.now(), times[head]));
        }
    }
}
