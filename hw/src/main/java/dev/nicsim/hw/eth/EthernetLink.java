package dev.nicsim.hw.eth;

import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Simulator;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A full-duplex point-to-point Ethernet link between two {@link EthernetPort}s. Each direction carries one frame at
 * a time: a frame holds the wire for preamble and SFD (8 bytes), the frame itself (FCS included, at least 64 bytes)
 * and the inter-frame gap, at the line rate; it reaches the other end when its last bit has crossed the cable.
 *
 * <p>Taps see every frame as it goes onto the wire. Fault stages ({@link FrameStage}) sit in front of a receiving
 * port. While the link is down, frames sent are lost and counted.
 */
public final class EthernetLink
{
    private final Simulator sim;
    private final EthernetConfig config;
    private final String name;
    private final EthernetPort a;
    private final EthernetPort b;
    private final List<FrameTap> taps = new ArrayList<>();
    private boolean up = true;
    private final Event outageStart;
    private final Event outageEnd;

    public EthernetLink(final Simulator sim, final EthernetConfig config, final String name)
    {
        this.sim = sim;
        this.config = config;
        this.name = name;
        this.a = new EthernetPort(name + ".a");
        this.b = new EthernetPort(name + ".b");
        a.peer = b;
        b.peer = a;
        this.outageStart = new Event(name + ".carrier-lost", Component.MAC_WIRE, () -> setUp(false));
        this.outageEnd = new Event(name + ".carrier-back", Component.MAC_WIRE, () -> setUp(true));
    }

    public EthernetConfig config()
    {
        return config;
    }

    public String name()
    {
        return name;
    }

    public EthernetPort a()
    {
        return a;
    }

    public EthernetPort b()
    {
        return b;
    }

    public boolean isUp()
    {
        return up;
    }

    /** Brings the carrier up or down now; both ends are told. Frames in flight when it goes down are lost. */
    public void setUp(final boolean up)
    {
        if (this.up == up)
        {
            return;
        }
        this.up = up;
        a.notifyLinkState(up);
        b.notifyLinkState(up);
    }

    /**
     * Takes the link down at {@code start} for {@code duration} (a pulled cable, a switch reboot): both ends see the
     * carrier go and come back.
     */
    public void scheduleOutage(final long start, final long duration)
    {
        if (duration <= 0)
        {
            throw new IllegalArgumentException("outage duration must be positive, got " + duration + " ps");
        }
        sim.schedule(outageStart, start);
        sim.schedule(outageEnd, start + duration);
    }

    public void addTap(final FrameTap tap)
    {
        taps.add(tap);
    }

    /** One end of the link: what a MAC transmits into and receives from. */
    public final class EthernetPort
    {
        private final String portName;
        private final FrameCarriers wire;
        private EthernetPort peer;
        private FrameSink receiver;
        private final List<FrameStage> faults = new ArrayList<>();
        private final FrameSink arrival = (FrameSink.Hinted) this::arrive;
        private LinkStateListener linkListener;
        private long busyUntil;
        private long framesSent;
        private long bytesSent;
        private long framesReceived;
        private long framesLost;

        EthernetPort(final String portName)
        {
            this.portName = portName;
            this.wire = new FrameCarriers(sim, config.maxFrameBytes(), portName + ".wire", Component.MAC_WIRE);
        }

        public String name()
        {
            return portName;
        }

        public EthernetLink link()
        {
            return EthernetLink.this;
        }

        /** Where frames arriving at this end go (the MAC's receive side). */
        public void connect(final FrameSink receiver)
        {
            this.receiver = receiver;
        }

        public void setLinkStateListener(final LinkStateListener listener)
        {
            this.linkListener = listener;
        }

        public boolean isUp()
        {
            return up;
        }

