package dev.nicsim.stack.wire;

/**
 * An ARP packet for IPv4 over Ethernet (RFC 826).
 * <pre>
 *  0       2       4   5   6       8               14          18              24          28
 * +-------+-------+---+---+-------+---------------+-----------+---------------+-----------+
 * | htype | ptype |hln|pln| oper  | sender MAC    | sender IP | target MAC    | target IP |
 * +-------+-------+---+---+-------+---------------+-----------+---------------+-----------+
 * </pre>
 */
public final class ArpPacket extends WireView
{
    public static final int HTYPE = 0;
    public static final int PTYPE = 2;
    public static final int HLEN = 4;
    public static final int PLEN = 5;
    public static final int OPERATION = 6;
    public static final int SENDER_MAC = 8;
    public static final int SENDER_IP = 14;
    public static final int TARGET_MAC = 18;
    public static final int TARGET_IP = 24;
    public static final int LENGTH = 28;

    public static final int HTYPE_ETHERNET = 1;
    public static final int REQUEST = 1;
    public static final int REPLY = 2;

    /** Returns 0, or a {@link DropReason}. */
    public int validate()
    {
        if (length < LENGTH)
        {
            return DropReason.ARP_TRUNCATED;
        }
        if (u16(HTYPE) != HTYPE_ETHERNET || u16(PTYPE) != EthernetFrame.TYPE_IPV4 || u8(HLEN) != 6 || u8(PLEN) != 4)
        {
            return DropReason.ARP_UNSUPPORTED;
        }
        final int op = operation();
        return op == REQUEST || op == REPLY ? 0 : DropReason.ARP_UNSUPPORTED;
    }

    public int operation()
    {
        return u16(OPERATION);
    }

    public long senderMac()
    {
        return Bytes.u48(segment, offset + SENDER_MAC);
    }

    public int senderIp()
    {
        return i32(SENDER_IP);
    }

    public long targetMac()
    {
        return Bytes.u48(segment, offset + TARGET_MAC);
    }

    public int targetIp()
    {
        return i32(TARGET_IP);
    }

    /** Writes a whole ARP packet in place. */
    public void emit(final int operation, final long senderMac, final int senderIp, final long targetMac,
        final int targetIp)
    {
        put16(HTYPE, HTYPE_ETHERNET);
        put16(PTYPE, EthernetFrame.TYPE_IPV4);
        put8(HLEN, 6);
        put8(PLEN, 4);
        put16(OPERATION, operation);
        Bytes.put48(segment, offset + SENDER_MAC, senderMac);
        put32(SENDER_IP, senderIp);
        Bytes.put48(segment, offset + TARGET_MAC, targetMac);
        put32(TARGET_IP, targetIp);
    }
}
