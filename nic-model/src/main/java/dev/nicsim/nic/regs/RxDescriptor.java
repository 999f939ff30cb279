package dev.nicsim.nic.regs;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The 16-byte legacy RX descriptor (datasheet §4.2), little-endian:
 *
 * <pre>
 *  63            48 47         40 39         32 31                            16 15                             0
 * +----------------------------------------------------------------------------------------------------------+
 * |                                   buffer address (64 bits)                                               |  +0
 * +----------------+-------------+-------------+--------------------------------+-------------------------------+
 * |    special     |   errors    |   status    |       packet checksum          |            length             |  +8
 * +----------------+-------------+-------------+--------------------------------+-------------------------------+
 * </pre>
 *
 * Software writes the buffer address; the device writes the frame (FCS stripped) into the buffer and then the whole
 * descriptor back: length, the raw ones'-complement sum from RXCSUM.PCSS to the end, status DD | EOP.
 */
public final class RxDescriptor
{
    public static final int BYTES = 16;
    public static final int ADDRESS = 0;
    /** The second quadword: length, packet checksum, status, errors, special. */
    public static final int FIELDS = 8;

    public static final int CHECKSUM_SHIFT = 16;
    public static final int STATUS_SHIFT = 32;
    public static final int ERRORS_SHIFT = 40;

    /* Status bits. */
    public static final int STATUS_DD = 1;
    public static final int STATUS_EOP = 1 << 1;

    private static final ValueLayout.OfLong QUAD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private RxDescriptor()
    {
    }

    /** Hands a buffer to the device: address set, status and the rest cleared. */
    public static void write(final MemorySegment memory, final long offset, final long bufferAddress)
    {
        memory.set(QUAD, offset + ADDRESS, bufferAddress);
        memory.set(QUAD, offset + FIELDS, 0L);
    }

    /** The second quadword the device writes back for a frame of {@code length} bytes. */
    public static long writeBack(final int length, final int rawChecksum, final int status)
    {
        return (length & 0xFFFFL) | (long) (rawChecksum & 0xFFFF) << CHECKSUM_SHIFT |
            (long) (status & 0xFF) << STATUS_SHIFT;
    }

    /** The second quadword of the descriptor at {@code offset}. */
    public static long fields(final MemorySegment memory, final long offset)
    {
        return memory.get(QUAD, offset + FIELDS);
    }

    public static long address(final MemorySegment memory, final long offset)
    {
        return memory.get(QUAD, offset + ADDRESS);
    }

    public static int length(final long fields)
    {
        return (int) (fields & 0xFFFF);
    }

    public static int checksum(final long fields)
    {
        return (int) (fields >>> CHECKSUM_SHIFT) & 0xFFFF;
    }

    public static int status(final long fields)
    {
        return (int) (fields >>> STATUS_SHIFT) & 0xFF;
    }

    public static int errors(final long fields)
    {
        return (int) (fields >>> ERRORS_SHIFT) & 0xFF;
    }
}
