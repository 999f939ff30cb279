package dev.nicsim.nic.regs;

/**
 * Receive-side scaling (datasheet §3.6): which RX queue a received frame goes to. The registers sit where the 8257x
 * family has them (MRQC, RETA, RSSRK), with the 82576's UDP field bit.
 *
 * <pre>
 *  0x5818  MRQC       bits 1:0 mode (01 = RSS), bit 16 TCPIPV4, bit 17 IPV4, bit 22 UDPIPV4   RW  reset 0
 *  0x5C00  RETA(n)    n = 0..31: entries 4n..4n+3, entry 4n in bits 7:0, each 3 bits of queue  RW  reset 0
 *  0x5C80  RSSRK(n)   n = 0..9: key bytes 4n..4n+3, byte 4n in bits 7:0 (K[0] is the left end)  RW  reset 0
 * </pre>
 *
 * With RSS on, an IPv4 frame's Toeplitz hash ({@link #toeplitz}) over the enabled fields picks entry
 * {@code hash & 127} of the table, which names the RX queue. A frame with no enabled hash type goes to queue 0.
 */
public final class RssRegisters
{
    public static final int MRQC = 0x5818;
    public static final int RETA_BASE = 0x5C00;
    public static final int RSSRK_BASE = 0x5C80;

    /** Entries of the indirection table (RETA), indexed by the hash's low 7 bits. */
    public static final int RETA_ENTRIES = 128;
    public static final int RETA_REGISTERS = RETA_ENTRIES / 4;
    /** Bits of an entry that name the queue. */
    public static final int RETA_QUEUE_MASK = 0x7;
    /** Bytes of the secret key (320 bits). */
    public static final int KEY_BYTES = 40;
    public static final int KEY_REGISTERS = KEY_BYTES / 4;

    /* MRQC fields. */
    public static final int MRQC_MODE_MASK = 0x3;
    public static final int MRQC_MODE_RSS = 0x1;
    public static final int MRQC_TCPIPV4 = 1 << 16;
    public static final int MRQC_IPV4 = 1 << 17;
    public static final int MRQC_UDPIPV4 = 1 << 22;
    /** Every MRQC bit the device has; the rest read 0. */
    public static final int MRQC_BITS = MRQC_MODE_MASK | MRQC_TCPIPV4 | MRQC_IPV4 | MRQC_UDPIPV4;

    private RssRegisters()
    {
    }

    /** RETA(n)'s offset: entries 4n to 4n + 3. */
    public static int reta(final int register)
    {
        return RETA_BASE + 4 * register;
    }

    /** RSSRK(n)'s offset: key bytes 4n to 4n + 3. */
    public static int rssrk(final int register)
    {
        return RSSRK_BASE + 4 * register;
    }

    /** RSSRK(n)'s value for a 40-byte key: byte 4n in bits 7:0. */
    public static int keyRegister(final byte[] key, final int register)
    {
        return key[4 * register] & 0xFF | (key[4 * register + 1] & 0xFF) << 8 | (key[4 * register + 2] & 0xFF) << 16 |
            (key[4 * register + 3] & 0xFF) << 24;
    }

    /**
     * The Toeplitz hash of {@code length} bytes of {@code input} under a 40-byte key, as Microsoft's RSS specification
     * and the Intel datasheets define it: for each input bit from the left, if it is 1, XOR the 32 key bits starting
     * at that bit's position into the result. Inputs of up to 36 bytes (IPv4 4-tuples take 12).
     */
    public static int toeplitz(final byte[] key, final byte[] input, final int length)
    {
        int result = 0;
        for (int i = 0; i < length; i++)
        {
            // Key bits 8i .. 8i + 63: the windows of this byte's 8 input bits.
            long window = 0;
            for (int k = 0; k < 8; k++)
            {
                window = window << 8 | (i + k < KEY_BYTES ? key[i + k] & 0xFF : 0);
            }
            final int b = input[i] & 0xFF;
            for (int bit = 0; bit < 8; bit++)
            {
                if ((b & 0x80 >>> bit) != 0)
                {
                    result ^= (int) (window << bit >>> 32);
                }
            }
        }
        return result;
    }

    /** The datasheet name of an RSS register, or null. */
    static String nameOf(final int offset)
    {
        if (offset == MRQC)
        {
            return "MRQC";
        }
        if (offset >= RETA_BASE && offset < RETA_BASE + 4 * RETA_REGISTERS && (offset & 3) == 0)
        {
            return "RETA(" + (offset - RETA_BASE) / 4 + ")";
        }
        if (offset >= RSSRK_BASE && offset < RSSRK_BASE + 4 * KEY_REGISTERS && (offset & 3) == 0)
        {
            return "RSSRK(" + (offset - RSSRK_BASE) / 4 + ")";
        }
        return null;
    }
}
