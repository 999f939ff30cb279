package dev.nicsim.hw.eth;

import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Simulator;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A store-and-forward learning switch. A frame is forwarded only once it has arrived whole (the link delivers it at
 * its last bit), after a fixed forwarding latency, out of the port where its destination was last seen as a source,
 * or out of every other port when the destination is unknown, broadcast or multicast. Each output waits for its own
 * wire, so frames queue behind each other per port.
 *
 * <p>Each output port has a finite buffer, as a real switch's has: a frame that would not fit behind what is already
 * queued for that port is tail-dropped and counted. A port's queue drains at its line rate, so the bytes queued at
 * any moment follow from when the port will have sent everything accepted so far; frames still inside the forwarding
 * pipeline count as queued, as they hold buffer in a real switch.
 */
public final class EthernetSwitch
{
    private static final int MAX_LEARNED = 1024;
    private static final ValueLayout.OfShort BIG_ENDIAN_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BIG_ENDIAN_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final Simulator sim;
    private final String name;
    private final long forwardingLatencyPs;
    private final List<EthernetLink.EthernetPort> ports = new ArrayList<>();
    /* Per port, the sink that puts a frame on that port's wire. */
    private final List<FrameSink> transmitters = new ArrayList<>();
    private final FrameCarriers pending;
    private final long bufferBytes;
    /* Per port: when its wire will have carried every frame accepted for it, and the frames dropped for room. */
    private long[] drainedAt = new long[0];
    private long[] tailDrops = new long[0];
    private final long[] learnedMacs = new long[MAX_LEARNED];
    private final int[] learnedPorts = new int[MAX_LEARNED];
    private int learned;
    private long forwarded;
    private long flooded;

    /**
     * @param bufferBytes each output port's buffer: the most frame bytes (FCS included) queued for it at once
     */
    public EthernetSwitch(final Simulator sim, final String name, final long forwardingLatencyPs,
        final int maxFrameBytes, final long bufferBytes)
    {
        if (forwardingLatencyPs < 0)
        {
            throw new IllegalArgumentException(name + ": forwarding latency must not be negative");
        }
        if (bufferBytes < maxFrameBytes)
        {
            throw new IllegalArgumentException(name + ": a port buffer of " + bufferBytes + " bytes cannot hold one " +
                maxFrameBytes + "-byte frame");
        }
        this.sim = sim;
        this.name = name;
        this.forwardingLatencyPs = forwardingLatencyPs;
        this.bufferBytes = bufferBytes;
        this.pending = new FrameCarriers(sim, maxFrameBytes, name + ".forward", Component.MAC_WIRE);
        Arrays.fill(learnedPorts, -1);
    }

    public String name()
    {
        return name;
    }

    /** Plugs one end of a link into a new switch port. */
    public void connect(final EthernetLink.EthernetPort end)
    {
        final int index = ports.size();
        ports.add(end);
        transmitters.add(end::transmit);
        drainedAt = Arrays.copyOf(drainedAt, ports.size());
        tailDrops = Arrays.copyOf(tailDrops, ports.size());
        end.connect(new PortInput(index));
    }

    public long forwarded()
    {
        return forwarded;
    }

    /** Frames sent out of more than one port because their destination was unknown, broadcast or multicast. */
    public long flooded()
    {
        return flooded;
    }

    /** Frames dropped at port {@code port} because its buffer was full. */
    public long tailDrops(final int port)
    {
        return tailDrops[port];
    }

    /** Frames dropped at any port because its buffer was full. */
    public long tailDrops()
    {
        long total = 0;
        for (final long drops : tailDrops)
        {
            total += drops;
        }
        return total;
    }

    public int portCount()
    {
        return ports.size();
    }

    public long bufferBytes()
    {
        return bufferBytes;
    }

    /*
     * Queues a frame for port {@code out} from time {@code when}, or drops it when the port's buffer has no room. The
     * backlog is the time the port still needs for what it has accepted, in bytes at its line rate.
     */
    private void enqueue(final MemorySegment frame, final long offset, final int length, final long when,
        final int out)
    {
        final EthernetConfig wire = ports.get(out).link().config();
        final long backlogPs = Math.max(0, drainedAt[out] - when);
        if (backlogPs / wire.psPerByte() + length > bufferBytes)
        {
            tailDrops[out]++;
            return;
        }
        drainedAt[out] = Math.max(drainedAt[out], when) + wire.wireTimePs(length);
        pending.deliverLater(frame, offset, length, when, transmitters.get(out));
    }

    private static long mac(final MemorySegment frame, final long offset)
    {
        final long high = frame.get(BIG_ENDIAN_SHORT, offset) & 0xFFFFL;
        final long low = frame.get(BIG_ENDIAN_INT, offset + 2) & 0xFFFF_FFFFL;
        return (high << 32) | low;
    }

    private int portOf(final long mac)
    {
        final int slot = slot(mac);
        return learnedMacs[slot] == mac ? learnedPorts[slot] : -1;
    }

    private void learn(final long mac, final int port)
    {
        final int slot = slot(mac);
        if (learnedPorts[slot] < 0)
        {
            learned++;
        }
        learnedMacs[slot] = mac;
        learnedPorts[slot] = port;
    }

    /* Direct-mapped table: a collision simply replaces the older entry, which then floods until relearned. */
    private static int slot(final long mac)
    {
        return (int) ((mac * 0x9E3779B97F4A7C15L) >>> 54);
    }

    /** The switch's side of one port: learns the source, then forwards after the latency. */
    private final class PortInput implements FrameSink
    {
        private final int index;

        PortInput(final int index)
        {
            this.index = index;
        }

        @Override
        public void receiveFrame(final MemorySegment frame, final long offset, final int length)
        {
            if (length < 12)
            {
                return;
            }
            learn(mac(frame, offset + 6), index);
            final long destination = mac(frame, offset);
            final boolean group = (destination & 0x0100_0000_0000L) != 0;
            final int out = group ? -1 : portOf(destination);
            final long when = sim.now() + forwardingLatencyPs;
            if (out >= 0)
            {
                if (out != index)
                {
                    forwarded++;
                    enqueue(frame, offset, length, when, out);
                }
                return;
            }
            flooded++;
            for (int port = 0; port < ports.size(); port++)
            {
                if (port != index)
                {
                    enqueue(frame, offset, length, when, port);
                }
            }
        }
    }

    public int learnedAddresses()
    {
        return learned;
    }
}
