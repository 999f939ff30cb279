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
     * {@link #claim} for a packet of a flow whose hash is {@code flowHash}: it leaves by the TX queue the device picks
     * for that hash ({@link dev.nicsim.stack.device.NetDevice#txQueueFor}), so a flow's packets stay in order on one
     * queue (Linux's {@code skb_tx_hash}). The IP header carries {@code tos} and {@code ttl}, the sending socket's
     * IP_TOS and IP_TTL.
     */
    int claim(TxClaim claim, int source, int destination, int protocol, int transportLength, int flowHash, int tos,
        int ttl);

    /**
     * Claims a TCP segment larger than the MTU that the device will cut into frames of {@code mss} payload bytes
     * (TSO, {@link dev.nicsim.stack.device.NetDevice#FEATURE_TSO}), in one TSO slot; finish with {@link #commitTso}.
     * Returns 0, or -EAGAIN when it cannot go as one segment now (no TSO on the route's device, longer than its
     * {@code tsoMaxBytes()}, next hop unresolved, frames already waiting, or no TSO slot free): the caller then sends
     * MSS-sized segments, which wait where they must.
     */
    int claimTso(TxClaim claim, int source, int destination, int transportLength, int flowHash, int mss, int tos,
        int ttl);

    /**
     * Sends a claimed TSO segment: its TCP checksum field gets the pseudo-header sum with a TCP length of 0, as
     * Linux's {@code tcp_v4_send_check} prepares a GSO packet, and the device cuts it into frames of
     * {@code transportHeaderLength} bytes of TCP header and at most the MSS of payload, completing each checksum.
     */
    void commitTso(TxClaim claim, int checksumField, int transportHeaderLength);

    /**
     * The largest TSO segment (Ethernet header through payload) the device the route to {@code destination} leaves by
     * takes, or 0 when it has no TSO or there is no route.
     */
    int tsoMaxBytes(int destination);

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
