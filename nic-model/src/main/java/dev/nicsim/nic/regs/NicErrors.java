package dev.nicsim.nic.regs;

/**
 * Every programming error the device detects (datasheet §9): its code in ERRCODE, its name and the rule it breaks.
 * In strict mode the device stops the simulation with a message that quotes the rule; in silicon mode it records the
 * code, counts and carries on as hardware would.
 */
public final class NicErrors
{
    public static final int NONE = 0;
    public static final int REG_UNKNOWN = 1;
    public static final int REG_READ_ONLY = 2;
    public static final int REG_WRITE_ONLY = 3;
    public static final int WRITE_DURING_RESET = 4;
    public static final int RING_BASE_MISALIGNED = 5;
    public static final int RING_LENGTH_INVALID = 6;
    public static final int RING_CHANGED_WHILE_ENABLED = 7;
    public static final int QUEUE_NOT_PROGRAMMED = 8;
    public static final int TAIL_BEYOND_RING = 9;
    public static final int TX_LENGTH_ZERO = 10;
    public static final int TX_FRAME_OVERSIZE = 11;
    public static final int TX_DESCRIPTOR_UNSUPPORTED = 12;
    public static final int TX_CHECKSUM_OFFSETS = 13;
    public static final int RX_BUFFER_TOO_SMALL = 14;
    public static final int DMA_BUS_MASTER_OFF = 15;
    public static final int DMA_TO_BAR = 16;
    public static final int DMA_UNMAPPED = 17;
    public static final int MSIX_UNPROGRAMMED = 18;
    public static final int RSS_QUEUE_INVALID = 19;
    public static final int TX_TSO_INVALID = 20;

    private static final String[] NAMES = {"NONE", "REG_UNKNOWN", "REG_READ_ONLY", "REG_WRITE_ONLY",
        "WRITE_DURING_RESET", "RING_BASE_MISALIGNED", "RING_LENGTH_INVALID", "RING_CHANGED_WHILE_ENABLED",
        "QUEUE_NOT_PROGRAMMED", "TAIL_BEYOND_RING", "TX_LENGTH_ZERO", "TX_FRAME_OVERSIZE", "TX_DESCRIPTOR_UNSUPPORTED",
        "TX_CHECKSUM_OFFSETS", "RX_BUFFER_TOO_SMALL", "DMA_BUS_MASTER_OFF", "DMA_TO_BAR", "DMA_UNMAPPED",
        "MSIX_UNPROGRAMMED", "RSS_QUEUE_INVALID", "TX_TSO_INVALID"};

    private static final String[] RULES = {
        "no error",
        "every access is to a register the datasheet lists (and a queue the device has)",
        "a read-only register is never written",
        "a write-only register is never read",
        "no register is written (a doorbell included) while CTRL.RST reads 1; poll CTRL until RST clears",
        "a ring base is 128-byte aligned (bits 6:0 of RDBAL/TDBAL are 0)",
        "a ring length is a non-zero multiple of 128 bytes and at most 0xFFF80",
        "ring base and length change only while the queue is disabled",
        "a queue is enabled only after its ring base and length are programmed",
        "the tail is below the ring's descriptor count (LEN / 16)",
        "every TX descriptor carries at least one byte",
        "a TX frame holds at most MAX_FRAME - 4 bytes (the MAC adds the FCS)",
        "TX descriptors are legacy descriptors: CMD.DEXT and CMD.VLE are 0",
        "with CMD.IC, CSS lies inside the frame and CSO + 2 does not pass its end",
        "every received frame fits one buffer of RCTL.BSIZE bytes",
        "the device does DMA only while PCI bus mastering is enabled: enable it before enabling queues",
        "descriptors and rings never point at a device BAR: peer-to-peer DMA is not supported",
        "every ring and buffer the device touches is mapped in the IOMMU (writable, for what it writes) before it is " +
            "handed over, and stays mapped until the device is done with it",
        "an MSI-X vector is given a message address before it is unmasked",
        "every RETA entry names an RX queue the device has",
        "a TSO packet (CMD.TSE on its first descriptor) is a TCP/IPv4 packet whose Ethernet, IPv4 and TCP headers " +
            "take exactly CSS bytes inside the first descriptor, with an MSS (the special field) of 1 or more that " +
            "keeps every frame within MAX_FRAME - 4 bytes, on a device that offers TSO (FEATURES.TSO), and no frame's " +
            "payload spans more descriptors than the queue's descriptor cache holds"};

    private NicErrors()
    {
    }

    public static String name(final int code)
    {
        return NAMES[code];
    }

    /** The rule an error breaks, as the datasheet states it. */
    public static String rule(final int code)
    {
        return RULES[code];
    }
}
