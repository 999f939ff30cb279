package dev.nicsim.stack.wire;

/**
 * A UDP header (RFC 768).
 * <pre>
 *  0               2               4               6               8
 * +---------------+---------------+---------------+---------------+
 * | source port   | dest port     | length        | checksum      |
 * +---------------+---------------+---------------+---------------+
 * </pre>
 * A zero checksum means "none computed"; a computed zero is sent as 0xFFFF.
 */
public final class UdpDatagram extends WireView
{
    public static final int SOURCE_PORT = 0;
    public static final int DESTINATION_PORT = 2;
    public static final int LENGTH = 4;
    public static final int CHECKSUM = 6;
    public static final int HEADER_LENGTH = 8;

    /**
     * Checks the length field against the IP payload. Returns 0, or a {@link DropReason}. The checksum is checked by
     * the caller, which knows whether the device already summed the packet.
     */
    public int validate()
    {
        if (length < HEADER_LENGTH)
        {
            return DropReason.UDP_TRUNCATED;
        }
        final int declared = datagramLength();
        return declared < HEADER_LENGTH || declared > length ? DropReason.UDP_LENGTH : 0;
    }

    public int sourcePort()
    {
        return u16(SOURCE_PORT);
    }

    public int destinationPort()
    {
        return u16(DESTINATION_PORT);
    }

    public int datagramLength()
    {
        return u16(LENGTH);
    }

    public int checksum()
    {
        return u16(CHECKSUM);
    }

    public void emit(final int sourcePort, final int destinationPort, final int datagramLength, final int checksum)
    {
        put16(SOURCE_PORT, sourcePort);
        put16(DESTINATION_PORT, destinationPort);
        put16(LENGTH, datagramLength);
        put16(CHECKSUM, checksum);
    }

    public void checksum(final int value)
    {
        put16(CHECKSUM, value);
    }
}
