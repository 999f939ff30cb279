package dev.nicsim.hw.pcie;

import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;

/**
 * One host interrupt vector and the MSI message (address, data) a device writes to raise it. Software programs the
 * message into the device's MSI-X table; the device never sees the handler.
 */
public final class MsiVector
{
    private final String name;
    private final long address;
    private final int data;
    private final Event dispatch;
    private long deliveries;
    private long coalesced;

    MsiVector(final String name, final long address, final int data, final InterruptHandler handler)
    {
        this.name = name;
        this.address = address;
        this.data = data;
        this.dispatch = new Event(name + ".irq", Component.HOST_CPU, handler::handleInterrupt);
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

    Event dispatch()
    {
        return dispatch;
    }

    void countDelivery()
    {
        deliveries++;
    }

    void countCoalesced()
    {
        coalesced++;
    }
}
