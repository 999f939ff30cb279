package dev.nicsim.stack.iface;

import dev.nicsim.hw.host.CpuUse;
import dev.nicsim.stack.context.StackContext;
import dev.nicsim.stack.context.Transmitter;
import dev.nicsim.stack.device.FrameReceiver;
import dev.nicsim.stack.device.NetDevice;
import dev.nicsim.stack.wire.DropReason;
import dev.nicsim.stack.wire.EthernetFrame;
import dev.nicsim.stack.wire.Ipv4Address;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * One network interface: a {@link NetDevice} with an IPv4 address and prefix, its ARP cache, and the receive entry
 * point the device calls. Received frames are parsed in place and handed up; nothing is copied on the way to TCP.
 */
public final class NetworkInterface implements FrameReceiver, Transmitter
{
    private final StackContext stack;
    private final Ipv4Layer ipv4;
    private final NetDevice device;
    private final String name;
    private final int address;
    private final int prefixLength;
    private final boolean loopback;
    private final ArpCache arp;
    private final EthernetFrame ethernet = new EthernetFrame();
    private boolean transmitPending;
    private boolean linkUp;
    private long framesReceived;
    /* Receive offload, or null when stack.gro is off. */
    private final Gro gro;
    /*
     * Frames the IPv4 layer holds for a transmit slot, by TX queue (Linux's backlog in each queue's qdisc): how many,
     * and the first and last of each queue's FIFO (indices of held frames, which the IPv4 layer links).
     */
    private int[] waitingForSlot = new int[1];
    private int[] firstWaiting = {-1};
    private int[] lastWaiting = {-1};

    public NetworkInterface(final StackContext stack, final Ipv4Layer ipv4, final NetDevice device, final int address,
        final int prefixLength, final boolean loopback)
    {
        if (prefixLength < 0 || prefixLength > 32)
        {
            throw new IllegalArgumentException(device.name() + ": prefix length must be 0..32, got " + prefixLength);
        }
        if (device.mtu() < 576)
        {
            throw new IllegalArgumentException(device.name() + ": MTU " + device.mtu() + " is below IPv4's " +
                "minimum of 576");
        }
        this.stack = stack;
        this.ipv4 = ipv4;
        this.device = device;
        this.name = device.name();
        this.address = address;
        this.prefixLength = prefixLength;
        this.loopback = loopback;
        this.arp = loopback ? null : new ArpCache(stack, ipv4, this);
        this.linkUp = device.linkUp();
        this.gro = stack.config().gro() && !loopback
            ? new Gro(this::up, device.macAddress(), stack.sim()::now, stack.config().jiffyPs()) : null;
    }

    public String name()
    {
        return name;
    }

    public NetDevice device()
    {
        return device;
    }

    public int address()
    {
        return address;
    }

    public int prefixLength()
    {
        return prefixLength;
    }

    public long mac()
    {
        return device.macAddress();
    }

    public int mtu()
    {
        return device.mtu();
    }

    public boolean isLoopback()
    {
        return loopback;
    }

    /** The ARP cache, or null on loopback. */
    public ArpCache arp()
    {
        return arp;
    }

    public boolean linkUp()
    {
        return linkUp;
    }

    /** True when {@code other} is in this interface's subnet. */
    public boolean onLink(final int other)
    {
        final int mask = Ipv4Address.mask(prefixLength);
        return (other & mask) == (address & mask);
    }

    public long framesReceived()
    {
        return framesReceived;
    }

    /** Notes that a frame was committed, so the next flush rings the device's doorbell. */
    void transmitted()
    {
        transmitPending = true;
    }

    /** Tells the device about committed frames: one doorbell per burst. */
    @Override
    public void flush()
    {
        if (transmitPending)
        {
            transmitPending = false;
            device.txFlush();
        }
    }

    @Override
    public void receiveFrame(final MemorySegment memory, final long offset, final int length, final int rawChecksum)
    {
        stack.enterSoftirq();
        try
        {
            framesReceived++;
            if (gro != null)
            {
                stack.cpu().charge(CpuUse.STACK, stack.cpu().costs().groFramePs());
                gro.receive(memory, offset, length, rawChecksum);
            }
            else
            {
                up(memory, offset, length, rawChecksum);
            }
        }
        finally
        {
            stack.exitSoftirq();
        }
    }

