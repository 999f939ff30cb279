package dev.nicsim.stack.device;

import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Simulator;

/**
 * The loopback interface ("lo"): a flushed frame is received by the same stack in an event at the flush time, read
 * in place from the transmit slot (no copy), as Linux's loopback hands the skb straight back. MTU 65536 as on Linux;
 * no checksum offload and no ARP.
 */
public final class LoopbackDevice extends SlottedDevice
{
    /** Linux's loopback MTU. */
    public static final int MTU = 65536;
    private static final int SLOTS = 16;

    private final Event delivery;

    public LoopbackDevice(final Simulator sim, final String name)
    {
        super(sim, name, 0, MTU, 0, SLOTS, 0);
        this.delivery = new Event(name + ".deliver", Component.HOST_CPU, this::deliver);
    }

    @Override
    public boolean linkUp()
    {
        return true;
    }

    @Override
    protected void flushed()
    {
        if (!delivery.isScheduled())
        {
            sim.schedule(delivery, sim.now());
        }
    }

    private void deliver()
    {
        boolean more = true;
        while (more)
        {
            more = transmitNext();
        }
        receiver.receiveBatchDone();
    }

    @Override
    protected void send(final int slot, final long offset, final int length)
    {
        receiver.receiveFrame(txMemory(), offset, length, FrameReceiver.NO_CHECKSUM);
        releaseSlot(slot);
    }
}
