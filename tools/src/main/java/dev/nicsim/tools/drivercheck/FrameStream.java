package dev.nicsim.tools.drivercheck;

import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.stack.device.FrameReceiver;
import dev.nicsim.stack.device.NetDevice;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A stand-in stack for driver tests and the conformance kit, zero-copy like the real one: it writes numbered frames straight into the
 * device's TX slots until the ring pushes back, flushes once per burst, resumes on txSpaceAvailable, and checks every
 * frame lent to it against the one its peer must have sent (length, every byte, the raw checksum). Frame
 * {@code seq}'s length (60 to 1514) and bytes follow from its sender's seed and {@code seq} alone.
 */
public final class FrameStream implements FrameReceiver
{
    private static final ValueLayout.OfLong BE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort BE_SHORT =
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int HEADER = 22;

    private final Simulator sim;
    private final NetDevice device;
    private final long seed;
    private final long destination;
    private final long peerSeed;
    private final Event kick;
    private int minLength = 60;
    private int maxLength = 1514;
    private long period = Long.MAX_VALUE;

    private long target;
    private long sent;
    private long bursts;
    private long expected;
    private long received;
    private long missing;
    private long wrong;
    private long batches;
    private long inBatch;
    private long largestBatch;
    private long spaceSignals;
    private boolean linkUp = true;

    public FrameStream(final Simulator sim, final NetDevice device, final long seed, final long destination,
        final long peerSeed)
    {
        this.device = device;
        this.seed = seed;
        this.destination = destination;
        this.peerSeed = peerSeed;
        this.sim = sim;
        this.kick = new Event(device.name() + ".app", Component.HOST_CPU, this::pump);
    }

    /** Lengths from {@code min} to {@code max} (both ends of a pair must agree). */
    public void lengths(final int min, final int max)
    {
        minLength = min;
        maxLength = max;
    }

    /** Makes lengths repeat every {@code frames} frames (both ends of a pair must agree). */
    public void repeatEvery(final long frames)
    {
        period = frames;
    }

    /** Asks for {@code frames} more frames; sending starts in an event at the current time. */
    public void send(final long frames)
    {
        target += frames;
        if (!kick.isScheduled())
        {
            sim.scheduleIn(kick, 0);
        }
    }

    private void pump()
    {
        boolean any = false;
        while (sent < target)
        {
            final int slot = device.txReserve();
            if (slot == NetDevice.NO_SLOT)
            {
                break;
            }
            final int length = length(seed, sent);
            write(device.txMemory(), device.txOffset(slot), length, sent);
            device.txCommit(slot, length, -1, -1);
            sent++;
            any = true;
        }
        if (any)
        {
            device.txFlush();
            bursts++;
        }
    }

    private void write(final MemorySegment memory, final long offset, final int length, final long seq)
    {
        memory.set(BE_LONG, offset, destination << 16 | device.macAddress() >>> 32);
        memory.set(BE_LONG, offset + 8, device.macAddress() << 32 | 0x88B5L << 16 | (seq >>> 48));
        memory.set(BE_LONG, offset + 14, seq);
        long state = mix(seed ^ seq);
        for (int i = HEADER; i < length; i += 8)
        {
            state = mix(state);
            if (i + 8 <= length)
            {
                memory.set(BE_LONG, offset + i, state);
            }
            else
            {
                for (int k = 0; i + k < length; k++)
                {
                    memory.set(ValueLayout.JAVA_BYTE, offset + i + k, (byte) (state >>> (56 - 8 * k)));
                }
            }
        }
    }

    @Override
    public void receiveFrame(final MemorySegment memory, final long offset, final int length, final int rawChecksum)
    {
        final long seq = memory.get(BE_LONG, offset + 14);
        if (seq < expected)
        {
            wrong++;
            return;
        }
        missing += seq - expected;
        expected = seq + 1;
        received++;
        inBatch++;
        if (!matches(memory, offset, length, seq) || rawChecksum != rawSum(memory, offset + 14, length - 14))
        {
            wrong++;
        }
    }

    private boolean matches(final MemorySegment memory, final long offset, final int length, final long seq)
    {
        if (length != length(peerSeed, seq) || (memory.get(BE_LONG, offset) >>> 16) != device.macAddress() ||
            memory.get(BE_SHORT, offset + 12) != (short) 0x88B5)
        {
            return false;
        }
        long state = mix(peerSeed ^ seq);
        for (int i = HEADER; i < length; i += 8)
        {
            state = mix(state);
            if (i + 8 <= length)
            {
                if (memory.get(BE_LONG, offset + i) != state)
                {
                    return false;
                }
            }
            else
            {
                for (int k = 0; i + k < length; k++)
                {
                    if (memory.get(ValueLayout.JAVA_BYTE, offset + i + k) != (byte) (state >>> (56 - 8 * k)))
                    {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** The raw ones'-complement sum the device should report: 16-bit big-endian words, 4 at a time. */
    private static int rawSum(final MemorySegment memory, final long offset, final int length)
    {
        long sum = 0;
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            final long word = memory.get(BE_LONG, offset + i);
            sum += (word >>> 48) + (word >>> 32 & 0xFFFF) + (word >>> 16 & 0xFFFF) + (word & 0xFFFF);
        }
        for (; i < length; i += 2)
        {
            final int high = memory.get(ValueLayout.JAVA_BYTE, offset + i) & 0xFF;
            final int low = i + 1 < length ? memory.get(ValueLayout.JAVA_BYTE, offset + i + 1) & 0xFF : 0;
            sum += high << 8 | low;
        }
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }

    private int length(final long sender, final long seq)
    {
        return minLength + (int) Long.remainderUnsigned(mix(sender * 31 + seq % period), maxLength - minLength + 1);
    }

    private static long mix(final long value)
    {
        long z = value + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public void receiveBatchDone()
    {
        batches++;
        largestBatch = Math.max(largestBatch, inBatch);
        inBatch = 0;
    }

    @Override
    public void txSpaceAvailable()
    {
        spaceSignals++;
        pump();
    }

    @Override
    public void linkChanged(final boolean up)
    {
        linkUp = up;
    }

    public long sent()
    {
        return sent;
    }

    public long bursts()
    {
        return bursts;
    }

    public long received()
    {
        return received;
    }

    /** Frames the peer sent that never arrived (gaps in the sequence numbers). */
    public long missing()
    {
        return missing;
    }

    /** Frames that arrived out of order or not byte-exact. */
    public long wrong()
    {
        return wrong;
    }

    public long batches()
    {
        return batches;
    }

    /** The most frames lent to this stack between two receiveBatchDone calls. */
    public long largestBatch()
    {
        return largestBatch;
    }

    public long spaceSignals()
    {
        return spaceSignals;
    }

    public boolean linkUp()
    {
        return linkUp;
    }
}
