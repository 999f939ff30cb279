package dev.nicsim.stack.iface;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.context.StackContext;
import dev.nicsim.stack.wire.Bytes;
import dev.nicsim.stack.wire.Checksum;
import dev.nicsim.stack.wire.DropReason;
import dev.nicsim.stack.wire.IcmpMessage;
import dev.nicsim.stack.wire.Ipv4Address;
import dev.nicsim.stack.wire.Ipv4Packet;

import java.lang.foreign.MemorySegment;

/**
 * ICMP (RFC 792): answers echo requests, sends errors about packets this host could not deliver, and hands received
 * errors to the transport whose packet they quote (Linux's {@code tcp_v4_err} and {@code __udp4_lib_err}).
 *
 * <p>Errors are rate-limited with a token bucket like Linux's {@code icmp_msgs_per_sec} (1000/s) and
 * {@code icmp_msgs_burst} (50), and never sent about ICMP errors, broadcasts, or fragments other than the first
 * (RFC 1122 §3.2.2).
 */
public final class Icmp
{
    /** Largest quote in an error: the error must fit in 576 bytes (RFC 1812 §4.3.2.3). */
    private static final int MAX_QUOTE = 576 - Ipv4Packet.HEADER_LENGTH - IcmpMessage.HEADER_LENGTH;
    private static final int BURST = 50;
    private static final long TOKEN_PS = Time.MS;

    private final StackContext stack;
    private final Ipv4Layer ipv4;
    private final RouteTable routes;
    private final TxClaim claim = new TxClaim();
    private final IcmpMessage message = new IcmpMessage();
    private final IcmpMessage out = new IcmpMessage();
    private long tokens = BURST;
    private long tokensAt;
    private long echoRepliesSent;
    private long errorsSent;

    Icmp(final StackContext stack, final Ipv4Layer ipv4, final RouteTable routes)
    {
        this.stack = stack;
        this.ipv4 = ipv4;
        this.routes = routes;
    }

    public long echoRepliesSent()
    {
        return echoRepliesSent;
    }

    public long errorsSent()
    {
        return errorsSent;
    }

    /** An ICMP message received in the IP packet at {@code ipOffset}. Returns the outcome. */
    int receive(final MemorySegment memory, final long ipOffset, final int headerLength, final int length,
        final int source, final int destination, final boolean unicast)
    {
        message.wrap(memory, ipOffset + headerLength, length);
        final int invalid = message.validate();
        if (invalid != 0)
        {
            return invalid;
        }
        final int type = message.type();
        if (type == IcmpMessage.TYPE_ECHO_REQUEST && unicast)
        {
            // Linux's icmp_echo_ignore_broadcasts (default 1): only echo requests to this host are answered.
            echoReply(memory, ipOffset + headerLength, length, source, destination);
            return DropReason.ACCEPTED;
        }
        if (type == IcmpMessage.TYPE_DEST_UNREACHABLE || type == IcmpMessage.TYPE_TIME_EXCEEDED ||
            type == IcmpMessage.TYPE_PARAMETER_PROBLEM)
        {
            return quotedError(type, message.code(), memory, ipOffset + headerLength + IcmpMessage.HEADER_LENGTH,
                length - IcmpMessage.HEADER_LENGTH);
        }
        return DropReason.ICMP_UNHANDLED;
    }

    /**
     * An error this host raises about a packet of its own that could not leave (ARP failed): delivered to the
     * sending socket exactly as a received ICMP error quoting that packet would be, like Linux's
     * {@code ipv4_link_failure}.
     */
    void deliverLocalError(final int type, final int code, final MemorySegment memory, final long ipOffset,
        final int length)
    {
        quotedError(type, code, memory, ipOffset, length);
    }

    private int quotedError(final int type, final int code, final MemorySegment memory, final long quote,
        final int quoteLength)
    {
        if (quoteLength < Ipv4Packet.HEADER_LENGTH)
        {
            return DropReason.ICMP_BAD_QUOTE;
        }
        final int versionIhl = Bytes.u8(memory, quote);
        final int headerLength = (versionIhl & 0xF) * 4;
        if ((versionIhl >>> 4) != 4 || headerLength < Ipv4Packet.HEADER_LENGTH ||
            quoteLength < headerLength + IcmpMessage.QUOTE_TRANSPORT_BYTES)
        {
            return DropReason.ICMP_BAD_QUOTE;
        }
        final int protocol = Bytes.u8(memory, quote + Ipv4Packet.PROTOCOL);
        final int source = Bytes.i32(memory, quote + Ipv4Packet.SOURCE);
        final int destination = Bytes.i32(memory, quote + Ipv4Packet.DESTINATION);
        final long transport = quote + headerLength;
        final int sourcePort = Bytes.u16(memory, transport);
        final int destinationPort = Bytes.u16(memory, transport + 2);
        final InetProtocol handler = ipv4.protocol(protocol);
        if (handler == null)
        {
            return DropReason.ICMP_UNHANDLED;
        }
        return handler.icmpError(type, code, source, sourcePort, destination, destinationPort,
            Bytes.i32(memory, transport + 4));
    }

