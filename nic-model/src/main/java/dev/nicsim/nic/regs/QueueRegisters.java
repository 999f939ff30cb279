package dev.nicsim.nic.regs;

/**
 * The per-queue register blocks (datasheet §3.4): RX queue q at {@code 0x2800 + 0x100 * q}, TX queue q at
 * {@code 0x3800 + 0x100 * q}, queue 0 at the 8254x's RDBAL/TDBAL offsets. Both kinds share one layout:
 *
 * <pre>
 *  +0x00  xDBAL   ring base, low 32 (bits 6:0 zero: 128-byte aligned)   RW
 *  +0x04  xDBAH   ring base, high 32                                    RW
 *  +0x08  xDLEN   ring length in bytes, multiple of 128, max 0xFFF80    RW
 *  +0x10  xDH     head: next descriptor the device completes            RO
 *  +0x18  xDT     tail: the doorbell                                    RW
 *  +0x28  xXDCTL  bit 25 ENABLE, bit 31 QERR (RO: halted on an error)   RW
 * </pre>
 */
public final class QueueRegisters
{
    public static final int RX_BASE = 0x2800;
    public static final int TX_BASE = 0x3800;
    /** Distance between two queue blocks. */
    public static final int STRIDE = 0x100;
    /** Most queues of each kind the map has room for. */
    public static final int MAX_QUEUES = 8;

    /* Offsets inside a block. */
    public static final int BAL = 0x00;
    public static final int BAH = 0x04;
    public static final int LEN = 0x08;
    public static final int HEAD = 0x10;
    public static final int TAIL = 0x18;
    public static final int DCTL = 0x28;

    public static final int DCTL_ENABLE = 1 << 25;
    public static final int DCTL_QERR = 1 << 31;

    /** Ring bases are 128-byte aligned: these bits of BAL must be 0. */
    public static final int BASE_ALIGN_MASK = 0x7F;
    /** Ring lengths are multiples of 128 bytes (8 descriptors): these bits of LEN must be 0. */
    public static final int LEN_GRANULE_MASK = 0x7F;
    /** Largest ring length in bytes (65528 descriptors). */
    public static final int LEN_MAX = 0xFFF80;

    private QueueRegisters()
    {
    }

    /** Offset of register {@code register} (BAL, LEN, TAIL...) of RX queue {@code queue}. */
    public static int rx(final int queue, final int register)
    {
        return RX_BASE + STRIDE * queue + register;
    }

    /** Offset of register {@code register} (BAL, LEN, TAIL...) of TX queue {@code queue}. */
    public static int tx(final int queue, final int register)
    {
        return TX_BASE + STRIDE * queue + register;
    }

    /** The datasheet name of a queue register ({@code "RDT(0)"}), or null if the offset is in no queue block. */
    static String nameOf(final int offset)
    {
        final boolean rx = offset >= RX_BASE && offset < RX_BASE + STRIDE * MAX_QUEUES;
        final boolean tx = offset >= TX_BASE && offset < TX_BASE + STRIDE * MAX_QUEUES;
        if (!rx && !tx)
        {
            return null;
        }
        final int queue = (offset - (rx ? RX_BASE : TX_BASE)) / STRIDE;
        final String prefix = rx ? "R" : "T";
        final String name = switch (offset % STRIDE)
        {
            case BAL -> prefix + "DBAL";
            case BAH -> prefix + "DBAH";
            case LEN -> prefix + "DLEN";
            case HEAD -> prefix + "DH";
            case TAIL -> prefix + "DT";
            case DCTL -> prefix + "XDCTL";
            default -> null;
        };
        return name == null ? null : name + "(" + queue + ")";
    }
}
