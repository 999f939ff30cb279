package dev.nicsim.stack.wire;

/**
 * An Ethernet II header.
 * <pre>
 *  0                   6                  12      14
 * +-------------------+-------------------+-------+---------
 * | destination MAC   | source MAC        | type  | payload
 * +-------------------+-------------------+-------+---------
 * </pre>
 * The FCS is the device's business: frames reach the stack without it and leave without it.
 */
public final class EthernetFrame extends WireView
{
    public static final int DESTINATION = 0;
    public static final int SOURCE = 6;
    public static final int TYPE = 12;
    public static final int HEADER_LENGTH = 14;

    public static final int TYPE_IPV4 = 0x0800;
    public static final int TYPE_ARP = 0x0806;

    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;

    /** Returns 0, or a {@link DropReason} when the frame is too short for its header. */
    public int validate()
    {
        return length < HEADER_LENGTH ? DropReason.ETH_TRUNCATED : 0;
    }

    /** One 8-byte read (the header is 14 bytes): the MAC is its top 48 bits. */
    public long destination()
    {
        return i64(DESTINATION) >>> 16;
    }

    public long source()
    {
        return Bytes.u48(segment, offset + SOURCE);
    }

    public int type()
    {
        return u16(TYPE);
    }

    /** Writes the header in place. */
    public void emit(final long destination, final long source, final int type)
    {
        put64(DESTINATION, (destination << 16) | ((source >>> 32) & 0xFFFF));
        put32(SOURCE + 2, (int) source);
        put16(TYPE, type);
    }

    public static boolean isMulticast(final long mac)
    {
        return (mac & 0x0100_0000_0000L) != 0;
    }
}
