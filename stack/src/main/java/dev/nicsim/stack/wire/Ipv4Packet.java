package dev.nicsim.stack.wire;

/**
 * An IPv4 header (RFC 791).
 * <pre>
 *  0               1               2               3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------+-------+---------------+-------------------------------+
 * |version|  IHL  |      TOS      |         total length          |  0
 * +-------+-------+---------------+-----+-------------------------+
 * |        identification         |flags|    fragment offset      |  4
 * +---------------+---------------+-----+-------------------------+
 * |      TTL      |   protocol    |       header checksum         |  8
 * +---------------+---------------+-------------------------------+
 * |                        source address                         | 12
 * +---------------------------------------------------------------+
 * |                      destination address                      | 16
 * +---------------------------------------------------------------+
 * |                 options (IHL > 5), ignored                    | 20
 * </pre>
 */
public final class Ipv4Packet extends WireView
{
    public static final int VERSION_IHL = 0;
    public static final int TOS = 1;
    public static final int TOTAL_LENGTH = 2;
    public static final int IDENTIFICATION = 4;
    public static final int FLAGS_FRAGMENT = 6;
    public static final int TTL = 8;
    public static final int PROTOCOL = 9;
    public static final int CHECKSUM = 10;
    public static final int SOURCE = 12;
    public static final int DESTINATION = 16;
    public static final int HEADER_LENGTH = 20;
    /** Largest total length the 16-bit field holds. */
    public static final int MAX_TOTAL_LENGTH = 65_535;

    public static final int FLAG_DONT_FRAGMENT = 0x4000;
    public static final int FLAG_MORE_FRAGMENTS = 0x2000;
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    public static final int PROTOCOL_ICMP = 1;
    public static final int PROTOCOL_TCP = 6;
    public static final int PROTOCOL_UDP = 17;

    private int headerSum;
    /* The flags and fragment offset field as last validated, taken from the word validate() read anyway. */
    private int validatedFlagsFragment;

    /**
     * Checks version, header length, total length against the bytes present, and the header checksum. Returns 0, or
     * a {@link DropReason}. Bytes after the total length (Ethernet padding) are not part of the packet.
     */
    public int validate()
    {
        if (length < HEADER_LENGTH)
        {
            return DropReason.IP_TRUNCATED;
        }
        // Three reads of the fixed header give the fields checked here and its sum; options are summed after.
        final long first = i64(VERSION_IHL);
        final long second = i64(TTL);
        final int versionIhl = (int) (first >>> 56);
        if ((versionIhl >>> 4) != 4)
        {
            return DropReason.IP_VERSION;
        }
        final int headerLength = (versionIhl & 0xF) * 4;
        if (headerLength < HEADER_LENGTH || headerLength > length)
        {
            return DropReason.IP_HEADER_LENGTH;
        }
        final int total = (int) (first >>> 32) & 0xFFFF;
        if (total < headerLength || total > length)
        {
            return DropReason.IP_TOTAL_LENGTH;
        }
        validatedFlagsFragment = (int) first & 0xFFFF;
        final long fixedSum = (first >>> 32) + (first & 0xFFFF_FFFFL) + (second >>> 32) + (second & 0xFFFF_FFFFL) +
            (i32(DESTINATION) & 0xFFFF_FFFFL);
        headerSum = Checksum.sum(segment, offset + HEADER_LENGTH, headerLength - HEADER_LENGTH,
            Checksum.fold(fixedSum));
        return Checksum.verifies(headerSum) ? 0 : DropReason.IP_CHECKSUM;
    }

    /** The ones'-complement sum of the header as last validated (0xFFFF when its checksum is right). */
    public int headerSum()
    {
        return headerSum;
    }

    public int headerLength()
    {
        return (u8(VERSION_IHL) & 0xF) * 4;
    }

    public int tos()
    {
        return u8(TOS);
    }

    public int totalLength()
    {
        return u16(TOTAL_LENGTH);
    }

    public int identification()
    {
        return u16(IDENTIFICATION);
    }

    public boolean moreFragments()
    {
        return (u16(FLAGS_FRAGMENT) & FLAG_MORE_FRAGMENTS) != 0;
    }

    public boolean dontFragment()
    {
        return (u16(FLAGS_FRAGMENT) & FLAG_DONT_FRAGMENT) != 0;
    }

    /** Fragment offset in bytes. */
    public int fragmentOffset()
    {
        return (u16(FLAGS_FRAGMENT) & FRAGMENT_OFFSET_MASK) * 8;
    }

    /**
     * True when the packet as last {@link #validate() validated} is a fragment (more fragments, or an offset). Kept
     * from validation's read of the header, not read again: a second 16-bit read of the just-received header was
     * 10 % of {@code HandshakeBenchmark.stackOnly}'s samples (JFR).
     */
    public boolean isFragment()
    {
        return (validatedFlagsFragment & (FLAG_MORE_FRAGMENTS | FRAGMENT_OFFSET_MASK)) != 0;
    }

    public int ttl()
    {
        return u8(TTL);
    }

    public int protocol()
    {
        return u8(PROTOCOL);
    }

    public int source()
    {
        return i32(SOURCE);
    }

    public int destination()
    {
        return i32(DESTINATION);
    }

    public int payloadLength()
    {
        return totalLength() - headerLength();
    }

    /**
     * Writes a 20-byte header without options, checksum included. {@code flagsFragment} is the raw flags and
     * 8-byte-unit offset field.
     */
    public void emit(final int tos, final int totalLength, final int identification, final int flagsFragment,
        final int ttl, final int protocol, final int source, final int destination)
    {
        final int versionTos = 0x4500 | (tos & 0xFF);
        final int ttlProtocol = ((ttl & 0xFF) << 8) | (protocol & 0xFF);
        final int total = totalLength & 0xFFFF;
        final int id = identification & 0xFFFF;
        final int fragment = flagsFragment & 0xFFFF;
        // The header checksum from the field values, rather than by reading back what was just written.
        final int sum = Checksum.fold((long) versionTos + total + id + fragment + ttlProtocol +
            (source >>> 16) + (source & 0xFFFF) + (destination >>> 16) + (destination & 0xFFFF));
        put64(VERSION_IHL, ((long) versionTos << 48) | ((long) total << 32) | ((long) id << 16) | fragment);
        put64(TTL, ((long) ttlProtocol << 48) | ((long) Checksum.finish(sum) << 32) | (source & 0xFFFF_FFFFL));
        put32(DESTINATION, destination);
    }
}
