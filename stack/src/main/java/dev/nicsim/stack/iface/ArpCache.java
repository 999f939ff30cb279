package dev.nicsim.stack.iface;

import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.context.StackContext;
import dev.nicsim.stack.device.NetDevice;
import dev.nicsim.stack.wire.ArpPacket;
import dev.nicsim.stack.wire.DropReason;
import dev.nicsim.stack.wire.EthernetFrame;
import dev.nicsim.stack.wire.Ipv4Address;

import java.lang.foreign.MemorySegment;

/**
 * An interface's ARP cache (RFC 826) with Linux's neighbour state machine ({@code net/core/neighbour.c},
 * {@code net/ipv4/arp.c}), because ARP is unauthenticated and only these rules keep a forged or stale entry from
 * cutting a connection off for long.
 *
 * <h2>States</h2>
 * <pre>
 *   (none) --use--> INCOMPLETE --reply--> REACHABLE --reachable time passes, then use--> DELAY
 *                        |  3 broadcast requests 1 s apart, unanswered: held packets get host unreachable
 *   any ARP from a known neighbour, or a request for us --> STALE --use--> DELAY --5 s, no confirmation--> PROBE
 *   DELAY --confirmed (TCP made progress, or a unicast reply)--> REACHABLE
 *   PROBE: 3 unicast requests to the cached MAC 1 s apart; a reply makes it REACHABLE, silence frees the entry
 *   (FAILED), and the next packet starts over with a broadcast.
 * </pre>
 * A packet to an INCOMPLETE entry is held (see {@link Ipv4Layer}); in every other state it goes to the cached MAC.
 *
 * <h2>Updates from received ARP ({@code arp_process}, {@code __neigh_update})</h2>
 * <ul>
 *   <li>A request for this host's address answers it and creates or updates the sender's entry as STALE, replacing
 *   its MAC ({@code neigh_event_ns}).</li>
 *   <li>Any other ARP updates the sender's entry only when one exists ({@code arp_accept} = 0: unsolicited ARP
 *   creates nothing): a unicast reply makes it REACHABLE, anything else STALE. A different MAC replaces the cached
 *   one only when the entry has not changed for {@code locktime} (1 s) or the packet is gratuitous (sender address
 *   equals target address); otherwise it is ignored. The same MAC never downgrades a valid entry.</li>
 *   <li>Requests for a multicast or loopback address are dropped; a sender address of 0 is a duplicate-address probe:
 *   answered when it asks for this host's address, never cached.</li>
 * </ul>
 * So a forged ARP can redirect a neighbour for at most the delay and probe times (about 8 s) before the entry is
 * verified by unicast probes, found wrong and resolved again by broadcast, where the real neighbour answers.
 * Permanent entries ({@link #put}) never change.
 */
public final class ArpCache
{
    /** Linux's {@code delay_first_probe_time}: how long a STALE entry in use waits for a confirmation. */
    public static final long DELAY_FIRST_PROBE_PS = 5 * Time.S;
    /** Linux's ARP {@code locktime}: a changed MAC is ignored this soon after the entry's last change. */
    public static final long LOCKTIME_PS = Time.S;

    private static final int CAPACITY = 256;
    private static final int FREE = 0;
    private static final int INCOMPLETE = 1;
    private static final int REACHABLE = 2;
    private static final int STALE = 3;
    private static final int DELAY = 4;
    private static final int PROBE = 5;
    private static final int PERMANENT = 6;

    private final StackContext stack;
    private final Ipv4Layer ipv4;
    private final NetworkInterface iface;
    private final int[] ip = new int[CAPACITY];
    private final long[] mac = new long[CAPACITY];
    private final int[] state = new int[CAPACITY];
    /** When the MAC or the state last changed (Linux's {@code updated}): the locktime counts from it. */
    private final long[] updated = new long[CAPACITY];
    /** When the neighbour was last known to be reachable (Linux's {@code confirmed}). */
    private final long[] confirmed = new long[CAPACITY];
    private final int[] probesSent = new int[CAPACITY];
    private final ProbeTimer[] timers = new ProbeTimer[CAPACITY];
    private final ArpPacket packet = new ArpPacket();
    private final EthernetFrame ethernet = new EthernetFrame();
    private long requestsSent;
    /* Most lookups are for the same next hop (the gateway): try it before scanning. */
    private int lastHit;