        /**
         * Adds a fault stage in front of this end's receiver. Stages apply in the order added, the first nearest
         * the wire.
         */
        public void addReceiveFault(final FrameStage stage)
        {
            stage.install(sim, arrival, config.maxFrameBytes(), portName);
            if (!faults.isEmpty())
            {
                faults.get(faults.size() - 1).relink(stage);
            }
            faults.add(stage);
        }

        /**
         * Sends a frame (destination MAC through FCS) from this end. It starts when the wire is free, which may be
         * later than now; the return value is when the wire is free again, after the inter-frame gap.
         *
         * @throws IllegalArgumentException if the frame is longer than the link's maximum
         */
        public long transmit(final MemorySegment frame, final long offset, final int length)
        {
            return transmit(frame, offset, length, false);
        }

        /**
         * The same, for a MAC that has just appended the frame's FCS over exactly these bytes ({@code fcsAppended}):
         * when no fault stage sits in front of the other end, its receiver is told the FCS is intact (see
         * {@link FrameSink#receiveFrame(MemorySegment, long, int, boolean)}), so it need not compute the CRC again.
         */
        public long transmit(final MemorySegment frame, final long offset, final int length,
            final boolean fcsAppended)
        {
            if (length > config.maxFrameBytes() || length <= 0)
            {
                throw new IllegalArgumentException(portName + ": cannot send a " + length + "-byte frame on a link " +
                    "whose frames are 1 to " + config.maxFrameBytes() + " bytes");
            }
            final long start = Math.max(sim.now(), busyUntil);
            final long psPerByte = config.psPerByte();
            busyUntil = start + config.wireTimePs(length);
            framesSent++;
            bytesSent += length;
            final long firstByte = start + EthernetConfig.PREAMBLE_AND_SFD_BYTES * psPerByte;
            for (int i = 0; i < taps.size(); i++)
            {
                taps.get(i).frameOnWire(portName, firstByte, frame, offset, length);
            }
            if (!up)
            {
                framesLost++;
                return busyUntil;
            }
            final long lastBitIn = firstByte + (long) Math.max(length, EthernetConfig.MIN_FRAME_BYTES) * psPerByte +
                config.propagationPs();
            // A fault stage gets the hint too and drops it (FrameStage forwards with the plain call).
            wire.deliverLater(frame, offset, length, lastBitIn, peer.entry(), fcsAppended);
            return busyUntil;
        }

        /**
         * Whether the FCS bytes of a frame sent now from this end will be read: by a tap, a fault stage, or a receiver
         * that does not {@link FrameSink#ignoresIntactFcs() ignore intact FCS bytes}. When not, a MAC appending the
         * FCS need not compute it; the frame is then sent with {@code fcsAppended} and four unwritten bytes.
         */
        public boolean fcsBytesRead()
        {
            return !taps.isEmpty() || !peer.faults.isEmpty() || peer.receiver == null ||
                !peer.receiver.ignoresIntactFcs();
        }

        /** When the transmitter is next free. */
        public long busyUntil()
        {
            return busyUntil;
        }

        public long framesSent()
        {
            return framesSent;
        }

        public long bytesSent()
        {
            return bytesSent;
        }

        /** Frames handed to this end's receiver. */
        public long framesReceived()
        {
            return framesReceived;
        }

        /** Frames this end sent that were lost because the link was down. */
        public long framesLost()
        {
            return framesLost;
        }

        /** Frames sent from this end that have not arrived yet. */
        public int framesInFlight()
        {
            return wire.inFlight();
        }

        private FrameSink entry()
        {
            return faults.isEmpty() ? arrival : faults.get(0);
        }

        private void arrive(final MemorySegment frame, final long offset, final int length, final boolean fcsIntact)
        {
            if (!up)
            {
                peer.framesLost++;
                return;
            }
            framesReceived++;
            if (receiver != null)
            {
                receiver.receiveFrame(frame, offset, length, fcsIntact);
            }
        }

        private void notifyLinkState(final boolean isUp)
        {
            if (linkListener != null)
            {
                linkListener.linkStateChanged(isUp);
            }
        }
    }
}
