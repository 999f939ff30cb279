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
 * Joins a simulated Ethernet link to the real Linux kernel through a {@link LinuxTap}: the kernel's frames go onto
 * the link (with FCS added and short frames padded, as a MAC would), and frames arriving from the link go to the
 * kernel (FCS checked and stripped; frames with a bad FCS are dropped and counted, as a NIC would).
 *
 * <p>The kernel lives in wall-clock time, so the simulation must be paced to real time
 * ({@code Simulator.pace(Pacing.realTime())}) while a bridge is attached. Frames from the kernel are read by a
 * daemon thread and handed to the simulation with {@link Simulator#post}; this path allocates per frame, which is
 * fine for a bridge and keeps it off the simulated fast path.
 */
public final class TapBridge implements FrameSink, Closeable
{
    private static final int MIN_FRAME_WITHOUT_FCS = 60;
    private static final int FCS_BYTES = 4;
    private static final int MAX_FRAME = 65536;
    private static final ValueLayout.OfInt FCS_LAYOUT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Simulator sim;
    private final LinuxTap tap;
    private final EthernetLink.EthernetPort end;
    private final MemorySegment toKernel = Arena.ofAuto().allocate(MAX_FRAME);
    private final MemorySegment toLink = Arena.ofAuto().allocate(MAX_FRAME);
    private final CRC32 crc = new CRC32();
    private final Thread reader;
    private volatile boolean running = true;
    private volatile Throwable readerFailure;
    private long framesToKernel;
    private long framesFromKernel;
    private long badFcs;

    public TapBridge(final Simulator sim, final LinuxTap tap, final EthernetLink.EthernetPort end)
    {
        this.sim = sim;
        this.tap = tap;
        this.end = end;
        end.connect(this);
        this.reader = Thread.ofPlatform().daemon().name("tap-" + tap.name()).unstarted(this::readLoop);
        reader.start();
    }

    /** A frame from the simulated link: to the kernel. */
    @Override
    public void receiveFrame(final MemorySegment frame, final long offset, final int length)
    {
        if (length < FCS_BYTES + 14 || fcs(frame, offset, length - FCS_BYTES) !=
            frame.get(FCS_LAYOUT, offset + length - FCS_BYTES))
        {
            badFcs++;
            return;
        }
        MemorySegment.copy(frame, offset, toKernel, 0, length - FCS_BYTES);
        tap.write(toKernel, length - FCS_BYTES);
        framesToKernel++;
    }

    private void readLoop()
    {
        final MemorySegment buffer = Arena.ofAuto().allocate(MAX_FRAME);
        try
        {
            while (running)
            {
                final int length = tap.read(buffer, 100);
                if (length > 0)
                {
                    final byte[] frame = buffer.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
                    sim.post(() -> fromKernel(frame));
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
    private void fromKernel(final byte[] frame)
    {
        final int padded = Math.max(frame.length, MIN_FRAME_WITHOUT_FCS);
        toLink.asSlice(0, padded).fill((byte) 0);
        MemorySegment.copy(frame, 0, toLink, ValueLayout.JAVA_BYTE, 0, frame.length);
        toLink.set(FCS_LAYOUT, padded, fcs(toLink, 0, padded));
        end.transmit(toLink, 0, padded + FCS_BYTES);
        framesFromKernel++;
    }

    /* Ethernet's FCS is the CRC-32 of the frame, sent least significant byte first. */
    private int fcs(final MemorySegment frame, final long offset, final int length)
    {
        crc.reset();
        crc.update(frame.asSlice(offset, length).asByteBuffer());
        return (int) crc.getValue();
    }

    public long framesToKernel()
    {
        return framesToKernel;
    }

    public long framesFromKernel()
    {
        return framesFromKernel;
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
        tap.close();
    }
}
