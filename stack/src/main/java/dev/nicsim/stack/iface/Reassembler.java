package dev.nicsim.stack.iface;

import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.stack.context.StackContext;
import dev.nicsim.stack.device.FrameReceiver;
import dev.nicsim.stack.wire.Bytes;
import dev.nicsim.stack.wire.Checksum;
import dev.nicsim.stack.wire.DropReason;
import dev.nicsim.stack.wire.IcmpMessage;
import dev.nicsim.stack.wire.Ipv4Packet;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * IPv4 fragment reassembly (RFC 791, RFC 815) in bounded memory: a fixed number of slots, each one 64 KiB buffer and
 * a bitmap of the 8-byte blocks received. A datagram is complete when its last fragment has arrived and every block
 * before it is present; it is then delivered from the slot's buffer. A slot that is not complete within the timeout
 * ({@code ipfrag_time}, 30 s) is freed, with an ICMP time-exceeded (fragment reassembly) sent when its first fragment
 * had arrived (RFC 1122 §3.3.2). When every slot is busy, a new datagram evicts the oldest.
 */
public final class Reassembler
{
    private static final int MAX_DATAGRAM = 65535;
    private static final int BLOCKS = (MAX_DATAGRAM + 7) / 8;

    private final StackContext stack;
    private final Ipv4Layer ipv4;
    private final RouteTable routes;
    private final Slot[] slots;
    private long completed;
    private long timedOut;

    Reassembler(final StackContext stack, final Ipv4Layer ipv4, final RouteTable routes)
    {
        this.stack = stack;
        this.ipv4 = ipv4;
        this.routes = routes;
        this.slots = new Slot[stack.config().reassemblySlots()];
    }

    public long completed()
    {
        return completed;
    }

    public long timedOut()
    {
        return timedOut;
    }

    /** Datagrams currently being reassembled. */
    public int inProgress()
    {
        int count = 0;
        for (final Slot slot : slots)
        {
            if (slot != null && slot.busy)
            {
                count++;
            }
        }
        return count;
    }

    /**
     * One fragment. Returns the outcome: {@link DropReason#ACCEPTED} when it was stored, the datagram's own outcome
     * when it completed one, or why it was dropped.
     */
    int add(final NetworkInterface iface, final MemorySegment memory, final long offset, final int headerLength,
        final int totalLength, final int fragmentOffset, final boolean more)
    {
        final int payload = totalLength - headerLength;
        final int end = fragmentOffset + payload;
        if (end > MAX_DATAGRAM - Ipv4Packet.HEADER_LENGTH || (more && (payload & 7) != 0) || payload == 0)
        {
            return DropReason.FRAGMENT_INVALID;
        }
        final Slot slot = slotFor(memory, offset);
        if (slot.lastSeen && (end > slot.totalPayload || !more && end != slot.totalPayload))
        {
            return DropReason.FRAGMENT_INVALID;
        }
        MemorySegment.copy(memory, offset + headerLength, slot.buffer, Ipv4Packet.HEADER_LENGTH + fragmentOffset,
            payload);
        for (int block = fragmentOffset / 8; block < (end + 7) / 8; block++)
        {
            slot.blocks[block >>> 6] |= 1L << (block & 63);
        }
        if (fragmentOffset == 0)
        {
            MemorySegment.copy(memory, offset, slot.buffer, 0, Ipv4Packet.HEADER_LENGTH);
            Bytes.put8(slot.buffer, Ipv4Packet.VERSION_IHL, 0x45);
            slot.firstSeen = true;
        }
        if (!more)
        {
            slot.lastSeen = true;
            slot.totalPayload = end;
        }
        if (slot.firstSeen && slot.lastSeen && complete(slot))
        {
            return finish(iface, slot);
        }
        return DropReason.ACCEPTED;
    }

