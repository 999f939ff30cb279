package dev.nicsim.stack.iface;

import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.stack.NetworkStack;
import dev.nicsim.stack.device.NetDevice;
import dev.nicsim.stack.wire.ArpPacket;
import dev.nicsim.stack.wire.DropReason;
import dev.nicsim.stack.wire.EthernetFrame;

import java.lang.foreign.MemorySegment;

/**
 * An interface's ARP cache (RFC 826, with Linux's neighbour timing). A miss creates an INCOMPLETE entry and
 * broadcasts a request; packets for that next hop are held (see {@link Ipv4Layer}) until a reply arrives. Requests
 * go out {@code arpRetransmit} apart (1 s); after {@code arpProbes} (3) unanswered ones the entry fails and every
 * held packet is reported to its sender as an ICMP host-unreachable, which is how Linux's connect() gets
 * EHOSTUNREACH after about 3 s.
 *
 * <p>A resolved entry is fresh for {@code arpReachable} (30 s); after that it is still used, but its first use sends
 * a new request, and it is dropped if that refresh goes unanswered as many times.
 */
public final class ArpCache
{
    private static final int CAPACITY = 256;
    private static final int FREE = 0;
    private static final int INCOMPLETE = 1;
    private static final int RESOLVED = 2;

    private final NetworkStack stack;
    private final NetworkInterface iface;
    private final int[] ip = new int[CAPACITY];
    private final long[] mac = new long[CAPACITY];
    private final int[] state = new int[CAPACITY];
    private final long[] freshUntil = new long[CAPACITY];
    private final int[] probesSent = new int[CAPACITY];
    private final boolean[] refreshing = new boolean[CAPACITY];
    private final ProbeTimer[] timers = new ProbeTimer[CAPACITY];
    private final ArpPacket packet = new ArpPacket();
    private final EthernetFrame ethernet = new EthernetFrame();
    private long requestsSent;
    /* Most lookups are for the same next hop (the gateway): try it before scanning. */
    private int lastHit;

    ArpCache(final NetworkStack stack, final NetworkInterface iface)
    {
        this.stack = stack;
        this.iface = iface;
        for (int i = 0; i < CAPACITY; i++)
        {
            timers[i] = new ProbeTimer(i);
        }
    }

    /**
     * The MAC for {@code address}, or -1 when it is not known yet, in which case resolution has been started (or
     * is under way) and the caller holds its packet.
     */
    public long lookup(final int address)
    {
        final int entry = find(address);
        final long now = stack.sim().now();
        if (entry >= 0 && state[entry] == RESOLVED)
        {
            if (now >= freshUntil[entry] && !refreshing[entry])
            {
                refreshing[entry] = true;
                probesSent[entry] = 0;
                probe(entry);
            }
            return mac[entry];
        }
        if (entry < 0)
        {
            final int slot = allocate(address);
            state[slot] = INCOMPLETE;
            probesSent[slot] = 0;
            probe(slot);
        }
        return -1;
    }

    /** Adds or replaces a permanent entry ({@code ip neigh add ... nud permanent}): it never goes stale. */
    public void put(final int address, final long hardware)
    {
        final int entry = find(address);
        final int slot = entry >= 0 ? entry : allocate(address);
        resolved(slot, hardware);
        freshUntil[slot] = Long.MAX_VALUE;
    }

    /** True when {@code address} has a resolved entry. */
    public boolean contains(final int address)
    {
        final int entry = find(address);
        return entry >= 0 && state[entry] == RESOLVED;
    }

    public long requestsSent()
    {
        return requestsSent;
    }

    void receive(final MemorySegment memory, final long offset, final int length)
    {
        packet.wrap(memory, offset, length);
        final int invalid = packet.validate();
        if (invalid != 0)
        {
            stack.stats().drop(invalid);
            return;
        }
        final int sender = packet.senderIp();
        final long senderMac = packet.senderMac();
        final boolean forUs = packet.targetIp() == iface.address();
        final int entry = find(sender);
        if (sender != 0 && (entry >= 0 || forUs))
        {
            resolved(entry >= 0 ? entry : allocate(sender), senderMac);
        }
        if (forUs && packet.operation() == ArpPacket.REQUEST)
        {
            send(ArpPacket.REPLY, senderMac, sender);
        }
        else if (!forUs && entry < 0)
        {
            stack.stats().drop(DropReason.ETH_NOT_FOR_US);
        }
    }