    private void echoReply(final MemorySegment memory, final long request, final int length, final int source,
        final int destination)
    {
        final Ipv4Layer ip = ipv4;
        final int mtu = ip.pathMtu(source);
        if (mtu > 0 && Ipv4Packet.HEADER_LENGTH + length > mtu)
        {
            echoReplyInFragments(memory, request, length, source, destination, mtu);
            return;
        }
        if (ip.claim(claim, destination, source, Ipv4Packet.PROTOCOL_ICMP, length) < 0)
        {
            return;
        }
        final MemorySegment target = claim.memory();
        final long at = claim.transportOffset();
        MemorySegment.copy(memory, request, target, at, length);
        out.wrap(target, at, length);
        out.emit(IcmpMessage.TYPE_ECHO_REPLY, 0, message.rest());
        out.seal();
        ip.commit(claim, -1);
        echoRepliesSent++;
    }

    /**
     * An echo reply larger than the MTU (the answer to a reassembled large ping) goes in fragments as Linux sends it:
     * its ICMP socket does not set DF, so {@code ip_fragment} cuts the datagram into pieces of the MTU less the IP
     * header, rounded down to 8 bytes, all with one identification, first to last. The ICMP checksum covers the
     * whole message, so it is computed before the message is cut.
     */
    private void echoReplyInFragments(final MemorySegment memory, final long request, final int length,
        final int source, final int destination, final int mtu)
    {
        final Ipv4Layer ip = ipv4;
        final int piece = (mtu - Ipv4Packet.HEADER_LENGTH) & ~7;
        final int identification = ip.newIdentification();
        // Type 0 and the request's code, checksum field zero, then the rest of the message as it came.
        final int checksum = Checksum.finish(Checksum.sum(memory, request + 4, length - 4,
            Bytes.u8(memory, request + 1)));
        for (int offset = 0; offset < length; offset += piece)
        {
            final int size = Math.min(piece, length - offset);
            if (ip.claimFragment(claim, destination, source, Ipv4Packet.PROTOCOL_ICMP, size, identification, offset,
                offset + size < length) < 0)
            {
                return;
            }
            final MemorySegment target = claim.memory();
            final long at = claim.transportOffset();
            MemorySegment.copy(memory, request + offset, target, at, size);
            if (offset == 0)
            {
                Bytes.put16(target, at, IcmpMessage.TYPE_ECHO_REPLY << 8 | Bytes.u8(memory, request + 1));
                Bytes.put16(target, at + 2, checksum);
            }
            ip.commit(claim, -1);
        }
        echoRepliesSent++;
    }

    /**
     * Sends an error about the packet at {@code ipOffset} (its IP header and as much of its payload as fits), unless
     * the rules or the rate limit forbid it.
     */
    public void sendError(final int type, final int code, final int rest, final MemorySegment memory,
        final long ipOffset, final int ipLength)
    {
        final int offender = Bytes.i32(memory, ipOffset + Ipv4Packet.SOURCE);
        final int headerLength = (Bytes.u8(memory, ipOffset) & 0xF) * 4;
        final int fragment = Bytes.u16(memory, ipOffset + Ipv4Packet.FLAGS_FRAGMENT) &
            Ipv4Packet.FRAGMENT_OFFSET_MASK;
        if (fragment != 0 || Ipv4Address.isMulticast(offender) || routes.isBroadcast(offender) ||
            offender == 0 || isIcmpError(memory, ipOffset, headerLength, ipLength))
        {
            return;
        }
        if (!takeToken())
        {
            stack.stats().drop(DropReason.ICMP_RATE_LIMITED);
            return;
        }
        final int quote = Math.min(ipLength, MAX_QUOTE);
        final Ipv4Layer ip = ipv4;
        if (ip.claim(claim, 0, offender, Ipv4Packet.PROTOCOL_ICMP, IcmpMessage.HEADER_LENGTH + quote) < 0)
        {
            return;
        }
        final MemorySegment target = claim.memory();
        final long at = claim.transportOffset();
        MemorySegment.copy(memory, ipOffset, target, at + IcmpMessage.HEADER_LENGTH, quote);
        out.wrap(target, at, IcmpMessage.HEADER_LENGTH + quote);
        out.emit(type, code, rest);
        out.seal();
        ip.commit(claim, -1);
        errorsSent++;
    }

    private static boolean isIcmpError(final MemorySegment memory, final long ipOffset, final int headerLength,
        final int ipLength)
    {
        if (Bytes.u8(memory, ipOffset + Ipv4Packet.PROTOCOL) != Ipv4Packet.PROTOCOL_ICMP ||
            ipLength < headerLength + 1)
        {
            return false;
        }
        final int type = Bytes.u8(memory, ipOffset + headerLength);
        return type != IcmpMessage.TYPE_ECHO_REQUEST && type != IcmpMessage.TYPE_ECHO_REPLY;
    }

    private boolean takeToken()
    {
        final long now = stack.sim().now();
        final long earned = (now - tokensAt) / TOKEN_PS;
        if (earned > 0)
        {
            tokens = Math.min(BURST, tokens + earned);
            tokensAt += earned * TOKEN_PS;
        }
        if (tokens == 0)
        {
            return false;
        }
        tokens--;
        return true;
    }
}
