package dev.nicsim.stack.udp;

import dev.nicsim.hw.host.CpuUse;
import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.context.StackContext;
import dev.nicsim.stack.device.FrameReceiver;
import dev.nicsim.stack.iface.FlowHash;
import dev.nicsim.stack.iface.InetProtocol;
import dev.nicsim.stack.iface.TxClaim;
import dev.nicsim.stack.iface.Ipv4Layer;
import dev.nicsim.stack.iface.Ipv4Output;
import dev.nicsim.stack.sock.ByteRing;
import dev.nicsim.stack.sock.HostSockets;
import dev.nicsim.stack.sock.PortTable;
import dev.nicsim.stack.sock.SockCommon;
import dev.nicsim.stack.sock.SocketPool;
import dev.nicsim.stack.wire.Bytes;
import dev.nicsim.stack.wire.Checksum;
import dev.nicsim.stack.wire.DropReason;
import dev.nicsim.stack.wire.IcmpMessage;
import dev.nicsim.stack.wire.Ipv4Address;
import dev.nicsim.stack.wire.Ipv4Packet;
import dev.nicsim.stack.wire.UdpDatagram;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * UDP (RFC 768) with Linux's socket semantics: the best-matching socket gets a datagram (a connected socket only
 * from its peer), a datagram for no socket is answered with ICMP port unreachable, and an ICMP error reaches a
 * socket only when it is connected and the error is hard ({@code __udp4_lib_err}): the next send or receive then
 * fails once with it.
 *
 * <p>Received datagrams are copied once, from the device's buffer into the socket's receive ring, behind a record
 * header:
 * <pre>
 *  0               4               8       10      12
 * +---------------+---------------+-------+-------+---------------
 * | payload length| source address| s.port| pad   | payload ...
 * +---------------+---------------+-------+-------+---------------
 * </pre>
 * Sending copies once, from the application straight into the transmit frame.
 */
public final class UdpLayer implements InetProtocol
{
    /** Bytes of the record header in front of each queued datagram. */
    public static final int RECORD_HEADER = 12;
    /** Largest payload of one IPv4 UDP datagram. */
    public static final int MAX_PAYLOAD = 65535 - Ipv4Packet.HEADER_LENGTH - UdpDatagram.HEADER_LENGTH;

    private final StackContext stack;
    private final Ipv4Output output;
    private final TxClaim claim = new TxClaim();
    private final SocketPool<UdpSocket> sockets;
    private final PortTable ports = new PortTable();
    private final UdpDatagram in = new UdpDatagram();
    private final UdpDatagram out = new UdpDatagram();
    private final MemorySegment record = Arena.ofAuto().allocate(RECORD_HEADER, 8);

    public UdpLayer(final StackContext stack, final Ipv4Output output, final HostSockets hostSockets)
    {
        this.stack = stack;
        this.output = output;
        final int receiveBuffer = stack.config().udpReceiveBuffer();
        this.sockets = new SocketPool<>(hostSockets, memory -> new UdpSocket(memory, receiveBuffer));
    }

    /** A fresh datagram socket, or null when {@code maxSockets} are open (ENFILE). */
    public UdpSocket allocate()
    {
        return sockets.allocate();
    }

    /** Closes a datagram socket: it leaves its port and returns to the pool. */
    public void close(final UdpSocket socket)
    {
        // udp_destroy_sock: a datagram still being built is dropped.
        socket.corkPending = false;
        ports.remove(socket);
        sockets.free(socket);
    }

    public PortTable ports()
    {
        return ports;
    }

