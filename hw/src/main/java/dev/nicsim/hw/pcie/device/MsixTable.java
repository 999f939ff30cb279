package dev.nicsim.hw.pcie.device;

/**
 * A device's MSI-X table and pending-bit array, laid out as the PCI specification draws them:
 *
 * <pre>
 *  table entry n, at 16 * n:
 *   31                              0
 *  +--------------------------------+ +0x0
 *  |    message address, low 32     |
 *  +--------------------------------+ +0x4
 *  |    message address, high 32    |
 *  +--------------------------------+ +0x8
 *  |          message data          |
 *  +--------------------------------+ +0xC
 *  |    vector control (bit 0: mask)|
 *  +--------------------------------+
 *  pending-bit array: bit n of 32-bit word n / 32.
 * </pre>
 *
 * Vectors come out of reset masked. Raising a masked vector sets its pending bit; unmasking a pending vector sends
 * its message then. The device decides where the table sits in its BAR and forwards accesses here.
 */
public final class MsixTable
{
    public static final int ENTRY_BYTES = 16;
    public static final int ENTRY_ADDRESS_LOW = 0x0;
    public static final int ENTRY_ADDRESS_HIGH = 0x4;
    public static final int ENTRY_DATA = 0x8;
    public static final int ENTRY_CONTROL = 0xC;
    public static final int CONTROL_MASK = 1;

    private final DmaEngine dma;
    private final long[] addresses;
    private final int[] data;
    private final boolean[] masked;
    private final boolean[] pending;
    private final long[] sent;

    public MsixTable(final int vectors, final DmaEngine dma)
    {
        if (vectors < 1 || vectors > 2048)
        {
            throw new IllegalArgumentException("an MSI-X table has 1 to 2048 vectors, got " + vectors);
        }
        this.dma = dma;
        this.addresses = new long[vectors];
        this.data = new int[vectors];
        this.masked = new boolean[vectors];
        this.pending = new boolean[vectors];
        this.sent = new long[vectors];
        java.util.Arrays.fill(masked, true);
    }

    public int vectors()
    {
        return addresses.length;
    }

    /** Size of the table region in bytes. */
    public int tableBytes()
    {
        return addresses.length * ENTRY_BYTES;
    }

    /** Size of the pending-bit array in bytes (whole 64-bit words, as the specification requires). */
    public int pendingBytes()
    {
        return ((addresses.length + 63) / 64) * 8;
    }

    public int readTable(final int offset)
    {
        final int vector = offset / ENTRY_BYTES;
        return switch (offset % ENTRY_BYTES)
        {
            case ENTRY_ADDRESS_LOW -> (int) addresses[vector];
            case ENTRY_ADDRESS_HIGH -> (int) (addresses[vector] >>> 32);
            case ENTRY_DATA -> data[vector];
            default -> masked[vector] ? CONTROL_MASK : 0;
        };
    }

    public void writeTable(final int offset, final int value)
    {
        final int vector = offset / ENTRY_BYTES;
        switch (offset % ENTRY_BYTES)
        {
            case ENTRY_ADDRESS_LOW -> addresses[vector] = (addresses[vector] & 0xFFFF_FFFF_0000_0000L) |
                (value & 0xFFFF_FFFFL);
            case ENTRY_ADDRESS_HIGH -> addresses[vector] = (addresses[vector] & 0xFFFF_FFFFL) | ((long) value << 32);
            case ENTRY_DATA -> data[vector] = value;
            default -> setMasked(vector, (value & CONTROL_MASK) != 0);
        }
    }

    public int readPending(final int offset)
    {
        final int firstVector = (offset / 4) * 32;
        int bits = 0;
        for (int i = 0; i < 32 && firstVector + i < pending.length; i++)
        {
            if (pending[firstVector + i])
            {
                bits |= 1 << i;
            }
        }
        return bits;
    }

    /** Whether software has programmed a message address (a vector with address 0 would write to nowhere). */
    public boolean isProgrammed(final int vector)
    {
        return addresses[vector] != 0;
    }

    public boolean isMasked(final int vector)
    {
        return masked[vector];
    }

    public boolean isPending(final int vector)
    {
        return pending[vector];
    }

    /** Messages sent for a vector. */
    public long sent(final int vector)
    {
        return sent[vector];
    }

    /** Raises a vector: sends its message, or marks it pending while masked. */
    public void raise(final int vector)
    {
        if (masked[vector])
        {
            pending[vector] = true;
            return;
        }
        send(vector);
    }

    /** Forgets every vector's programming and pending state (device reset). */
    public void reset()
    {
        java.util.Arrays.fill(addresses, 0);
        java.util.Arrays.fill(data, 0);
        java.util.Arrays.fill(masked, true);
        java.util.Arrays.fill(pending, false);
    }

    private void setMasked(final int vector, final boolean mask)
    {
        masked[vector] = mask;
        if (!mask && pending[vector])
        {
            send(vector);
        }
    }

    private void send(final int vector)
    {
        pending[vector] = false;
        sent[vector]++;
        dma.sendMessage(addresses[vector], data[vector]);
    }
}
