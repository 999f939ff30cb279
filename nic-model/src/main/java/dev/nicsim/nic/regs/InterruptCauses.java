package dev.nicsim.nic.regs;

/**
 * The interrupt cause bits shared by ICR, ICS, IMS and IMC, and which MSI-X vector each cause raises (datasheet §3.1,
 * §6).
 *
 * <pre>
 *  31            24 23            16 15  14      9   8   7   6   5   3   2   1   0
 * +----------------+----------------+---+----------+---+-------+---+-------+---+---+
 * |   TXQ7..TXQ0   |   RXQ7..RXQ0   |DER|    0     |RNB|   0   |RXO|   0   |LSC| 0 |
 * +----------------+----------------+---+----------+---+-------+---+-------+---+---+
 * </pre>
 *
 * ICR rule, the same in every mode: a cause bit is set by its event and stays set until software reads ICR (which
 * clears every bit) or writes 1 to it. Sending an interrupt never clears ICR.
 */
public final class InterruptCauses
{
    /** Link status change. */
    public static final int LSC = 1 << 2;
    /** Receiver overrun: a frame was dropped because the RX FIFO was full. */
    public static final int RXO = 1 << 6;
    /** Receive no buffer: a frame was dropped because its queue had no descriptor. */
    public static final int RXNB = 1 << 8;
    /** Device error in silicon mode (see ERRCODE). */
    public static final int DERR = 1 << 15;
    /** The causes served by the "other" vector. */
    public static final int OTHER = LSC | RXO | RXNB | DERR;

    private static final int RXQ_SHIFT = 16;
    private static final int TXQ_SHIFT = 24;

    private InterruptCauses()
    {
    }

    /** RXQ(q): a frame's descriptor was written back on RX queue q. */
    public static int rxQueue(final int queue)
    {
        return 1 << (RXQ_SHIFT + queue);
    }

    /** TXQ(q): a TX descriptor with RS was written back on TX queue q. */
    public static int txQueue(final int queue)
    {
        return 1 << (TXQ_SHIFT + queue);
    }

    /** The MSI-X vector of RX queue {@code queue}. */
    public static int rxVector(final int queue)
    {
        return queue;
    }

    /** The MSI-X vector of TX queue {@code queue} on a device with {@code rxQueues} RX queues. */
    public static int txVector(final int rxQueues, final int queue)
    {
        return rxQueues + queue;
    }

    /** The vector of link and error causes. */
    public static int otherVector(final int rxQueues, final int txQueues)
    {
        return rxQueues + txQueues;
    }

    /** How many vectors a device with these queues has. */
    public static int vectors(final int rxQueues, final int txQueues)
    {
        return rxQueues + txQueues + 1;
    }
}