    /* One packet (a frame, or GRO's merged packet) up through the layers, at the stack's per-packet cost. */
    private void up(final MemorySegment memory, final long offset, final int length, final int rawChecksum)
    {
        stack.cpu().charge(CpuUse.STACK, stack.cpu().costs().stackRxPacketPs());
        stack.stats().received(input(memory, offset, length, rawChecksum));
    }

    /** Received frames GRO merged into the packet before them (0 with GRO off). */
    public long groMerged()
    {
        return gro == null ? 0 : gro.merged();
    }

    /** One frame through the layers: its outcome, {@link DropReason#ACCEPTED} or why it was dropped. */
    private int input(final MemorySegment memory, final long offset, final int length, final int rawChecksum)
    {
        ethernet.wrap(memory, offset, length);
        final int invalid = ethernet.validate();
        if (invalid != 0)
        {
            return invalid;
        }
        final long destination = ethernet.destination();
        if (!loopback && destination != device.macAddress() && !EthernetFrame.isMulticast(destination))
        {
            return DropReason.ETH_NOT_FOR_US;
        }
        final int type = ethernet.type();
        final long payload = offset + EthernetFrame.HEADER_LENGTH;
        final int payloadLength = length - EthernetFrame.HEADER_LENGTH;
        if (type == EthernetFrame.TYPE_IPV4)
        {
            return ipv4.receive(this, memory, payload, payloadLength, rawChecksum);
        }
        if (type == EthernetFrame.TYPE_ARP && arp != null)
        {
            return arp.receive(memory, payload, payloadLength, destination == device.macAddress());
        }
        return DropReason.ETH_UNKNOWN_TYPE;
    }

    @Override
    public void receiveBatchDone()
    {
        stack.enterSoftirq();
        if (gro != null)
        {
            gro.flushAll();
        }
        stack.flushTransmit();
        stack.exitSoftirq();
    }

    @Override
    public void receiveBudgetSpent(final int rxQueue)
    {
        stack.enterSoftirq();
        if (gro != null)
        {
            gro.flushOld();
        }
        stack.flushTransmit();
        stack.exitSoftirq();
    }

    /** Frames held for a slot of TX queue {@code queue}. */
    int framesWaitingForSlot(final int queue)
    {
        return queue < waitingForSlot.length ? waitingForSlot[queue] : 0;
    }

    /** Queues 0 to this number less one may have frames waiting for a slot. */
    int queuesWithFramesWaiting()
    {
        return waitingForSlot.length;
    }

    /** The first held frame waiting for a slot of {@code queue}, or -1. */
    int firstWaiting(final int queue)
    {
        return queue < firstWaiting.length ? firstWaiting[queue] : -1;
    }

    /** Held frame {@code held} joins the end of {@code queue}'s backlog; returns the frame before it, or -1. */
    int enqueueWaiting(final int queue, final int held)
    {
        if (queue >= waitingForSlot.length)
        {
            final int from = waitingForSlot.length;
            waitingForSlot = Arrays.copyOf(waitingForSlot, queue + 1);
            firstWaiting = Arrays.copyOf(firstWaiting, queue + 1);
            lastWaiting = Arrays.copyOf(lastWaiting, queue + 1);
            Arrays.fill(firstWaiting, from, queue + 1, -1);
            Arrays.fill(lastWaiting, from, queue + 1, -1);
        }
        final int before = lastWaiting[queue];
        if (before < 0)
        {
            firstWaiting[queue] = held;
        }
        lastWaiting[queue] = held;
        waitingForSlot[queue]++;
        return before;
    }

    /** The first frame of {@code queue}'s backlog has gone; {@code next} (-1 if none) is first now. */
    void dequeueWaiting(final int queue, final int next)
    {
        waitingForSlot[queue]--;
        firstWaiting[queue] = next;
        if (next < 0)
        {
            lastWaiting[queue] = -1;
        }
    }

    @Override
    public void txSpaceAvailable()
    {
        stack.enterSoftirq();
        ipv4.drainHeld(this);
        stack.flushTransmit();
        stack.exitSoftirq();
    }

    @Override
    public void linkChanged(final boolean up)
    {
        linkUp = up;
    }

    @Override
    public String toString()
    {
        return name + " " + Ipv4Address.format(address) + "/" + prefixLength;
    }
}
