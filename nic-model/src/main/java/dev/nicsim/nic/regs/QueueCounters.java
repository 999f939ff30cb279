package dev.nicsim.nic.regs;

/**
 * Per-queue statistics (datasheet §3.5): four 64-bit counters per queue, never clearing, read like the others (the
 * low half latches the high half). Queue q's block starts at {@code 0x4200 + 0x20 * q}:
 *
 * <pre>
 *  +0x00  QPRC(q)  frames delivered to host memory on RX queue q
 *  +0x08  QBRC(q)  octets of those frames, destination address through FCS
 *  +0x10  QPTC(q)  frames transmitted from TX queue q
 *  +0x18  QBTC(q)  octets of those frames, destination address through FCS, padding included
 * </pre>
 * Summed over the queues they equal GPRC, GORC, GPTC and GOTC.
 */
public final class QueueCounters
{
    public static final int BASE = 0x4200;
    public static final int STRIDE = 0x20;

    public static final int QPRC = 0;
    public static final int QBRC = 1;
    public static final int QPTC = 2;
    public static final int QBTC = 3;
    /** Counters per queue. */
    public static final int PER_QUEUE = 4;
    /** Counters in the block: {@link QueueRegisters#MAX_QUEUES} queues' worth. */
    public static final int COUNT = PER_QUEUE * QueueRegisters.MAX_QUEUES;

    private static final String[] NAMES = {"QPRC", "QBRC", "QPTC", "QBTC"};

    private QueueCounters()
    {
    }

    /** Offset of the low half of counter {@code counter} (QPRC ... QBTC) of queue {@code queue}. */
    public static int offset(final int queue, final int counter)
    {
        return BASE + STRIDE * queue + 8 * counter;
    }

    /** The counter's datasheet name ({@code "QPRC(3)"}). */
    public static String name(final int queue, final int counter)
    {
        return NAMES[counter] + "(" + queue + ")";
    }
}
