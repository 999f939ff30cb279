package dev.nicsim.nic.regs;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The 16-byte legacy TX descriptor (datasheet §4.1), little-endian:
 *
 * <pre>
 *  63            48 47         40 39  36 35  32 31         24 23         16 15                             0
 * +-----------------------------------------------------------------------------------------------------+
 * |                                   buffer address (64 bits)                                          |  +0
 * +----------------+-------------+------+------+-------------+-------------+-------------------------------+
 * |    special     |     CSS     | rsvd | STA  |     CMD     |     CSO     |            length             |  +8
 * +----------------+-------------+------+------+-------------+-------------+-------------------------------+
 * </pre>
 *
 * With TSE (on a packet's first descriptor) CSS is the length of the headers and special the MSS (§4.3).
 * With RS the device writes bytes 12-15 back with STA.DD set once it has read the buffer; the buffer is then
 * software's again. With IC (taken from the EOP descriptor) it sums the frame from CSS to its end and stores the
 * complement at CSO.
 */
public final class TxDescriptor
{
    public static final int BYTES = 16;
    public static final int ADDRESS = 0;
    /** The second quadword: length, CSO, CMD, STA, CSS, special. */
    public static final int FIELDS = 8;
    /** The dword the device writes back: STA, CSS, special. */
    public static final int WRITE_BACK = 12;
    public static final int WRITE_BACK_BYTES = 4;

    public static final int CSO_SHIFT = 16;
    public static final int CMD_SHIFT = 24;
    public static final int STA_SHIFT = 32;
    public static final int CSS_SHIFT = 40;
    public static final int SPECIAL_SHIFT = 48;

    /* CMD bits. */
    public static final int CMD_EOP = 1;
    public static final int CMD_IFCS = 1 << 1;
    public static final int CMD_IC = 1 << 2;
    public static final int CMD_RS = 1 << 3;
    /** TCP segmentation (datasheet §4.3): on a packet's first descriptor, CSS holds the header length, special the MSS. */
    public static final int CMD_TSE = 1 << 4;
    public static final int CMD_DEXT = 1 << 5;
    public static final int CMD_VLE = 1 << 6;

    /* STA bits. */
    public static final int STA_DD = 1;

    private static final ValueLayout.OfLong QUAD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private TxDescriptor()
    {
    }

    /** Writes a whole descriptor (status clear) at {@code offset} of {@code memory}. */
    public static void write(final MemorySegment memory, final long offset, final long bufferAddress,
        final int length, final int cmd, final int cso, final int css)
    {
        memory.set(QUAD, offset + ADDRESS, bufferAddress);
        memory.set(QUAD, offset + FIELDS, fields(length, cmd, cso, css));
    }

    /** The second quadword of a descriptor with these fields and a clear status. */
    public static long fields(final int length, final int cmd, final int cso, final int css)
    {
        return (length & 0xFFFFL) | (long) (cso & 0xFF) << CSO_SHIFT | (long) (cmd & 0xFF) << CMD_SHIFT |
            (long) (css & 0xFF) << CSS_SHIFT;
    }

    /**
     * The second quadword of a TSO packet's first descriptor: {@code headerLength} in CSS, {@code mss} in special,
     * CMD.TSE set with {@code cmd}.
     */
    public static long tsoFields(final int length, final int cmd, final int headerLength, final int mss)
    {
        return fields(length, cmd | CMD_TSE, 0, headerLength) | (long) (mss & 0xFFFF) << SPECIAL_SHIFT;
    }

    /** Writes a whole descriptor with second quadword {@code fields} at {@code offset} of {@code memory}. */
    public static void write(final MemorySegment memory, final long offset, final long bufferAddress, final long fields)
    {
        memory.set(QUAD, offset + ADDRESS, bufferAddress);
        memory.set(QUAD, offset + FIELDS, fields);
    }

    /** Sets CMD bits (RS, say) of a descriptor already written, before it is handed over. */
    public static void addCommand(final MemorySegment memory, final long offset, final int bits)
    {
        final long at = offset + FIELDS + CMD_SHIFT / 8;
        memory.set(BYTE, at, (byte) (memory.get(BYTE, at) | bits));
    }

    /** The STA field of the descriptor at {@code offset}. */
    public static int status(final MemorySegment memory, final long offset)
    {
        return memory.get(BYTE, offset + FIELDS + STA_SHIFT / 8) & 0xF;
    }

    public static long address(final MemorySegment memory, final long offset)
    {
        return memory.get(QUAD, offset + ADDRESS);
    }

    /** The second quadword of the descriptor at {@code offset}. */
    public static long fields(final MemorySegment memory, final long offset)
    {
        return memory.get(QUAD, offset + FIELDS);
    }

    public static int length(final long fields)
    {
        return (int) (fields & 0xFFFF);
    }

    public static int cso(final long fields)
    {
        return (int) (fields >>> CSO_SHIFT) & 0xFF;
    }

    public static int cmd(final long fields)
    {
        return (int) (fields >>> CMD_SHIFT) & 0xFF;
    }

    public static int css(final long fields)
    {
        return (int) (fields >>> CSS_SHIFT) & 0xFF;
    }

    /** The special field: the MSS of a TSO packet's first descriptor. */
    public static int special(final long fields)
    {
        return (int) (fields >>> SPECIAL_SHIFT) & 0xFFFF;
    }
}
