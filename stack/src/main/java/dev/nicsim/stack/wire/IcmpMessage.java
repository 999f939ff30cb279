package dev.nicsim.stack.wire;

/**
 * An ICMP message (RFC 792).
 * <pre>
 *  0       1       2               4
 * +-------+-------+---------------+-------------------------------+
 * | type  | code  |   checksum    | rest of header (id/seq, mtu)  |
 * +-------+-------+---------------+-------------------------------+
 * | data: for errors, the offending IP header + at least 8 bytes  |  8
 * </pre>
 */
public final class IcmpMessage extends WireView
{
    public static final int TYPE = 0;
    public static final int CODE = 1;
    public static final int CHECKSUM = 2;
    public static final int REST = 4;
    public static final int HEADER_LENGTH = 8;

    public static final int TYPE_ECHO_REPLY = 0;
    public static final int TYPE_DEST_UNREACHABLE = 3;
    public static final int TYPE_SOURCE_QUENCH = 4;
    public static final int TYPE_ECHO_REQUEST = 8;
    public static final int TYPE_TIME_EXCEEDED = 11;
    public static final int TYPE_PARAMETER_PROBLEM = 12;

    public static final int CODE_NET_UNREACHABLE = 0;
    public static final int CODE_HOST_UNREACHABLE = 1;
    public static final int CODE_PROTOCOL_UNREACHABLE = 2;
    public static final int CODE_PORT_UNREACHABLE = 3;
    public static final int CODE_FRAG_NEEDED = 4;
    public static final int CODE_REASSEMBLY_TIME_EXCEEDED = 1;

    /** The IP header and transport bytes an error message must quote. */
    public static final int QUOTE_TRANSPORT_BYTES = 8;

    /** Checks the length and the checksum over the whole message. Returns 0, or a {@link DropReason}. */
    public int validate()
    {
        if (length < HEADER_LENGTH)
        {
            return DropReason.ICMP_TRUNCATED;
        }
        return Checksum.verifies(Checksum.sum(segment, offset, length, 0)) ? 0 : DropReason.ICMP_CHECKSUM;
    }

    public int type()
    {
        return u8(TYPE);
    }

    public int code()
    {
        return u8(CODE);
    }

    public int rest()
    {
        return i32(REST);
    }

    public boolean isError()
    {
        final int type = type();
        return type == TYPE_DEST_UNREACHABLE || type == TYPE_SOURCE_QUENCH || type == TYPE_TIME_EXCEEDED ||
            type == TYPE_PARAMETER_PROBLEM;
    }

    /** Writes the 8-byte header; the checksum is computed by {@link #seal()} once the data is in place. */
    public void emit(final int type, final int code, final int rest)
    {
        put8(TYPE, type);
        put8(CODE, code);
        put16(CHECKSUM, 0);
        put32(REST, rest);
    }

    /** Computes the checksum over the whole message ({@link #length()} bytes). */
    public void seal()
    {
        put16(CHECKSUM, 0);
        put16(CHECKSUM, Checksum.finish(Checksum.sum(segment, offset, length, 0)));
    }
}