    ArpCache(final StackContext stack, final Ipv4Layer ipv4, final NetworkInterface iface)
    {
        this.stack = stack;
        this.ipv4 = ipv4;
        this.iface = iface;
        for (int i = 0; i < CAPACITY; i++)
        {
            timers[i] = new ProbeTimer(i);
        }
    }

    /**
     * The MAC to send to {@code address}, or -1 when it is not known yet, in which case resolution has been started
     * (or is under way) and the caller holds its packet. Using a STALE entry starts its verification.
     */
    public long lookup(final int address)
    {
        final int entry = find(address);
        if (entry < 0)
        {
            final int slot = allocate(address);
            state[slot] = INCOMPLETE;
            updated[slot] = stack.sim().now();
            probesSent[slot] = 0;
            probe(slot, EthernetFrame.BROADCAST);
            return -1;
        }
        final long now = stack.sim().now();
        switch (state[entry])
        {
            case INCOMPLETE:
                return -1;
            case REACHABLE:
                if (now - confirmed[entry] > stack.config().arpReachablePs())
                {
                    delay(entry, now);
                }
                return mac[entry];
            case STALE:
                delay(entry, now);
                return mac[entry];
            default:
                return mac[entry];
        }
    }

    /** Adds or replaces a permanent entry ({@code ip neigh add ... nud permanent}): it never goes stale. */
    public void put(final int address, final long hardware)
    {
        final int entry = find(address);
        final int slot = entry >= 0 ? entry : allocate(address);
        final boolean wasIncomplete = state[slot] == INCOMPLETE;
        stack.sim().cancel(timers[slot]);
        state[slot] = PERMANENT;
        mac[slot] = hardware;
        updated[slot] = stack.sim().now();
        if (wasIncomplete)
        {
            ipv4.releaseHeld(iface, address, hardware);
        }
    }

    /**
     * Upper-layer proof that {@code address} is reachable (Linux's {@code neigh_confirm}, from TCP acknowledging new
     * data): a DELAY entry then turns REACHABLE without probing, and a REACHABLE one stays so.
     */
    public void confirm(final int address)
    {
        final int entry = find(address);
        if (entry >= 0 && state[entry] != INCOMPLETE)
        {
            confirmed[entry] = stack.sim().now();
        }
    }

    /** True when {@code address} has an entry a packet can be sent to (any state but INCOMPLETE). */
    public boolean contains(final int address)
    {
        final int entry = find(address);
        return entry >= 0 && state[entry] != INCOMPLETE;
    }

    /** The cached MAC of {@code address}, or -1 when there is none (or it is still being resolved). */
    public long cachedMac(final int address)
    {
        final int entry = find(address);
        return entry >= 0 && state[entry] != INCOMPLETE ? mac[entry] : -1;
    }

    /** Requests sent, broadcast and unicast. */
    public long requestsSent()
    {
        return requestsSent;
    }

    /** An ARP packet; {@code unicast} when its Ethernet destination was this interface's MAC. Returns the outcome. */
    int receive(final MemorySegment memory, final long offset, final int length, final boolean unicast)
    {
        packet.wrap(memory, offset, length);
        final int invalid = packet.validate();
        if (invalid != 0)
        {
            return invalid;
        }
        final int sender = packet.senderIp();
        final int target = packet.targetIp();
        final long senderMac = packet.senderMac();
        final boolean request = packet.operation() == ArpPacket.REQUEST;
        if (Ipv4Address.isMulticast(target) || Ipv4Address.isLoopback(target))
        {
            return DropReason.ARP_BAD_ADDRESS;
        }
        final boolean forUs = target == iface.address();
        if (sender == 0)
        {
            // Duplicate address detection (RFC 5227): answer a probe for our address, cache nothing.
            if (request && forUs)
            {
                send(ArpPacket.REPLY, senderMac, senderMac, 0);
                return DropReason.ACCEPTED;
            }
            return DropReason.ARP_IGNORED;
        }
        if (request && forUs)
        {
            final int entry = find(sender);
            update(entry >= 0 ? entry : allocate(sender), senderMac, STALE, true);
            send(ArpPacket.REPLY, senderMac, senderMac, sender);
            return DropReason.ACCEPTED;
        }
        final int entry = find(sender);
        if (entry < 0)
        {
            return DropReason.ARP_IGNORED;
        }
        final long now = stack.sim().now();
        final boolean override = now - updated[entry] > LOCKTIME_PS || sender == target;
        update(entry, senderMac, !request && unicast ? REACHABLE : STALE, override);
        return DropReason.ACCEPTED;
    }

