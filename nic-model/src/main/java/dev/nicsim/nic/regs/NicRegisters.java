package dev.nicsim.nic.regs;

/**
 * The NS-1's BAR 0: general registers, identification header and error capture (datasheet §2-3). Queue blocks are in
 * {@link QueueRegisters}, counters in {@link Counters}, interrupt cause bits in {@link InterruptCauses}.
 *
 * <pre>
 * 0x00000 +-------------------------------+
 *         | general registers             |  CTRL, STATUS, ICR, ITR, ICS, IMS, IMC, RCTL, TCTL
 * 0x00F00 +-------------------------------+
 *         | identification header (RO)    |  ID, VERSION, FEATURES, QUEUES, LINK_SPEED, ...
 * 0x00F40 | error capture                 |  ERRCODE (RC), ERRADDR
 * 0x01680 +-------------------------------+
 *         | EITR(n), n = 0 .. vectors-1   |  per-vector interrupt throttling
 * 0x02800 +-------------------------------+
 *         | RX queue blocks, stride 0x100 |  queue q at 0x2800 + 0x100 * q
 * 0x03800 +-------------------------------+
 *         | TX queue blocks, stride 0x100 |  queue q at 0x3800 + 0x100 * q
 * 0x04000 +-------------------------------+
 *         | statistics (64-bit counters)  |  0x4000 + 8 * n
 * 0x04200 | per-queue statistics          |  0x4200 + 0x20 * q (QueueCounters)
 * 0x05000 | RXCSUM                        |
 * 0x05400 | RAL0, RAH0                    |  the station MAC address
 * 0x05818 | MRQC                          |  receive-side scaling (RssRegisters)
 * 0x05C00 | RETA(0..31), RSSRK(0..9)      |  indirection table, hash key
 * 0x10000 +-------------------------------+
 *         | MSI-X table (16 B per vector) |
 * 0x11000 | MSI-X pending-bit array (RO)  |
 * 0x20000 +-------------------------------+
 * </pre>
 */
public final class NicRegisters
{
    /** Size of BAR 0. */
    public static final int BAR_SIZE = 0x20000;

    /* General registers (8254x offsets). */
    public static final int CTRL = 0x0000;
    public static final int STATUS = 0x0008;
    public static final int ICR = 0x00C0;
    public static final int ITR = 0x00C4;
    public static final int ICS = 0x00C8;
    public static final int IMS = 0x00D0;
    public static final int IMC = 0x00D8;
    public static final int RCTL = 0x0100;
    public static final int TCTL = 0x0400;
    public static final int RXCSUM = 0x5000;
    public static final int RAL0 = 0x5400;
    public static final int RAH0 = 0x5404;

    /** EITR(n) at {@code EITR_BASE + 4 * n}: throttling interval of MSI-X vector n. */
    public static final int EITR_BASE = 0x1680;

    /* Identification header, all read-only. */
    public static final int ID = 0x0F00;
    public static final int VERSION = 0x0F04;
    public static final int FEATURES = 0x0F08;
    public static final int QUEUES = 0x0F0C;
    public static final int LINK_SPEED = 0x0F10;
    public static final int MSIX_TABLE = 0x0F14;
    public static final int MSIX_PBA = 0x0F18;
    public static final int MAX_FRAME = 0x0F1C;
    public static final int QUEUE_STRIDE = 0x0F20;

    /* Error capture. */
    public static final int ERRCODE = 0x0F40;
    public static final int ERRADDR = 0x0F44;

    /** Where the MSI-X table and pending-bit array sit in BAR 0 (also readable from the header). */
    public static final int MSIX_TABLE_OFFSET = 0x10000;
    public static final int MSIX_PBA_OFFSET = 0x11000;

    /*
     * An MSI-X table entry, as the PCI specification lays it out (datasheet §6):
     *   +0x0 message address low, +0x4 message address high, +0x8 message data, +0xC vector control (bit 0: mask).
     */
    public static final int MSIX_ENTRY_BYTES = 16;
    public static final int MSIX_ADDRESS_LOW = 0x0;
    public static final int MSIX_ADDRESS_HIGH = 0x4;
    public static final int MSIX_DATA = 0x8;
    public static final int MSIX_CONTROL = 0xC;
    public static final int MSIX_CONTROL_MASK = 1;

    /* CTRL bits. */
    public static final int CTRL_GIO_MASTER_DISABLE = 1 << 2;
    public static final int CTRL_RST = 1 << 26;

    /* STATUS bits. */
    public static final int STATUS_LU = 1 << 1;
    public static final int STATUS_GIO_MASTER_ENABLED = 1 << 19;

    /* RCTL bits. */
    public static final int RCTL_EN = 1 << 1;
    public static final int RCTL_UPE = 1 << 3;
    public static final int RCTL_MPE = 1 << 4;
    public static final int RCTL_BAM = 1 << 15;
    public static final int RCTL_BSIZE_SHIFT = 16;
    public static final int RCTL_BSIZE_MASK = 3 << RCTL_BSIZE_SHIFT;
    public static final int RCTL_BSIZE_2048 = 0;
    public static final int RCTL_BSIZE_1024 = 1 << RCTL_BSIZE_SHIFT;
    public static final int RCTL_BSIZE_512 = 2 << RCTL_BSIZE_SHIFT;
    public static final int RCTL_BSIZE_256 = 3 << RCTL_BSIZE_SHIFT;

    /* TCTL bits. */
    public static final int TCTL_EN = 1 << 1;
    public static final int TCTL_PSP = 1 << 3;