    /**
     * A UDP datagram in the IP packet at {@code ipOffset}. Returns the outcome: {@link DropReason#ACCEPTED} when it
     * was queued to a socket, else why it was dropped.
     */
    @Override
    public int receive(final MemorySegment memory, final long ipOffset, final int headerLength, final int length,
        final int source, final int destination, final int transportSum, final boolean unicast)
    {
        final long offset = ipOffset + headerLength;
        in.wrap(memory, offset, length);
        final int invalid = in.validate();
        if (invalid != 0)
        {
            return invalid;
        }
        // The UDP length rules (udp_rcv trims the packet to it): bytes after it are not the datagram's.
        final int datagramLength = in.datagramLength();
        final int sum = transportSum == FrameReceiver.NO_CHECKSUM ? transportSum
            : Checksum.subtractTail(transportSum, memory, offset, datagramLength, length);
        if (in.checksum() != 0 && !Ipv4Layer.transportChecksumOk(memory, offset, datagramLength, source, destination,
            Ipv4Packet.PROTOCOL_UDP, sum))
        {
            return DropReason.UDP_CHECKSUM;
        }
        final int sourcePort = in.sourcePort();
        final int destinationPort = in.destinationPort();
        final int payload = datagramLength - UdpDatagram.HEADER_LENGTH;
        final UdpSocket socket = lookup(destination, destinationPort, source, sourcePort);
        if (socket == null)
        {
            if (unicast)
            {
                output.sendIcmpError(IcmpMessage.TYPE_DEST_UNREACHABLE, IcmpMessage.CODE_PORT_UNREACHABLE, 0,
                    memory, ipOffset, headerLength + length);
            }
            return DropReason.UDP_NO_SOCKET;
        }
        final ByteRing ring = socket.receiveBuffer;
        if (ring.free() < RECORD_HEADER + payload)
        {
            return DropReason.UDP_RECEIVE_BUFFER_FULL;
        }
        if (!ring.ensure(ring.size() + RECORD_HEADER + payload))
        {
            return DropReason.SOCKET_MEMORY;
        }
        Bytes.put32(record, 0, payload);
        Bytes.put32(record, 4, source);
        Bytes.put16(record, 8, sourcePort);
        Bytes.put16(record, 10, 0);
        ring.write(record, 0, RECORD_HEADER);
        ring.write(memory, offset + UdpDatagram.HEADER_LENGTH, payload);
        socket.datagrams++;
        stack.stats().datagramsReceived++;
        socket.readinessChanged();
        return DropReason.ACCEPTED;
    }

    /**
     * Linux's scoring in {@code compute_score}: exact local address and a matching peer beat wildcards; an unconnected
     * SO_REUSEPORT socket stands for its group, of which the flow's hash picks one ({@code udp4_lib_lookup2}).
     */
    private UdpSocket lookup(final int localAddress, final int localPort, final int remoteAddress, final int remotePort)
    {
        UdpSocket best = null;
        int bestScore = -1;
        for (SockCommon owner = ports.head(localPort); owner != null; owner = owner.nextInPort)
        {
            final UdpSocket at = (UdpSocket) owner;
            int score = 0;
            if (at.localAddress != Ipv4Address.ANY)
            {
                if (at.localAddress != localAddress)
                {
                    continue;
                }
                score += 4;
            }
            if (at.remoteAddress != Ipv4Address.ANY)
            {
                if (at.remoteAddress != remoteAddress || at.remotePort != remotePort)
                {
                    continue;
                }
                score += 4;
            }
            if (score > bestScore)
            {
                best = at;
                bestScore = score;
            }
        }
        if (best == null || !best.reusePort || best.remoteAddress != Ipv4Address.ANY)
        {
            return best;
        }
        return (UdpSocket) ports.reusePortPick(best, FlowHash.of(remoteAddress, localAddress, remotePort, localPort));
    }

    /**
     * An ICMP error quoting a datagram this host sent: reaches a connected socket only, and only when hard. Returns
     * the outcome.
     */
    @Override
    public int icmpError(final int type, final int code, final int source, final int sourcePort,
        final int destination, final int destinationPort, final int quotedWord)
    {
        final int errno;
        if (type == IcmpMessage.TYPE_DEST_UNREACHABLE && code == IcmpMessage.CODE_PORT_UNREACHABLE)
        {
            errno = Errno.ECONNREFUSED;
        }
        else if (type == IcmpMessage.TYPE_DEST_UNREACHABLE && code == IcmpMessage.CODE_PROTOCOL_UNREACHABLE)
        {
            errno = Errno.ENOPROTOOPT;
        }
        else
        {
            // Soft errors are reported only with IP_RECVERR, which this stack does not offer.
            return DropReason.ACCEPTED;
        }
        for (SockCommon owner = ports.head(sourcePort); owner != null; owner = owner.nextInPort)
        {
            final UdpSocket at = (UdpSocket) owner;
            if (at.remoteAddress == destination && at.remotePort == destinationPort &&
                (at.localAddress == Ipv4Address.ANY || at.localAddress == source))
            {
                at.error = errno;
                at.readinessChanged();
                return DropReason.ACCEPTED;
            }
        }
        return DropReason.ICMP_NO_SOCKET;
    }

