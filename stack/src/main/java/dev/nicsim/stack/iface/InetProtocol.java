package dev.nicsim.stack.iface;

import java.lang.foreign.MemorySegment;

/**
 * A transport above IPv4, registered by protocol number ({@link Ipv4Layer#register}): Linux's
 * {@code struct net_protocol} with its {@code handler} and {@code err_handler}. IPv4 knows its transports only
 * through this table, so it compiles without them.
 */
public interface InetProtocol
{
    /**
     * A datagram for this transport: the IP header at {@code ipOffset}, {@code headerLength} long, then
     * {@code payloadLength} bytes. {@code transportSum} is the device's sum of the transport bytes or
     * {@link dev.nicsim.stack.device.FrameReceiver#NO_CHECKSUM}; {@code unicast} is false for a broadcast or
     * multicast destination. Returns {@link dev.nicsim.stack.wire.DropReason#ACCEPTED} or why it was dropped.
     */
    int receive(MemorySegment memory, long ipOffset, int headerLength, int payloadLength, int source,
        int destination, int transportSum, boolean unicast);

    /**
     * An ICMP error quoting a datagram this host sent from {@code source:sourcePort} to
     * {@code destination:destinationPort}; {@code quotedWord} is the quoted transport's bytes 4..7 (TCP's sequence
     * number). Returns the outcome as {@link #receive} does.
     */
    int icmpError(int type, int code, int source, int sourcePort, int destination, int destinationPort,
        int quotedWord);
}
