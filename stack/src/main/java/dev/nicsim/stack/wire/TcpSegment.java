package dev.nicsim.stack.wire;

/**
 * A TCP header (RFC 9293) and its options (RFC 9293 MSS, RFC 7323 window scale and timestamps, RFC 2018
 * SACK-permitted and SACK blocks).
 * <pre>
 *  0               1               2               3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------------------------------+-------------------------------+
 * |          source port          |       destination port        |  0
 * +-------------------------------+-------------------------------+
 * |                        sequence number                        |  4
 * +---------------------------------------------------------------+
 * |                     acknowledgment number                     |  8
 * +-------+-------+---------------+-------------------------------+
 * | offset| rsvd  |C E U A P R S F|            window             | 12
 * +-------+-------+---------------+-------------------------------+
 * |           checksum            |        urgent pointer         | 16
 * +-------------------------------+-------------------------------+
 * |                    options (offset > 5)                       | 20
 * </pre>
 *
 * <h2>Options as Linux writes them</h2>
 * {@code tcp_options_write} order: MSS; then timestamps, with SACK-permitted merged in front of them when both are
 * on (otherwise NOP NOP before the timestamps); SACK-permitted alone as NOP NOP SACK-permitted; window scale as NOP
 * WSCALE. A full SYN is therefore {@code <mss, sackOK, TS val ecr, nop, wscale>}: 20 bytes.
 */
public final class TcpSegment extends WireView
{
    public static final int SOURCE_PORT = 0;
    public static final int DESTINATION_PORT = 2;
    public static final int SEQUENCE = 4;
    public static final int ACKNOWLEDGMENT = 8;
    public static final int DATA_OFFSET = 12;
    public static final int FLAGS = 13;
    public static final int WINDOW = 14;
    public static final int CHECKSUM = 16;
    public static final int URGENT = 18;
    public static final int HEADER_LENGTH = 20;
    public static final int MAX_HEADER_LENGTH = 60;

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;

    public static final int OPTION_END = 0;
    public static final int OPTION_NOP = 1;
    public static final int OPTION_MSS = 2;
    public static final int OPTION_WSCALE = 3;
    public static final int OPTION_SACK_PERMITTED = 4;
    public static final int OPTION_SACK = 5;
    public static final int OPTION_TIMESTAMP = 8;

    /** Largest window shift RFC 7323 allows; larger values are clamped to it. */
    public static final int MAX_WSCALE = 14;
    /** Bytes the timestamp option takes in every segment once negotiated (NOP NOP TS). */
    public static final int TIMESTAMP_BLOCK = 12;
    /** SACK blocks one option can carry (RFC 2018 §3: 40 option bytes hold at most 4). */
    public static final int MAX_SACK_BLOCKS = 4;

    private int mss;
    private int wscale;
    private boolean sackPermitted;
    private boolean timestamps;
    private int tsVal;
    private int tsEcr;
    /* The SACK option's blocks as sent, [left, right) each: parsed, not yet checked against the connection. */
    private int sackBlocks;
    private final int[] sackLeft = new int[MAX_SACK_BLOCKS];
    private final int[] sackRight = new int[MAX_SACK_BLOCKS];

    /**
     * Checks the data offset against the bytes present and parses the options. Returns 0, or a {@link DropReason}.
     * Options are parsed as Linux's {@code tcp_parse_options} does: a malformed option ends parsing, it does not drop
     * the segment. MSS, window scale and SACK-permitted count only on SYN segments.
     */
    public int validate()
    {
        if (length < HEADER_LENGTH)
        {
            return DropReason.TCP_TRUNCATED;
        }
        final int headerLength = headerLength();
        if (headerLength < HEADER_LENGTH || headerLength > length)
        {
            return DropReason.TCP_HEADER_LENGTH;
        }
        parseOptions(headerLength);
        return 0;
    }

    private void parseOptions(final int headerLength)
    {
        mss = -1;
        wscale = -1;
        sackPermitted = false;
        timestamps = false;
        sackBlocks = 0;
        final boolean syn = (flags() & SYN) != 0;
        int at = HEADER_LENGTH;
        while (at < headerLength)
        {
            final int kind = u8(at);
            if (kind == OPTION_END)
            {
                return;
            }
            if (kind == OPTION_NOP)
            {
                at++;
                continue;
            }
            if (at + 1 >= headerLength)
            {
                return;
            }
            final int size = u8(at + 1);
            if (size < 2 || at + size > headerLength)
            {
                return;
            }
            if (kind == OPTION_MSS && size == 4 && syn)
            {
                mss = u16(at + 2);
            }
            else if (kind == OPTION_WSCALE && size == 3 && syn)
            {
                wscale = Math.min(u8(at + 2), MAX_WSCALE);
            }
            else if (kind == OPTION_SACK_PERMITTED && size == 2 && syn)
            {
                sackPermitted = true;
            }
            else if (kind == OPTION_TIMESTAMP && size == 10)
            {
                timestamps = true;
                tsVal = i32(at + 2);
                tsEcr = i32(at + 6);
            }
            else if (kind == OPTION_SACK && size >= 10 && (size - 2) % 8 == 0)
            {
                // tcp_parse_options takes a SACK option only when its length is whole blocks; the last one counts.
                sackBlocks = Math.min((size - 2) / 8, MAX_SACK_BLOCKS);
                for (int i = 0; i < sackBlocks; i++)
                {
                    sackLeft[i] = i32(at + 2 + 8 * i);
                    sackRight[i] = i32(at + 6 + 8 * i);
                }
            }
            at += size;
        }
    }

