package dev.nicsim.tools.bridge;

import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.eth.FrameSink;
import dev.nicsim.hw.sim.Simulator;

import java.io.Closeable;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/**
 * Joins one end of a simulated Ethernet link to something outside the simulation that exchanges Ethernet frames
 * without their FCS (the kernel through a TAP interface, a dev board over a serial line). Outside frames go onto the
 * link padded and with an FCS added, as a MAC would; frames from the link go out with the FCS checked and stripped,
 * and those with a bad FCS are dropped and counted, as a NIC would.
 *
 * <p>Nothing from outside can end a run: an outside frame shorter than an Ethernet header (a runt) or longer than the
 * link carries is dropped and counted in {@link #counters()}, as a switch port would drop it; whatever is left is a
 * well-formed frame of some length, and making sense of its contents is the simulated hosts' business.
 *
 * <p>The outside lives in wall-clock time, so the simulation must be paced to it
 * ({@code Simulator.pace(Pacing.realTime())}) while a bridge is attached. A daemon thread reads the outside and hands
 * each frame to the simulation with {@link Simulator#post}; that path allocates per frame, which keeps the bridge off
 * the simulated fast path and is fine at the rates the outside can reach.
 */
public abstract class FrameBridge implements FrameSink, Closeable
{
    /** Largest frame read from the outside, without FCS; larger ones are cut there and then dropped here. */
    protected static final int MAX_FRAME = 65536;
    /** Destination and source MAC addresses and the EtherType. */
    private static final int ETHERNET_HEADER = 14;
    private static final int MIN_FRAME_WITHOUT_FCS = 60;
    private static final int FCS_BYTES = 4;
    private static final int POLL_MILLIS = 100;
    private static final ValueLayout.OfInt FCS_LAYOUT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Simulator sim;
    private final String name;
    private final EthernetLink.EthernetPort end;
    private final MemorySegment outgoing = Arena.ofAuto().allocate(MAX_FRAME);
    private final MemorySegment incoming = Arena.ofAuto().allocate(MAX_FRAME + FCS_BYTES);
    private final CRC32 crc = new CRC32();
    private final Thread reader;
    private volatile boolean running = true;
    private volatile Throwable readerFailure;
    private final int maxFrameWithoutFcs;
    /** What was carried and dropped. */
    protected final BridgeCounters counters = new BridgeCounters();

    protected FrameBridge(final Simulator sim, final EthernetLink.EthernetPort end, final String name)
    {
        this.sim = sim;
        this.name = name;
        this.end = end;
        this.maxFrameWithoutFcs = end.link().config().maxFrameBytes() - FCS_BYTES;
        end.connect(this);
        sim.attachOutsideSource();
        this.reader = Thread.ofPlatform().daemon().name(name).unstarted(this::readLoop);
    }

    /** Starts reading the outside; subclasses call it once they are ready. */
    protected final void start()
    {
        reader.start();
    }

    /** Sends one frame (no FCS) to the outside. Called on the simulation thread. */
    protected abstract void sendOutside(MemorySegment frame, int length);

    /**
     * Waits up to {@code timeoutMillis} for the next whole frame from the outside and copies it (no FCS) into
     * {@code buffer}; returns its length, or 0 if none came. Called on the reader thread only.
     */
    protected abstract int receiveOutside(MemorySegment buffer, int timeoutMillis);

    /** Releases the outside (the reader thread has stopped). */
    protected abstract void closeOutside();

    /**
     * One unit read from the outside, on the simulation thread. By default it is an Ethernet frame for the link; a
     * bridge whose outside speaks something else (IP packets over SLIP) translates here.
     */
    protected void fromOutside(final byte[] unit)
    {
        putOnLink(unit, unit.length);
    }

    /**
     * One frame from the link with a good FCS, without it, on the simulation thread. By default it goes outside as it
     * is; {@code frame} is only valid during the call.
     */
    protected void fromLink(final MemorySegment frame, final int length)
    {
        sendOutside(frame, length);
        counters.framesOut++;
    }

    /** A frame from the simulated link: checked, stripped of its FCS, sent outside. */
    @Override
    public final void receiveFrame(final MemorySegment frame, final long offset, final int length)
    {
        if (length < FCS_BYTES + 14 || fcs(frame, offset, length - FCS_BYTES) !=
            frame.get(FCS_LAYOUT, offset + length - FCS_BYTES))
        {
            counters.badFcs++;
            return;
        }
        MemorySegment.copy(frame, offset, outgoing, 0, length - FCS_BYTES);
        fromLink(outgoing, length - FCS_BYTES);
    }

    private void readLoop()
    {
        final MemorySegment buffer = Arena.ofAuto().allocate(MAX_FRAME);
        try
        {
            while (running)
            {
                final int length = receiveOutside(buffer, POLL_MILLIS);
                if (length > 0)
                {
                    final byte[] frame = buffer.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
                    sim.post(() -> fromOutside(frame));
                }
            }
        }
        catch (final RuntimeException e)
        {
            if (running)
            {
                readerFailure = e;
            }
        }
    }

    /**
     * On the simulation thread: puts the first {@code length} bytes of {@code frame} (an Ethernet frame without FCS)
     * on the wire, padded and with its FCS, as a MAC sends it. A runt or a frame longer than the link carries is
     * dropped and counted; returns whether the frame went.
     */
    protected final boolean putOnLink(final byte[] frame, final int length)
    {
        if (length < ETHERNET_HEADER)
        {
            counters.runts++;
            return false;
        }
        if (length > maxFrameWithoutFcs)
        {
            counters.oversized++;
            return false;
        }
        final int padded = Math.max(length, MIN_FRAME_WITHOUT_FCS);
        incoming.asSlice(0, padded).fill((byte) 0);
        MemorySegment.copy(frame, 0, incoming, ValueLayout.JAVA_BYTE, 0, length);
        incoming.set(FCS_LAYOUT, padded, fcs(incoming, 0, padded));
        end.transmit(incoming, 0, padded + FCS_BYTES);
        counters.framesIn++;
        return true;
    }

    /* Ethernet's FCS is the CRC-32 of the frame, sent least significant byte first. */
    private int fcs(final MemorySegment frame, final long offset, final int length)
    {
        crc.reset();
        crc.update(frame.asSlice(offset, length).asByteBuffer());
        return (int) crc.getValue();
    }

    /** Frames sent to the outside. */
    public long framesOut()
    {
        return counters.framesOut;
    }

    /** Frames from the outside put on the link. */
    public long framesIn()
    {
        return counters.framesIn;
    }

    /** Frames from the link dropped because their FCS did not match. */
    public long badFcs()
    {
        return counters.badFcs;
    }

    /** The bridge's name: its kind and the outside it reaches, e.g. {@code tap-nsim0}. */
    public String name()
    {
        return name;
    }

    /** Everything this bridge carried and dropped. Read on the simulation thread. */
    public BridgeCounters counters()
    {
        return counters;
    }

    /** The counters in one line, for the end of a run. */
    public String summary()
    {
        return counters.summary();
    }

    /** Why the reader stopped early, or null. */
    public Throwable readerFailure()
    {
        return readerFailure;
    }

    @Override
    public void close()
    {
        if (!running)
        {
            return;
        }
        running = false;
        try
        {
            reader.join(2_000);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        sim.detachOutsideSource();
        closeOutside();
    }
}
