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
 * <p>The outside lives in wall-clock time, so the simulation must be paced to it
 * ({@code Simulator.pace(Pacing.realTime())}) while a bridge is attached. A daemon thread reads the outside and hands
 * each frame to the simulation with {@link Simulator#post}; that path allocates per frame, which keeps the bridge off
 * the simulated fast path and is fine at the rates the outside can reach.
 */
public abstract class FrameBridge implements FrameSink, Closeable
{
    /** Largest frame carried either way, without FCS. */
    protected static final int MAX_FRAME = 65536;
    private static final int MIN_FRAME_WITHOUT_FCS = 60;
    private static final int FCS_BYTES = 4;
    private static final int POLL_MILLIS = 100;
    private static final ValueLayout.OfInt FCS_LAYOUT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Simulator sim;
    private final EthernetLink.EthernetPort end;
    private final MemorySegment outgoing = Arena.ofAuto().allocate(MAX_FRAME);
    private final MemorySegment incoming = Arena.ofAuto().allocate(MAX_FRAME + FCS_BYTES);
    private final CRC32 crc = new CRC32();
    private final Thread reader;
    private volatile boolean running = true;
    private volatile Throwable readerFailure;
    private long framesOut;
    private long framesIn;
    private long badFcs;

    protected FrameBridge(final Simulator sim, final EthernetLink.EthernetPort end, final String name)
    {
        this.sim = sim;
        this.end = end;
        end.connect(this);
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

    /** A frame from the simulated link: checked, stripped of its FCS, sent outside. */
    @Override
    public final void receiveFrame(final MemorySegment frame, final long offset, final int length)
    {
        if (length < FCS_BYTES + 14 || fcs(frame, offset, length - FCS_BYTES) !=
            frame.get(FCS_LAYOUT, offset + length - FCS_BYTES))
        {
            badFcs++;
            return;
        }
        MemorySegment.copy(frame, offset, outgoing, 0, length - FCS_BYTES);
        sendOutside(outgoing, length - FCS_BYTES);
        framesOut++;
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

    /* On the simulation thread: pad, add the FCS, put the frame on the wire. */
    private void fromOutside(final byte[] frame)
    {
        final int padded = Math.max(frame.length, MIN_FRAME_WITHOUT_FCS);
        incoming.asSlice(0, padded).fill((byte) 0);
        MemorySegment.copy(frame, 0, incoming, ValueLayout.JAVA_BYTE, 0, frame.length);
        incoming.set(FCS_LAYOUT, padded, fcs(incoming, 0, padded));
        end.transmit(incoming, 0, padded + FCS_BYTES);
        framesIn++;
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
        return framesOut;
    }

    /** Frames from the outside put on the link. */
    public long framesIn()
    {
        return framesIn;
    }

    /** Frames from the link dropped because their FCS did not match. */
    public long badFcs()
    {
        return badFcs;
    }

    /** Why the reader stopped early, or null. */
    public Throwable readerFailure()
    {
        return readerFailure;
    }

    @Override
    public void close()
    {
        running = false;
        try
        {
            reader.join(2_000);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        closeOutside();
    }
}