    private Slot slotFor(final MemorySegment memory, final long offset)
    {
        final int source = Bytes.i32(memory, offset + Ipv4Packet.SOURCE);
        final int destination = Bytes.i32(memory, offset + Ipv4Packet.DESTINATION);
        final int id = Bytes.u16(memory, offset + Ipv4Packet.IDENTIFICATION);
        final int protocol = Bytes.u8(memory, offset + Ipv4Packet.PROTOCOL);
        Slot free = null;
        Slot oldest = null;
        for (int i = 0; i < slots.length; i++)
        {
            if (slots[i] == null)
            {
                slots[i] = new Slot();
            }
            final Slot slot = slots[i];
            if (slot.busy && slot.source == source && slot.destination == destination && slot.id == id &&
                slot.protocol == protocol)
            {
                return slot;
            }
            if (!slot.busy && free == null)
            {
                free = slot;
            }
            if (slot.busy && (oldest == null || slot.started < oldest.started))
            {
                oldest = slot;
            }
        }
        Slot chosen = free;
        if (chosen == null)
        {
            stack.stats().drop(DropReason.FRAGMENT_NO_ROOM);
            chosen = oldest;
            chosen.clear();
        }
        chosen.busy = true;
        chosen.source = source;
        chosen.destination = destination;
        chosen.id = id;
        chosen.protocol = protocol;
        chosen.started = stack.sim().now();
        stack.sim().reschedule(chosen.timer, chosen.started + stack.config().reassemblyTimeoutPs());
        return chosen;
    }

    private static boolean complete(final Slot slot)
    {
        final int blocks = (slot.totalPayload + 7) / 8;
        for (int block = 0; block < blocks; block++)
        {
            if ((slot.blocks[block >>> 6] & (1L << (block & 63))) == 0)
            {
                return false;
            }
        }
        return true;
    }

    private int finish(final NetworkInterface iface, final Slot slot)
    {
        final MemorySegment buffer = slot.buffer;
        final int total = Ipv4Packet.HEADER_LENGTH + slot.totalPayload;
        Bytes.put8(buffer, Ipv4Packet.VERSION_IHL, 0x45);
        Bytes.put16(buffer, Ipv4Packet.TOTAL_LENGTH, total);
        Bytes.put16(buffer, Ipv4Packet.FLAGS_FRAGMENT, 0);
        Bytes.put16(buffer, Ipv4Packet.CHECKSUM, 0);
        Bytes.put16(buffer, Ipv4Packet.CHECKSUM, Checksum.finish(Checksum.sum(buffer, 0, Ipv4Packet.HEADER_LENGTH,
            0)));
        stack.sim().cancel(slot.timer);
        completed++;
        final boolean unicast = routes.isLocal(slot.destination);
        slot.clear();
        return ipv4.deliver(iface, buffer, 0, Ipv4Packet.HEADER_LENGTH, total, FrameReceiver.NO_CHECKSUM,
            unicast);
    }

    private void expire(final Slot slot)
    {
        stack.enterSoftirq();
        timedOut++;
        stack.stats().drop(DropReason.FRAGMENT_TIMEOUT);
        if (slot.firstSeen)
        {
            ipv4.icmp().sendError(IcmpMessage.TYPE_TIME_EXCEEDED, IcmpMessage.CODE_REASSEMBLY_TIME_EXCEEDED, 0,
                slot.buffer, 0, Ipv4Packet.HEADER_LENGTH + IcmpMessage.QUOTE_TRANSPORT_BYTES);
        }
        slot.clear();
        stack.flushTransmit();
        stack.exitSoftirq();
    }

    /** One datagram under reassembly. Its buffer is allocated once, when the slot is first used. */
    private final class Slot
    {
        final MemorySegment buffer = Arena.ofAuto().allocate(MAX_DATAGRAM + Ipv4Packet.HEADER_LENGTH, 8);
        final long[] blocks = new long[(BLOCKS + 63) / 64];
        final Event timer = new Event("ip.reassembly-timeout", Component.TIMER, this::timeout);
        boolean busy;
        boolean firstSeen;
        boolean lastSeen;
        int totalPayload;
        int source;
        int destination;
        int id;
        int protocol;
        long started;

        private void timeout()
        {
            expire(this);
        }

        void clear()
        {
            busy = false;
            firstSeen = false;
            lastSeen = false;
            totalPayload = 0;
            Arrays.fill(blocks, 0);
        }
    }
}
