package dev.nicsim.stack.device;

import dev.nicsim.hw.eth.EthernetConfig;
import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.eth.FrameSink;
import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.stack.wire.Checksum;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * A plain network device with no NIC model behind it: two of them, {@link #pair paired}, wire two stacks back to back
 * over an hw {@link EthernetLink}, so stack-only tests and benchmarks see real Ethernet timing (preamble, minimum
 * frame, inter-frame gap, line rate, propagation) and can use the link's fault stages and pcap taps.
 *
 * <p>Transmit: a flushed frame gets its padding and FCS (the JDK's CRC32) in its slot and goes onto the link, which
 * queues it behind frames already on the wire; the slot is free again when the frame has left the wire. Receive: an
 * arriving frame is copied into the device's receive buffer (what a NIC's DMA does), its FCS checked (a bad one is
 * counted and dropped), and lent to the stack in place. As the NIC model's MAC, the CRC is skipped where its result
 * is known: no FCS is computed that nobody reads (no tap, no fault stage), and an arriving frame the wire vouches
 * for is not checked. Checksum offload in both directions is optional, so both
 * paths can be tested.
 */
public final class PairedDevice extends SlottedDevice
{
    private static final int FCS = 4;
    private static final int MIN_FRAME_WITHOUT_FCS = 60;
    private static final int SLOTS = 64;
    private static final MemorySegment ZEROS = Arena.global().allocate(MIN_FRAME_WITHOUT_FCS);

    private final EthernetLink.EthernetPort port;
    private final Event[] slotFree;
    private final ByteBuffer txView;
    private final MemorySegment rxBuffer;
    private final ByteBuffer rxView;
    private final CRC32 crc = new CRC32();
    private boolean linkUp = true;
    private long framesReceived;
    private long fcsErrors;

    /** Two devices joined by one link. */
    public record Pair(PairedDevice a, PairedDevice b, EthernetLink link)
    {
    }

    /**
     * Builds a link and a device at each end. {@code features} ({@link NetDevice#FEATURE_TX_CHECKSUM},
     * {@link NetDevice#FEATURE_RX_CHECKSUM}) apply to both; MTU 1500.
     */
    public static Pair pair(final Simulator sim, final EthernetConfig config, final String nameA, final long macA,
        final String nameB, final long macB, final int features)
    {
        final EthernetLink link = new EthernetLink(sim, config, nameA + "<->" + nameB);
        return new Pair(new PairedDevice(sim, link.a(), nameA, macA, features),
            new PairedDevice(sim, link.b(), nameB, macB, features), link);
    }

    private PairedDevice(final Simulator sim, final EthernetLink.EthernetPort port, final String name, final long mac,
        final int features)
    {
        super(sim, name, mac, 1500, features, SLOTS, FCS + MIN_FRAME_WITHOUT_FCS);
        if (port.link().config().maxFrameBytes() < 1500 + 14 + FCS)
        {
            throw new IllegalArgumentException(name + ": the link carries frames of at most " +
                port.link().config().maxFrameBytes() + " bytes; a 1500-byte MTU needs 1518");
        }
        this.port = port;
        this.slotFree = new Event[SLOTS];
        for (int i = 0; i < SLOTS; i++)
        {
            final int slot = i;
            slotFree[i] = new Event(name + ".tx-done", Component.MAC_WIRE, () -> releaseSlot(slot));
        }
        this.txView = txMemory().asByteBuffer();
        this.rxBuffer = Arena.ofAuto().allocate(port.link().config().maxFrameBytes(), 64);
        this.rxView = rxBuffer.asByteBuffer();
        port.connect(new FrameSink.Hinted()
        {
            @Override
            public void receiveFrame(final MemorySegment frame, final long offset, final int length,
                final boolean fcsIntact)
            {
                arrive(frame, offset, length, fcsIntact);
            }

            // An intact FCS is never read: arrive() skips the check.
            @Override
            public boolean ignoresIntactFcs()
            {
                return true;
            }
        });
        port.setLinkStateListener(this::linkChanged);
    }

    @Override
    public boolean linkUp()
    {
        return linkUp;
    }

    public long framesReceived()
    {
        return framesReceived;
    }

    /** Frames dropped because their FCS was wrong (a corrupting fault stage, say). */
    public long fcsErrors()
    {
        return fcsErrors;
    }

    @Override
    protected void flushed()
    {
        boolean more = true;
        while (more)
        {
            more = transmitNext();
        }
    }

    @Override
    protected void send(final int slot, final long offset, final int length)
    {
        final MemorySegment memory = txMemory();
        final int padded = Math.max(length, MIN_FRAME_WITHOUT_FCS);
        if (padded > length)
        {
            MemorySegment.copy(ZEROS, 0, memory, offset + length, padded - length);
        }
        // As the NIC model's MAC: the FCS is computed only when someone will read it (a tap, a fault stage).
        if (port.fcsBytesRead())
        {
            crc.reset();
            txView.limit((int) offset + padded).position((int) offset);
            crc.update(txView);
            memory.set(ValueLayout.JAVA_INT_UNALIGNED, offset + padded, (int) crc.getValue());
        }
        final long wireFree = port.transmit(memory, offset, padded + FCS, true);
        sim.schedule(slotFree[slot], wireFree);
    }

    private void arrive(final MemorySegment frame, final long offset, final int length, final boolean fcsIntact)
    {
        if (length < MIN_FRAME_WITHOUT_FCS + FCS || length > rxBuffer.byteSize())
        {
            fcsErrors++;
            return;
        }
        MemorySegment.copy(frame, offset, rxBuffer, 0, length);
        if (!fcsIntact && !fcsMatches(length))
        {
            fcsErrors++;
            return;
        }
        framesReceived++;
        final int frameLength = length - FCS;
        // Summed from the link's buffer, not from the copy just made: loads that straddle a fresh copy's stores stall.
        final int raw = (features() & FEATURE_RX_CHECKSUM) != 0
            ? Checksum.sum(frame, offset + 14, frameLength - 14, 0) : FrameReceiver.NO_CHECKSUM;
        receiver.receiveFrame(rxBuffer, 0, frameLength, raw);
        receiver.receiveBatchDone();
    }

    private boolean fcsMatches(final int length)
    {
        crc.reset();
        rxView.limit(length - FCS).position(0);
        crc.update(rxView);
        return (int) crc.getValue() == rxBuffer.get(ValueLayout.JAVA_INT_UNALIGNED, length - FCS);
    }

    private void linkChanged(final boolean up)
    {
        linkUp = up;
        if (receiver != null)
        {
            receiver.linkChanged(up);
        }
    }
}
