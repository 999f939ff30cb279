package dev.nicsim.stack.device;

import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.stack.wire.Bytes;
import dev.nicsim.stack.wire.Checksum;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The transmit side every simple device shares: a fixed set of slots in one native segment, a free list, the FIFO of
 * committed frames waiting for the flush, checksum insertion at commit, and back-pressure ({@link #NO_SLOT}, then
 * {@link FrameReceiver#txSpaceAvailable()} once a slot frees). Subclasses decide what a flushed frame does.
 */
public abstract class SlottedDevice implements NetDevice
{
    protected final Simulator sim;
    private final String name;
    private final long mac;
    private final int mtu;
    private final int features;
    private final int capacity;
    private final int slotSize;
    private final MemorySegment memory;
    private final int[] free;
    private int freeCount;
    private final int[] committedSlot;
    private final int[] committedLength;
    private int committedHead;
    private int committedCount;
    private int flushable;
    private boolean spaceWanted;
    protected FrameReceiver receiver;
    private long framesSent;

    /**
     * @param extraBytes room after each frame for what the device appends (an FCS), beyond {@code mtu + 14}
     */
    protected SlottedDevice(final Simulator sim, final String name, final long mac, final int mtu,
        final int features, final int slots, final int extraBytes)
    {
        if (slots < 1 || mtu < 576)
        {
            throw new IllegalArgumentException(name + ": need at least 1 slot and an MTU of at least 576, got " +
                slots + " slots, MTU " + mtu);
        }
        this.sim = sim;
        this.name = name;
        this.mac = mac;
        this.mtu = mtu;
        this.features = features;
        this.capacity = mtu + 14;
        this.slotSize = (capacity + extraBytes + 63) & ~63;
        this.memory = Arena.ofAuto().allocate((long) slotSize * slots, 64);
        this.free = new int[slots];
        for (int i = 0; i < slots; i++)
        {
            free[i] = slots - 1 - i;
        }
        this.freeCount = slots;
        this.committedSlot = new int[slots];
        this.committedLength = new int[slots];
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public long macAddress()
    {
        return mac;
    }

    @Override
    public int mtu()
    {
        return mtu;
    }

    @Override
    public int features()
    {
        return features;
    }

    @Override
    public void setReceiver(final FrameReceiver receiver)
    {
        this.receiver = receiver;
    }

    @Override
    public int txReserve()
    {
        if (freeCount == 0)
        {
            spaceWanted = true;
            return NO_SLOT;
        }
        return free[--freeCount];
    }

    @Override
    public MemorySegment txMemory()
    {
        return memory;
    }

    @Override
    public long txOffset(final int slot)
    {
        return (long) slot * slotSize;
    }

    @Override
    public int txCapacity()
    {
        return capacity;
    }

    @Override
    public void txCommit(final int slot, final int length, final int checksumStart, final int checksumOffset)
    {
        if (length <= 0 || length > capacity)
        {
            throw new IllegalArgumentException(name + ": frame length " + length + " is outside 1.." + capacity);
        }
        if (checksumOffset >= 0)
        {
            if ((features & FEATURE_TX_CHECKSUM) == 0)
            {
                throw new IllegalStateException(name + ": checksum insertion asked of a device without " +
                    "FEATURE_TX_CHECKSUM");
            }
            final long base = txOffset(slot);
            final int sum = Checksum.sum(memory, base + checksumStart, length - checksumStart, 0);
            Bytes.put16(memory, base + checksumOffset, Checksum.finish(sum));
        }
        final int at = (committedHead + committedCount) % committedSlot.length;
        committedSlot[at] = slot;
        committedLength[at] = length;
        committedCount++;
    }

    @Override
    public void txFlush()
    {
        flushable = committedCount;
        if (flushable > 0)
        {
            flushed();
        }
    }

    /** The committed frames are flushed: hand them on with {@link #transmitNext()}. */
    protected abstract void flushed();

    /**
     * Sends the oldest flushed frame through {@link #send}; returns false when none is left. The slot stays the
     * device's until {@link #releaseSlot}.
     */
    protected final boolean transmitNext()
    {
        if (flushable == 0)
        {
            return false;
        }
        final int slot = committedSlot[committedHead];
        final int length = committedLength[committedHead];
        committedHead = (committedHead + 1) % committedSlot.length;
        committedCount--;
        flushable--;
        framesSent++;
        send(slot, txOffset(slot), length);
        return true;
    }

    /** Puts one frame on its way. */
    protected abstract void send(int slot, long offset, int length);

    /** Gives a slot back; tells the stack when it was waiting for one. */
    protected final void releaseSlot(final int slot)
    {
        free[freeCount++] = slot;
        if (spaceWanted && receiver != null)
        {
            spaceWanted = false;
            receiver.txSpaceAvailable();
        }
    }

    public long framesSent()
    {
        return framesSent;
    }
}