    /** RXCSUM.PCSS: first byte summed into the RX raw checksum; reset value 14, the byte after the Ethernet header. */
    public static final int RXCSUM_PCSS_MASK = 0xFF;
    public static final int RXCSUM_RESET = 14;

    /** RAH0 bit 31: the address is valid. */
    public static final int RAH_AV = 1 << 31;

    /** ITR/EITR: interval in 256 ns units in bits 15:0. */
    public static final int ITR_INTERVAL_MASK = 0xFFFF;
    public static final long ITR_UNIT_PS = 256_000;

    /* ERRCODE fields. */
    public static final int ERRCODE_CODE_MASK = 0xFF;
    public static final int ERRCODE_QUEUE_SHIFT = 8;
    public static final int ERRCODE_TX = 1 << 16;

    private NicRegisters()
    {
    }

    /** The offset of field {@code field} (MSIX_ADDRESS_LOW ... MSIX_CONTROL) of MSI-X table entry {@code vector}. */
    public static int msix(final int vector, final int field)
    {
        return MSIX_TABLE_OFFSET + MSIX_ENTRY_BYTES * vector + field;
    }

    /** EITR(n)'s offset. */
    public static int eitr(final int vector)
    {
        return EITR_BASE + 4 * vector;
    }

    /** The MAC address (48 bits, first byte on the wire most significant) that RAL0/RAH0 hold. */
    public static long macAddress(final int ral, final int rah)
    {
        return Long.reverseBytes((ral & 0xFFFF_FFFFL) | (rah & 0xFFFFL) << 32) >>> 16;
    }

    /** RAL0's value for a MAC address: bytes 0-3, byte 0 in bits 7:0. */
    public static int ral(final long macAddress)
    {
        return (int) (Long.reverseBytes(macAddress) >>> 16);
    }

    /** RAH0's value for a MAC address: bytes 4-5 and AV. */
    public static int rah(final long macAddress)
    {
        return RAH_AV | (int) (Long.reverseBytes(macAddress) >>> 48) & 0xFFFF;
    }

    /** RCTL.BSIZE's buffer size in bytes. */
    public static int bufferSize(final int rctl)
    {
        return 2048 >> ((rctl & RCTL_BSIZE_MASK) >>> RCTL_BSIZE_SHIFT);
    }

    /**
     * A register's datasheet name ({@code "TDT(0)"}, {@code "GPRC.lo"}, {@code "MSIX[2].control"}), for traces and
     * error messages; {@code "0x1234"} for an offset that names nothing. Not for hot paths: it builds a string.
     */
    public static String nameOf(final int offset)
    {
        final String general = generalName(offset);
        if (general != null)
        {
            return general;
        }
        if (offset >= EITR_BASE && offset < EITR_BASE + 4 * 256)
        {
            return "EITR(" + (offset - EITR_BASE) / 4 + ")";
        }
        final String queue = QueueRegisters.nameOf(offset);
        if (queue != null)
        {
            return queue;
        }
        if (offset >= Counters.BASE && offset < Counters.BASE + 8 * Counters.COUNT)
        {
            return Counters.name((offset - Counters.BASE) / 8) + ((offset & 4) == 0 ? ".lo" : ".hi");
        }
        if (offset >= QueueCounters.BASE && offset < QueueCounters.BASE + 8 * QueueCounters.COUNT)
        {
            final int index = (offset - QueueCounters.BASE) / 8;
            return QueueCounters.name(index / QueueCounters.PER_QUEUE, index % QueueCounters.PER_QUEUE) +
                ((offset & 4) == 0 ? ".lo" : ".hi");
        }
        final String rss = RssRegisters.nameOf(offset);
        if (rss != null)
        {
            return rss;
        }
        if (offset >= MSIX_TABLE_OFFSET && offset < MSIX_PBA_OFFSET)
        {
            final int field = (offset - MSIX_TABLE_OFFSET) % 16;
            return "MSIX[" + (offset - MSIX_TABLE_OFFSET) / 16 + "]." +
                switch (field)
                {
                    case 0 -> "address_lo";
                    case 4 -> "address_hi";
                    case 8 -> "data";
                    default -> "control";
                };
        }
        if (offset >= MSIX_PBA_OFFSET && offset < BAR_SIZE)
        {
            return "PBA[" + (offset - MSIX_PBA_OFFSET) / 4 + "]";
        }
        return "0x" + Integer.toHexString(offset);
    }

    private static String generalName(final int offset)
    {
        return switch (offset)
        {
            case CTRL -> "CTRL";
            case STATUS -> "STATUS";
            case ICR -> "ICR";
            case ITR -> "ITR";
            case ICS -> "ICS";
            case IMS -> "IMS";
            case IMC -> "IMC";
            case RCTL -> "RCTL";
            case TCTL -> "TCTL";
            case RXCSUM -> "RXCSUM";
            case RAL0 -> "RAL0";
            case RAH0 -> "RAH0";
            case ID -> "ID";
            case VERSION -> "VERSION";
            case FEATURES -> "FEATURES";
            case QUEUES -> "QUEUES";
            case LINK_SPEED -> "LINK_SPEED";
            case MSIX_TABLE -> "MSIX_TABLE";
            case MSIX_PBA -> "MSIX_PBA";
            case MAX_FRAME -> "MAX_FRAME";
            case QUEUE_STRIDE -> "QUEUE_STRIDE";
            case ERRCODE -> "ERRCODE";
            case ERRADDR -> "ERRADDR";
            default -> null;
        };
    }
}
