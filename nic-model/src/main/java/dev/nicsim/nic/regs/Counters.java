package dev.nicsim.nic.regs;

/**
 * The statistics block (datasheet §3.5): 64-bit counters that count from reset and never clear. Counter n has its
 * low half at {@code 0x4000 + 8 * n} and its high half 4 bytes above; reading the low half latches the high half, so
 * low-then-high is one consistent value.
 *
 * <p>Every frame the receive MAC sees ends in exactly one of GPRC, CRCERRS, LENERRS, FILTERED, RXDISABLED, MPC, RNBC,
 * RXBUFERR (or is still inside the device): TPR is their sum once the device is idle.
 */
public final class Counters
{
    public static final int BASE = 0x4000;

    /** Frames received with a bad FCS. */
    public static final int CRCERRS = 0;
    /** Frames received shorter than 64 or longer than MAX_FRAME bytes. */
    public static final int LENERRS = 1;
    /** Frames rejected by the address filter. */
    public static final int FILTERED = 2;
    /** Frames dropped because RCTL.EN was clear. */
    public static final int RXDISABLED = 3;
    /** Missed: frames dropped because the RX FIFO was full. */
    public static final int MPC = 4;
    /** No buffer: frames dropped because their queue had no descriptor, or was disabled or halted. */
    public static final int RNBC = 5;
    /** Frames dropped because RCTL.BSIZE was too small for them (silicon mode). */
    public static final int RXBUFERR = 6;
    /** Total frames seen by the receive MAC. */
    public static final int TPR = 7;
    /** Total octets seen by the receive MAC, destination address through FCS. */
    public static final int TOR = 8;
    /** Good frames delivered to host memory. */
    public static final int GPRC = 9;
    /** Octets of good frames delivered, destination address through FCS. */
    public static final int GORC = 10;
    /** Broadcast frames delivered. */
    public static final int BPRC = 11;
    /** Multicast frames delivered. */
    public static final int MPRC = 12;
    /** Octets of frames dropped for a bad FCS or length. */
    public static final int BORC = 13;
    /** Frames transmitted. */
    public static final int GPTC = 14;
    /** Octets transmitted, destination address through FCS, padding included. */
    public static final int GOTC = 15;
    /** Frames the transmit path dropped: bad length or descriptor, or a buffer read refused (silicon mode). */
    public static final int TXDROPS = 16;
    /** Frames dropped because the link was down when their turn came. */
    public static final int TXLINKDOWN = 17;
    /** DMA transfers refused (silicon mode). */
    public static final int DMAFAULTS = 18;
    /** Programming errors detected (silicon mode). */
    public static final int MISUSE = 19;
    /** MSI-X messages sent. */
    public static final int INTERRUPTS = 20;
    /** Interrupts not sent because their vector had no message address (silicon mode). */
    public static final int MSIXDROPS = 21;
    /** Transmit descriptors fetched from host memory. */
    public static final int TDFETCH = 22;
    /** Receive descriptors fetched from host memory. */
    public static final int RDFETCH = 23;

    public static final int COUNT = 24;

    private static final String[] NAMES = {"CRCERRS", "LENERRS", "FILTERED", "RXDISABLED", "MPC", "RNBC", "RXBUFERR",
        "TPR", "TOR", "GPRC", "GORC", "BPRC", "MPRC", "BORC", "GPTC", "GOTC", "TXDROPS", "TXLINKDOWN", "DMAFAULTS",
        "MISUSE", "INTERRUPTS", "MSIXDROPS", "TDFETCH", "RDFETCH"};

    private Counters()
    {
    }

    /** Offset of counter {@code counter}'s low half. */
    public static int offset(final int counter)
    {
        return BASE + 8 * counter;
    }

    /** The counter's datasheet name. */
    public static String name(final int counter)
    {
        return NAMES[counter];
    }
}
