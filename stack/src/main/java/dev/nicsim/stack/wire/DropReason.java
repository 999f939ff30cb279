package dev.nicsim.stack.wire;

/**
 * Why a packet was dropped. Each reason is an index into the stack's drop counters, so a malformed or unwanted
 * packet is counted and never throws.
 *
 * <p>Every received frame ends in exactly one outcome: {@link #ACCEPTED} (processed: delivered, queued, answered as
 * the protocol says, or changing state) or one receive reason. A few reasons count something else: a frame that could
 * not be sent, or a datagram given up in reassembly ({@link #isFrameOutcome}); those are never a received frame's
 * outcome.
 */
public final class DropReason
{
    /** Not a drop: the outcome of a frame that was processed. */
    public static final int ACCEPTED = 0;
    public static final int ETH_TRUNCATED = 1;
    public static final int ETH_NOT_FOR_US = 2;
    public static final int ETH_UNKNOWN_TYPE = 3;
    public static final int ARP_TRUNCATED = 4;
    public static final int ARP_UNSUPPORTED = 5;
    public static final int IP_TRUNCATED = 6;
    public static final int IP_VERSION = 7;
    public static final int IP_HEADER_LENGTH = 8;
    public static final int IP_TOTAL_LENGTH = 9;
    public static final int IP_CHECKSUM = 10;
    public static final int IP_NOT_FOR_US = 11;
    public static final int IP_BAD_SOURCE = 12;
    public static final int IP_UNKNOWN_PROTOCOL = 13;
    public static final int FRAGMENT_INVALID = 14;
    public static final int FRAGMENT_NO_ROOM = 15;
    public static final int FRAGMENT_TIMEOUT = 16;
    public static final int ICMP_TRUNCATED = 17;
    public static final int ICMP_CHECKSUM = 18;
    public static final int ICMP_UNHANDLED = 19;
    public static final int ICMP_BAD_QUOTE = 20;
    public static final int UDP_TRUNCATED = 21;
    public static final int UDP_LENGTH = 22;
    public static final int UDP_CHECKSUM = 23;
    public static final int UDP_NO_SOCKET = 24;
    public static final int UDP_RECEIVE_BUFFER_FULL = 25;
    public static final int TCP_TRUNCATED = 26;
    public static final int TCP_HEADER_LENGTH = 27;
    public static final int TCP_CHECKSUM = 28;
    public static final int TCP_NO_SOCKET = 29;
    public static final int TCP_OUT_OF_WINDOW = 30;
    public static final int TCP_PAWS = 31;
    public static final int TCP_OUT_OF_ORDER = 32;
    public static final int TCP_LISTEN_OVERFLOW = 33;
    public static final int TCP_BAD_SEGMENT = 34;
    public static final int TX_NO_ROOM = 35;
    public static final int ARP_UNRESOLVED = 36;
    public static final int ICMP_RATE_LIMITED = 37;
    public static final int ARP_BAD_ADDRESS = 38;
    public static final int ARP_IGNORED = 39;
    public static final int ICMP_NO_SOCKET = 40;
    public static final int TCP_CHALLENGED = 41;
    public static final int TCP_ZERO_WINDOW = 42;
    /** The host's socket memory ({@code tcp_mem}) could not hold the data: Linux's TCPRcvQDrop / RcvbufErrors. */
    public static final int SOCKET_MEMORY = 43;
    /** A handshake's bare final ACK that a TCP_DEFER_ACCEPT listener drops, waiting for data (TCPDeferAcceptDrop). */
    public static final int TCP_DEFER_ACCEPT = 44;

    private static final String[] NAMES = {
        "none", "eth-truncated", "eth-not-for-us", "eth-unknown-type", "arp-truncated", "arp-unsupported",
        "ip-truncated", "ip-version", "ip-header-length", "ip-total-length", "ip-checksum", "ip-not-for-us",
        "ip-bad-source", "ip-unknown-protocol", "fragment-invalid", "fragment-no-room", "fragment-timeout",
        "icmp-truncated", "icmp-checksum", "icmp-unhandled", "icmp-bad-quote", "udp-truncated", "udp-length",
        "udp-checksum", "udp-no-socket", "udp-receive-buffer-full", "tcp-truncated", "tcp-header-length",
        "tcp-checksum", "tcp-no-socket", "tcp-out-of-window", "tcp-paws", "tcp-out-of-order",
        "tcp-listen-overflow", "tcp-bad-segment", "tx-no-room", "arp-unresolved",
        "icmp-rate-limited", "arp-bad-address", "arp-ignored", "icmp-no-socket", "tcp-challenged", "tcp-zero-window",
        "socket-memory", "tcp-defer-accept",
    };

    /** Number of reasons, for sizing counter arrays. */
    public static final int COUNT = NAMES.length;

    private DropReason()
    {
    }

    /**
     * True when {@code reason} can be a received frame's outcome; false for the reasons that count frames this host
     * could not send ({@link #TX_NO_ROOM}, {@link #ARP_UNRESOLVED}, {@link #ICMP_RATE_LIMITED}) and datagrams given up
     * in reassembly ({@link #FRAGMENT_NO_ROOM}, {@link #FRAGMENT_TIMEOUT}).
     */
    public static boolean isFrameOutcome(final int reason)
    {
        return reason != ACCEPTED && reason != TX_NO_ROOM && reason != ARP_UNRESOLVED && reason != ICMP_RATE_LIMITED &&
            reason != FRAGMENT_NO_ROOM && reason != FRAGMENT_TIMEOUT;
    }

    public static String name(final int reason)
    {
        return reason >= 0 && reason < COUNT ? NAMES[reason] : "unknown(" + reason + ")";
    }
}