    /** Linux's {@code __neigh_update} for what ARP tells about {@code entry}. */
    private void update(final int entry, final long hardware, final int newState, final boolean override)
    {
        final int old = state[entry];
        if (old == PERMANENT)
        {
            return;
        }
        final boolean valid = old != INCOMPLETE && old != FREE;
        final boolean sameMac = valid && mac[entry] == hardware;
        if (valid && !sameMac && !override)
        {
            return;
        }
        final long now = stack.sim().now();
        final int next = sameMac && newState == STALE ? old : newState;
        if (next == REACHABLE)
        {
            confirmed[entry] = now;
        }
        if (next != old || !sameMac)
        {
            updated[entry] = now;
        }
        if (next != old)
        {
            stack.sim().cancel(timers[entry]);
        }
        state[entry] = next;
        mac[entry] = hardware;
        if (old == INCOMPLETE)
        {
            ipv4.releaseHeld(iface, ip[entry], hardware);
        }
    }

    /** A STALE (or expired REACHABLE) entry is in use: send to it, and verify it after the delay. */
    private void delay(final int entry, final long now)
    {
        state[entry] = DELAY;
        updated[entry] = now;
        stack.sim().reschedule(timers[entry], now + DELAY_FIRST_PROBE_PS);
    }

    private void probe(final int entry, final long destination)
    {
        probesSent[entry]++;
        send(ArpPacket.REQUEST, destination, 0, ip[entry]);
        stack.sim().reschedule(timers[entry], stack.sim().now() + stack.config().arpRetransmitPs());
    }

    /** Linux's {@code neigh_timer_handler} for one entry. */
    private void timeout(final int entry)
    {
        stack.enterSoftirq();
        final long now = stack.sim().now();
        switch (state[entry])
        {
            case INCOMPLETE:
                if (probesSent[entry] < stack.config().arpProbes())
                {
                    probe(entry, EthernetFrame.BROADCAST);
                }
                else
                {
                    state[entry] = FREE;
                    ipv4.failHeld(iface, ip[entry]);
                }
                break;
            case DELAY:
                if (now - confirmed[entry] <= DELAY_FIRST_PROBE_PS)
                {
                    state[entry] = REACHABLE;
                    updated[entry] = now;
                }
                else
                {
                    state[entry] = PROBE;
                    updated[entry] = now;
                    probesSent[entry] = 0;
                    probe(entry, mac[entry]);
                }
                break;
            case PROBE:
                if (probesSent[entry] < stack.config().arpProbes())
                {
                    probe(entry, mac[entry]);
                }
                else
                {
                    // FAILED: forget the entry; the next packet resolves it again by broadcast.
                    state[entry] = FREE;
                }
                break;
            default:
                break;
        }
        stack.flushTransmit();
        stack.exitSoftirq();
    }

    /** A request (to {@code destinationMac}: broadcast, or the cached MAC when probing) or a reply. */
    private void send(final int operation, final long destinationMac, final long targetMac, final int targetIp)
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
        ethernet.emit(destinationMac, device.macAddress(), EthernetFrame.TYPE_ARP);
        packet.wrap(memory, at + EthernetFrame.HEADER_LENGTH, ArpPacket.LENGTH);
        packet.emit(operation, device.macAddress(), iface.address(), targetMac, targetIp);
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

    /**
     * A free entry, or else the one that changed longest ago among those neither being resolved nor permanent (held
     * packets and static entries are never evicted).
     */
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
            if (state[i] != INCOMPLETE && state[i] != PERMANENT && (victim < 0 || updated[i] < updated[victim]))
            {
                victim = i;
            }
        }
        if (victim < 0)
        {
            // Every entry is being resolved: give up on the first one as if its requests had gone unanswered.
            victim = 0;
            state[victim] = FREE;
            ipv4.failHeld(iface, ip[victim]);
        }
        stack.sim().cancel(timers[victim]);
        ip[victim] = address;
        state[victim] = INCOMPLETE;
        mac[victim] = 0;
        confirmed[victim] = Long.MIN_VALUE / 2;
        return victim;
    }

    /** One entry's timer: request retransmission, and the DELAY and PROBE deadlines. */
    private final class ProbeTimer extends Event
    {
        private final int entry;

        ProbeTimer(final int entry)
        {
            super("arp.timer", Component.TIMER);
            this.entry = entry;
        }

        @Override
        protected void fire()
        {
            timeout(entry);
        }
    }
}