    public int sourcePort()
    {
        return u16(SOURCE_PORT);
    }

    public int destinationPort()
    {
        return u16(DESTINATION_PORT);
    }

    public int sequence()
    {
        return i32(SEQUENCE);
    }

    public int acknowledgment()
    {
        return i32(ACKNOWLEDGMENT);
    }

    public int headerLength()
    {
        return (u8(DATA_OFFSET) >>> 4) * 4;
    }

    public int flags()
    {
        return u8(FLAGS);
    }

    public int window()
    {
        return u16(WINDOW);
    }

    public int urgentPointer()
    {
        return u16(URGENT);
    }

    public int checksum()
    {
        return u16(CHECKSUM);
    }

    /** Payload bytes: what follows the header within the view. */
    public int payloadLength()
    {
        return length - headerLength();
    }

    /** The MSS option of a SYN, or -1. */
    public int mss()
    {
        return mss;
    }

    /** The window-scale shift of a SYN (clamped to 14), or -1. */
    public int wscale()
    {
        return wscale;
    }

    public boolean sackPermitted()
    {
        return sackPermitted;
    }

    /** SACK blocks the segment carries (0 to {@link #MAX_SACK_BLOCKS}), in the order sent. */
    public int sackBlocks()
    {
        return sackBlocks;
    }

    /** The left edge (first sequence number) of SACK block {@code i}. */
    public int sackLeft(final int i)
    {
        return sackLeft[i];
    }

    /** The right edge (sequence number after the last) of SACK block {@code i}. */
    public int sackRight(final int i)
    {
        return sackRight[i];
    }

    public boolean hasTimestamps()
    {
        return timestamps;
    }

    public int tsVal()
    {
        return tsVal;
    }

    public int tsEcr()
    {
        return tsEcr;
    }

    /** Bytes the options of {@link #writeOptions} take (a multiple of 4). */
    public static int optionsLength(final boolean mss, final boolean sackPermitted, final boolean timestamps,
        final boolean wscale)
    {
        return (mss ? 4 : 0) + (timestamps ? TIMESTAMP_BLOCK : (sackPermitted ? 4 : 0)) + (wscale ? 4 : 0);
    }

    /**
     * Writes the fixed header with a data offset covering {@code optionsLength} bytes of options, checksum and
     * urgent pointer zero.
     */
    public void emit(final int sourcePort, final int destinationPort, final int sequence, final int acknowledgment,
        final int flags, final int window, final int optionsLength)
    {
        final int offsetFlagsWindow = ((((HEADER_LENGTH + optionsLength) / 4 << 4) & 0xFF) << 24) |
            ((flags & 0xFF) << 16) | (window & 0xFFFF);
        put64(SOURCE_PORT, ((long) (sourcePort & 0xFFFF) << 48) | ((long) (destinationPort & 0xFFFF) << 32) |
            (sequence & 0xFFFF_FFFFL));
        put64(ACKNOWLEDGMENT, ((long) acknowledgment << 32) | (offsetFlagsWindow & 0xFFFF_FFFFL));
        put32(CHECKSUM, 0);
    }

    /** Sets URG and the urgent pointer on a header {@link #emit} wrote. */
    public void markUrgent(final int pointer)
    {
        put8(FLAGS, u8(FLAGS) | URG);
        put16(URGENT, pointer);
    }

    /**
     * Writes options in Linux's order after the fixed header. {@code mss} or {@code wscale} below zero leave that
     * option out. Returns the bytes written.
     */
    public int writeOptions(final int mss, final boolean sackPermitted, final boolean timestamps, final int tsVal,
        final int tsEcr, final int wscale)
    {
        int at = HEADER_LENGTH;
        if (mss >= 0)
        {
            put32(at, (OPTION_MSS << 24) | (4 << 16) | mss);
            at += 4;
        }
        if (timestamps)
        {
            put32(at, sackPermitted
                ? (OPTION_SACK_PERMITTED << 24) | (2 << 16) | (OPTION_TIMESTAMP << 8) | 10
                : (OPTION_NOP << 24) | (OPTION_NOP << 16) | (OPTION_TIMESTAMP << 8) | 10);
            put32(at + 4, tsVal);
            put32(at + 8, tsEcr);
            at += TIMESTAMP_BLOCK;
        }
        else if (sackPermitted)
        {
            put32(at, (OPTION_NOP << 24) | (OPTION_NOP << 16) | (OPTION_SACK_PERMITTED << 8) | 2);
            at += 4;
        }
        if (wscale >= 0)
        {
            put32(at, (OPTION_NOP << 24) | (OPTION_WSCALE << 16) | (3 << 8) | wscale);
            at += 4;
        }
        return at - HEADER_LENGTH;
    }

    /** Writes NOP NOP SACK with room for {@code blocks} blocks at {@code at} (from the start of the header). */
    public void writeSackHeader(final int at, final int blocks)
    {
        put32(at, (OPTION_NOP << 24) | (OPTION_NOP << 16) | (OPTION_SACK << 8) | (2 + 8 * blocks));
    }

    /** Writes one SACK block, {@code [left, right)}, at {@code at}. */
    public void writeSackBlock(final int at, final int left, final int right)
    {
        put32(at, left);
        put32(at + 4, right);
    }

    public void checksum(final int value)
    {
        put16(CHECKSUM, value);
    }
}