    /**
     * Sends one datagram of {@code length} bytes from {@code data} to {@code address:port}, copied straight into
     * the transmit frame. {@code source} is the address the datagram leaves from (the socket's, or the route's
     * preferred one for a socket bound to any). Returns {@code length} or {@code -errno}.
     */
    public int send(final UdpSocket socket, final MemorySegment data, final long offset, final int length,
        final int source, final int address, final int port)
    {
        if (length > MAX_PAYLOAD)
        {
            return -Errno.EMSGSIZE;
        }
        // The datagram leaves by the TX queue its flow hashes to (skb_tx_hash), as a TCP segment does: Linux hashes
        // a connected socket's random sk_txhash, and an unconnected one's packet by the flow dissector's 4-tuple;
        // here both hash the 4-tuple, so a flow stays on one queue and different flows spread over the queues.
        final int begun = output.claim(claim, source, address, Ipv4Packet.PROTOCOL_UDP,
            UdpDatagram.HEADER_LENGTH + length, FlowHash.of(source, address, socket.localPort, port), socket.ipTos,
            socket.ipTtl);
        if (begun < 0)
        {
            return begun;
        }
        stack.cpu().charge(CpuUse.STACK, stack.cpu().costs().stackTxPacketPs());
        final MemorySegment memory = claim.memory();
        final long at = claim.transportOffset();
        out.wrap(memory, at, UdpDatagram.HEADER_LENGTH + length);
        out.emit(socket.localPort, port, UdpDatagram.HEADER_LENGTH + length, 0);
        MemorySegment.copy(data, offset, memory, at + UdpDatagram.HEADER_LENGTH, length);
        output.commit(claim, UdpDatagram.CHECKSUM);
        stack.stats().datagramsSent++;
        return length;
    }

    /**
     * Starts a datagram that later sends add to (MSG_MORE or UDP_CORK: {@code udp_sendmsg}'s corked path) with its
     * first {@code length} bytes; it goes from {@code source} to {@code address:port} when pushed. Returns
     * {@code length} or {@code -errno}.
     */
    public int cork(final UdpSocket socket, final MemorySegment data, final long offset, final int length,
        final int source, final int address, final int port)
    {
        socket.corkPending = true;
        socket.corkLength = 0;
        socket.corkSource = source;
        socket.corkAddress = address;
        socket.corkPort = port;
        return append(socket, data, offset, length, true);
    }

    /** Whether a datagram is being built ({@code up->pending}): a send adds to it, whatever address it names. */
    public boolean corked(final UdpSocket socket)
    {
        return socket.corkPending;
    }

    /**
     * Adds {@code length} bytes to the datagram being built and, unless {@code more}, sends it
     * ({@code udp_push_pending_frames}). Past the largest datagram it is EMSGSIZE, and the datagram is dropped
     * ({@code udp_flush_pending_frames}). Returns {@code length} or {@code -errno}.
     */
    public int append(final UdpSocket socket, final MemorySegment data, final long offset, final int length,
        final boolean more)
    {
        if (socket.corkLength + length > MAX_PAYLOAD)
        {
            socket.corkPending = false;
            return -Errno.EMSGSIZE;
        }
        if (socket.corkData.byteSize() == 0)
        {
            socket.corkData = Arena.ofAuto().allocate(MAX_PAYLOAD);
        }
        MemorySegment.copy(data, offset, socket.corkData, socket.corkLength, length);
        socket.corkLength += length;
        if (!more)
        {
            final int pushed = push(socket);
            if (pushed < 0)
            {
                return pushed;
            }
        }
        return length;
    }

    /** Sends the datagram being built, if any (UDP_CORK taken out, or a send without MSG_MORE). */
    public int push(final UdpSocket socket)
    {
        if (!socket.corkPending)
        {
            return 0;
        }
        socket.corkPending = false;
        return send(socket, socket.corkData, 0, socket.corkLength, socket.corkSource, socket.corkAddress,
            socket.corkPort);
    }

    /** The payload length of the oldest queued datagram, 0 when none is queued ({@code first_packet_length}). */
    public int firstDatagramLength(final UdpSocket socket)
    {
        if (socket.datagrams == 0)
        {
            return 0;
        }
        socket.receiveBuffer.copyOut(0, record, 0, RECORD_HEADER);
        return Bytes.i32(record, 0);
    }

    /**
     * Copies the oldest queued datagram into {@code target} (at most {@code capacity} bytes; the rest is discarded,
     * as recv(2) does without MSG_TRUNC) and returns its full length; fills {@code from} with the sender
     * ({@code from[0]} address, {@code from[1]} port) when not null. Returns -1 when nothing is queued.
     */
    public int receiveInto(final UdpSocket socket, final MemorySegment target, final long offset, final int capacity,
        final boolean peek, final int[] from)
    {
        if (socket.datagrams == 0)
        {
            return -1;
        }
        final ByteRing ring = socket.receiveBuffer;
        ring.copyOut(0, record, 0, RECORD_HEADER);
        final int length = Bytes.i32(record, 0);
        if (from != null)
        {
            from[0] = Bytes.i32(record, 4);
            from[1] = Bytes.u16(record, 8);
        }
        ring.copyOut(RECORD_HEADER, target, offset, Math.min(length, capacity));
        if (!peek)
        {
            ring.consume(RECORD_HEADER + length);
            socket.datagrams--;
        }
        return length;
    }
}
