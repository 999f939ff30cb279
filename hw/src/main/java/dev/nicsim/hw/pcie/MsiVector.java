package dev.nicsim.hw.pcie;

import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Simulator;

/**
 * One host interrupt vector and the MSI message (address, data) a device writes to raise it. Software programs the
 * message into the device's MSI-X table; the device never sees the handler.
 */
public final class MsiVector
{
    private final String name;
    private final long address;
    private final int data;
    private final InterruptHandler handler;
    private final Simulator sim;
    private final Event dispatch;
    /* Handler runs to come, in time order: the head is the scheduled dispatch, the rest wait behind it. */
    private long[] dueAt = new long[4];
    private int dueHead;
    private int dueCount;
    private long deliveries;
    private long coalesced;

    MsiVector(final Simulator sim, final String name, final long address, final int data,
        final InterruptHandler handler)
    {
        this.sim = sim;
        this.name = name;
        this.address = address;
        this.data = data;
        this.handler = handler;
        this.dispatch = new Event(name + ".irq", Component.HOST_CPU, this::dispatch);
    }

    public String name()
    {
        return name;
    }

    /** The message address to program into the device (in the x86 MSI window). */
    public long address()
    {
        return address;
    }

    /** The message data to program into the device: identifies the vector. */
    public int data()
    {
        return data;
    }

    /** Interrupts taken by the handler. */
    public long deliveries()
    {
        return deliveries;
    }

    /** Messages that arrived while the previous one was still waiting for the CPU (merged into it). */
    public long coalesced()
    {
        return coalesced;
    }

    /**
     * A message for this vector lands at {@code at}: it merges into a handler run still to come, or the handler runs
     * {@code latencyPs} later. Messages arrive in landing order.
     */
    void land(final long at, final long latencyPs)
    {
        if (dueCount > 0 && dueAt[(dueHead + dueCount - 1) % dueAt.length] > at)
        {
            coalesced++;
            return;
        }
        deliveries++;
        final long due = at + latencyPs;
        if (dueCount == 0)
        {
            sim.schedule(dispatch, due);
        }
        if (dueCount == dueAt.length)
        {
            final long[] grown = new long[2 * dueCount];
            for (int i = 0; i < dueCount; i++)
            {
                grown[i] = dueAt[(dueHead + i) % dueCount];
            }
            dueAt = grown;
            dueHead = 0;
        }
        dueAt[(dueHead + dueCount) % dueAt.length] = due;
        dueCount++;
    }

    /** The vector is freed: no handler runs any more. */
    void cancel()
    {
        sim.cancel(dispatch);
        dueCount = 0;
    }

    private void dispatch()
    {
        dueHead = (dueHead + 1) % dueAt.length;
        dueCount--;
        if (dueCount > 0)
        {
            sim.schedule(dispatch, dueAt[dueHead]);
        }
        handler.handleInterrupt();
    }
}