    private void resolved(final int entry, final long hardware)
    {
        final boolean wasIncomplete = state[entry] == INCOMPLETE;
        state[entry] = RESOLVED;
        mac[entry] = hardware;
        freshUntil[entry] = stack.sim().now() + stack.config().arpReachablePs();
        refreshing[entry] = false;
        stack.sim().cancel(timers[entry]);
        if (wasIncomplete)
        {
            stack.ipv4().releaseHeld(iface, ip[entry], hardware);
        }
    }

    private void probe(final int entry)
    {
        probesSent[entry]++;
        send(ArpPacket.REQUEST, EthernetFrame.BROADCAST, ip[entry]);
        stack.sim().reschedule(timers[entry], stack.sim().now() + stack.config().arpRetransmitPs());
    }

    private void probeTimeout(final int entry)
    {
        stack.enterSoftirq();
        if (probesSent[entry] < stack.config().arpProbes())
        {
            probe(entry);
        }
        else
        {
            final int address = ip[entry];
            final boolean incomplete = state[entry] == INCOMPLETE;
            state[entry] = FREE;
            if (incomplete)
            {
                stack.ipv4().failHeld(iface, address);
            }
        }
        stack.flushTransmit();
        stack.exitSoftirq();
    }

    private void send(final int operation, final long targetMac, final int targetIp)
    {
        final NetDevice device = iface.device();
        final int slot = device.txReserve();
        if (slot == NetDevice.NO_SLOT)
        {
            stack.stats().drop(DropReason.TX_NO_ROOM);
            return;
        }
        final MemorySegment memory = device.txMemory();
        final long at = device.txOffset(slot);
        ethernet.wrap(memory, at, EthernetFrame.HEADER_LENGTH);
        ethernet.emit(operation == ArpPacket.REQUEST ? EthernetFrame.BROADCAST : targetMac, device.macAddress(),
            EthernetFrame.TYPE_ARP);
        packet.wrap(memory, at + EthernetFrame.HEADER_LENGTH, ArpPacket.LENGTH);
        packet.emit(operation, device.macAddress(), iface.address(), operation == ArpPacket.REQUEST ? 0 : targetMac,
            targetIp);
        device.txCommit(slot, EthernetFrame.HEADER_LENGTH + ArpPacket.LENGTH, -1, -1);
        iface.transmitted();
        if (operation == ArpPacket.REQUEST)
        {
            requestsSent++;
        }
    }

    private int find(final int address)
    {
        if (state[lastHit] != FREE && ip[lastHit] == address)
        {
            return lastHit;
        }
        for (int i = 0; i < CAPACITY; i++)
        {
            if (state[i] != FREE && ip[i] == address)
            {
                lastHit = i;
                return i;
            }
        }
        return -1;
    }

    /** A free entry, or else the resolved entry that went stale first. Incomplete entries are never evicted. */
    private int allocate(final int address)
    {
        int victim = -1;
        for (int i = 0; i < CAPACITY; i++)
        {
            if (state[i] == FREE)
            {
                victim = i;
                break;
            }
            if (state[i] == RESOLVED && (victim < 0 || freshUntil[i] < freshUntil[victim]))
            {
                victim = i;
            }
        }
        if (victim < 0)
        {
            victim = 0;
        }
        stack.sim().cancel(timers[victim]);
        ip[victim] = address;
        state[victim] = INCOMPLETE;
        refreshing[victim] = false;
        return victim;
    }

    /** One entry's request timer. */
    private final class ProbeTimer extends Event
    {
        private final int entry;

        ProbeTimer(final int entry)
        {
            super("arp.probe", Component.TIMER);
            this.entry = entry;
        }

        @Override
        protected void fire()
        {
            probeTimeout(entry);
        }
    }
}
