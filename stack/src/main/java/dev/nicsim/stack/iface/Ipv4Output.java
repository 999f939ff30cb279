package dev.nicsim.stack.iface;

import java.lang.foreign.MemorySegment;

/**
 * What a transport sends through: IPv4's output path ({@code ip_queue_xmit}, {@code icmp_send},
 * {@code dst_confirm}), implemented by {@link Ipv4Layer}.
 */
public interface Ipv4Output
{
    /**
     * Claims a packet to {@code destination} with room for {@code transportLength} bytes of {@code protocol}: routes
     * it and writes the Ethernet and IP headers. {@code source} 0 takes the route's preferred source. Returns 0, or
     * {@code -errno} (ENETUNREACH and the other route errors, EMSGSIZE above the MTU, ENOBUFS when nothing can hold
     * the frame).
     */
    int claim(TxClaim claim, int source, int destination, int protocol, int transportLength);

    /**
     * Sends the claimed packet. {@code checksumField} is the offset of the transport checksum within the transport
     * header (TCP 16, UDP 6), filled in here or by the device, or -1 when the sender computed its own (ICMP).
     */
    void commit(TxClaim claim, int checksumField);

    /** The peer at {@code address} proved reachable (Linux's {@code dst_confirm}). */
    void confirmNeighbour(int address);

    /**
     * Answers the received datagram whose IP header is at {@code ipOffset} ({@code length} bytes) with an ICMP
     * error (Linux's {@code icmp_send}), where RFC 1122 allows one.
     */
    void sendIcmpError(int type, int code, int info, MemorySegment memory, long ipOffset, int length);
}
