package dev.nicsim.stack.socket;

import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.context.SockaddrIn;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.context.StackContext;
import dev.nicsim.stack.iface.RouteTable;
import dev.nicsim.stack.sock.ByteRing;
import dev.nicsim.stack.sock.EphemeralPorts;
import dev.nicsim.stack.sock.HostSockets;
import dev.nicsim.stack.sock.PortTable;
import dev.nicsim.stack.sock.SockCommon;
import dev.nicsim.stack.sock.Socket;
import dev.nicsim.stack.sock.SocketMemory;
import dev.nicsim.stack.sock.SocketState;
import dev.nicsim.stack.tcp.Tcb;
import dev.nicsim.stack.tcp.TcpLayer;
import dev.nicsim.stack.tcp.TcpSocket;
import dev.nicsim.stack.tcp.TcpState;
import dev.nicsim.stack.udp.UdpLayer;
import dev.nicsim.stack.udp.UdpSocket;
import dev.nicsim.stack.wire.Ipv4Address;

import java.lang.foreign.MemorySegment;
import java.util.function.BooleanSupplier;

import static dev.nicsim.stack.context.SocketConstants.AF_INET;
import static dev.nicsim.stack.context.SocketConstants.AF_UNSPEC;

/**
 * The socket calls as Linux's {@code af_inet.c} implements them, below the file-descriptor layer: each decides its
 * errors in the same order and at the same layer as Linux (socket state, then address length and family, then the
 * route, then the port table), and returns a count or {@code -errno}. A call that must wait (a blocking connect,
 * accept, send or receive) runs the simulation until the socket is ready, as "the non-blocking call plus run until
 * ready".
 *
 * <p>Addresses arrive as {@code sockaddr_in} bytes ({@link SockaddrIn}) already copied in from the caller: family
 * (host order), port and address (network order).
 */
public final class SocketLayer
{
    private final StackContext stack;
    private final RouteTable routes;
    private final TcpLayer tcp;
    private final UdpLayer udp;
    private final HostSockets hostSockets;
    private final EphemeralPorts ephemeralPorts;
    private int lastError;

    /* What a blocking call is waiting for: one preallocated condition per kind, reading this field. */
    private Socket waiting;
    private final BooleanSupplier connectDone = () -> !((TcpSocket) waiting).tcb.state.handshaking();
    private final BooleanSupplier acceptReady = () -> ((TcpSocket) waiting).tcb.state != TcpState.LISTEN ||
        ((TcpSocket) waiting).listenQueue.acceptCount() > 0;
    private final BooleanSupplier sendReady = () -> waiting.sendBuffer.free() > 0 || waiting.error != 0 ||
        ((TcpSocket) waiting).tcb.state != TcpState.ESTABLISHED &&
            ((TcpSocket) waiting).tcb.state != TcpState.CLOSE_WAIT;
    private final BooleanSupplier receiveReady = () -> !waiting.receiveBuffer.isEmpty() || waiting.error != 0 ||
        waiting.done || (waiting.shutdown & Socket.RECEIVE_SHUTDOWN) != 0 ||
        waiting instanceof TcpSocket stream && stream.tcb.state == TcpState.CLOSED;
    private final int[] address = new int[2];

    public SocketLayer(final StackContext stack, final RouteTable routes, final TcpLayer tcp, final UdpLayer udp,
        final HostSockets hostSockets, final EphemeralPorts ephemeralPorts)
    {
        this.stack = stack;
        this.routes = routes;
        this.tcp = tcp;
        this.udp = udp;
        this.hostSockets = hostSockets;
        this.ephemeralPorts = ephemeralPorts;
    }

    /** The host's socket buffer memory. */
    public SocketMemory memory()
    {
        return hostSockets.memory();
    }

    /** The errno of the last call that returned null. */
    public int lastError()
    {
        return lastError;
    }

    /** Sockets in use (open, or closed and still finishing, such as TIME_WAIT). */
    public int live()
    {
        return hostSockets.live();
    }

    /* ---------------------------------------------------------------------------------------------------------- */
    /* Calls                                                                                                        */

    /**
     * socket(2) for AF_INET: SOCK_STREAM with protocol 0 or TCP, SOCK_DGRAM with 0 or UDP; {@code SOCK_NONBLOCK}
     * may be or-ed into the type. Returns the socket, or null with {@link #lastError()}.
     */
    public Socket create(final int domain, final int type, final int protocol)
    {
        final int kind = type & ~(SocketConstants.SOCK_NONBLOCK | SocketConstants.SOCK_CLOEXEC);
        if (domain != AF_INET)
        {
            return fail(Errno.EAFNOSUPPORT);
        }
        if (kind != SocketConstants.SOCK_STREAM && kind != SocketConstants.SOCK_DGRAM)
        {
            return fail(Errno.EINVAL);
        }
        final int expected = kind == SocketConstants.SOCK_STREAM ? SocketConstants.IPPROTO_TCP
            : SocketConstants.IPPROTO_UDP;
        if (protocol != 0 && protocol != expected)
        {
            return fail(Errno.EPROTONOSUPPORT);
        }
        final Socket socket = kind == SocketConstants.SOCK_STREAM ? tcp.allocate() : udp.allocate();
        if (socket == null)
        {
            return fail(Errno.ENFILE);
        }
        socket.owned = true;
        socket.nonBlocking = (type & SocketConstants.SOCK_NONBLOCK) != 0;
        return socket;
    }

    private Socket fail(final int errno)
    {
        lastError = errno;
        return null;
    }

    /** connect(2): {@code __inet_stream_connect} or {@code inet_dgram_connect}. */
    public int connect(final Socket socket, final MemorySegment address, final long offset, final int length)
    {
        if (length < 2)
        {
            return -Errno.EINVAL;
        }
        final int family = SockaddrIn.family(address, offset);
        return socket instanceof TcpSocket stream ? streamConnect(stream, address, offset, length, family)
            : datagramConnect((UdpSocket) socket, address, offset, length, family);
    }

    private int streamConnect(final TcpSocket socket, final MemorySegment address, final long offset, final int length,
        final int family)
    {
        final Tcb tcb = socket.tcb;
        if (family == AF_UNSPEC)
        {
            tcp.disconnect(socket);
            socket.state = SocketState.UNCONNECTED;
            return 0;
        }
        int result;
        switch (socket.state)
        {
            case SocketState.CONNECTED:
                return -Errno.EISCONN;
            case SocketState.CONNECTING:
                result = -Errno.EALREADY;
                break;
            case SocketState.UNCONNECTED:
                if (tcb.state != TcpState.CLOSED)
                {
                    return -Errno.EISCONN;
                }
                if (length < SocketConstants.SOCKADDR_IN_SIZE)
                {
                    return -Errno.EINVAL;
                }
                if (family != AF_INET)
                {
                    return -Errno.EAFNOSUPPORT;
                }
                final int started = tcp.connect(socket, SockaddrIn.address(address, offset),
                    SockaddrIn.port(address, offset));
                if (started < 0)
                {
                    return started;
                }
                socket.state = SocketState.CONNECTING;
                result = -Errno.EINPROGRESS;
                break;
            default:
                return -Errno.EINVAL;
        }
        if (tcb.state.handshaking())
        {
            if (socket.nonBlocking)
            {
                return result;
            }
            waiting = socket;
            if (!stack.block(connectDone, socket.sendTimeoutPs))
            {
                // SO_SNDTIMEO ran out: the handshake goes on in the background.
                return result;
            }
        }
        if (tcb.state == TcpState.CLOSED)
        {
            final int error = socket.takeError();
            socket.state = SocketState.UNCONNECTED;
            tcp.disconnect(socket);
            return error != 0 ? -error : -Errno.ECONNABORTED;
        }
        socket.state = SocketState.CONNECTED;
        return 0;
    }

    private int datagramConnect(final UdpSocket socket, final MemorySegment address, final long offset,
        final int length, final int family)
    {
        if (family == AF_UNSPEC)
        {
            // __udp_disconnect: forget the peer; release what bind() did not choose.
            socket.remoteAddress = 0;
            socket.remotePort = 0;
            if (!socket.addressLocked)
            {
                socket.localAddress = 0;
            }
            if (!socket.portLocked)
            {
                udp.ports().remove(socket);
                socket.localPort = 0;
            }
            return 0;
        }
        if (socket.localPort == 0 && ephemeralPorts.bindAny(socket, udp.ports(), socket.localAddress) < 0)
        {
            return -Errno.EAGAIN;
        }
        if (length < SocketConstants.SOCKADDR_IN_SIZE)
        {
            return -Errno.EINVAL;
        }
        if (family != AF_INET)
        {
            return -Errno.EAFNOSUPPORT;
        }
        final int destination = RouteTable.destination(SockaddrIn.address(address, offset), socket.localAddress);
        final int routed = routes.lookupFrom(destination, socket.localAddress);
        if (routed < 0)
        {
            return routed;
        }
        if (routes.resultKind() == RouteTable.Kind.BROADCAST && !socket.broadcast)
        {
            return -Errno.EACCES;
        }
        if (socket.localAddress == 0)
        {
            socket.localAddress = routes.resultSource();
        }
        socket.remoteAddress = destination;
        socket.remotePort = SockaddrIn.port(address, offset);
        return 0;
    }

    /** bind(2): {@code __inet_bind}. */
    public int bind(final Socket socket, final MemorySegment address, final long offset, final int length)
    {
        if (length < SocketConstants.SOCKADDR_IN_SIZE)
        {
            return -Errno.EINVAL;
        }
        final int family = SockaddrIn.family(address, offset);
        final int local = SockaddrIn.address(address, offset);
        if (family != AF_INET && !(family == AF_UNSPEC && local == Ipv4Address.ANY))
        {
            return -Errno.EAFNOSUPPORT;
        }
        final boolean multicastOrBroadcast = Ipv4Address.isMulticast(local) || routes.isBroadcast(local);
        // inet_addr_valid_or_nonlocal: a local, multicast or broadcast address, for TCP as for UDP.
        if (local != Ipv4Address.ANY && !routes.isLocal(local) && !multicastOrBroadcast)
        {
            return -Errno.EADDRNOTAVAIL;
        }
        if (socket.localPort != 0 || socket instanceof TcpSocket stream && stream.tcb.state != TcpState.CLOSED)
        {
            return -Errno.EINVAL;
        }
        final PortTable ports = socket.isStream() ? tcp.ports() : udp.ports();
        final int port = SockaddrIn.port(address, offset);
        if (port == 0)
        {
            final int bound = ephemeralPorts.bindAny(socket, ports, local);
            if (bound < 0)
            {
                return bound;
            }
        }
        else
        {
            if (conflicts(socket, ports, local, port))
            {
                return -Errno.EADDRINUSE;
            }
            ports.add(socket, port, false);
            socket.portLocked = true;
        }
        socket.localAddress = local;
        socket.addressLocked = local != Ipv4Address.ANY;
        return 0;
    }

    /**
     * Linux's {@code inet_bind_conflict}: an owner of the port whose address overlaps conflicts unless both sockets
     * set SO_REUSEADDR and the owner is not listening (for UDP, both setting it is enough).
     */
    private static boolean conflicts(final Socket socket, final PortTable ports, final int local, final int port)
    {
        for (SockCommon owner = ports.head(port); owner != null; owner = owner.nextInPort)
        {
            final boolean overlap = owner.localAddress == Ipv4Address.ANY || local == Ipv4Address.ANY ||
                owner.localAddress == local;
            if (!overlap)
            {
                continue;
            }
            if (!(socket.reuseAddress && owner.reuseAddress && !owner.listening()))
            {
                return true;
            }
        }
        return false;
    }

    /** listen(2). */
    public int listen(final Socket socket, final int backlog)
    {
        if (!(socket instanceof TcpSocket stream))
        {
            return -Errno.EOPNOTSUPP;
        }
        final TcpState state = stream.tcb.state;
        if (socket.state != SocketState.UNCONNECTED || state != TcpState.CLOSED && state != TcpState.LISTEN)
        {
            return -Errno.EINVAL;
        }
        return tcp.listen(stream, backlog);
    }

    /** accept(2): the next established connection, waiting for one unless non-blocking. Null with lastError. */
    public Socket accept(final Socket listener, final boolean nonBlocking)
    {
        if (!(listener instanceof TcpSocket stream))
        {
            return fail(Errno.EOPNOTSUPP);
        }
        while (true)
        {
            if (stream.tcb.state != TcpState.LISTEN)
            {
                return fail(Errno.EINVAL);
            }
            final Socket child = tcp.accept(stream);
            if (child != null)
            {
                return child;
            }
            if (nonBlocking || listener.nonBlocking)
            {
                return fail(Errno.EAGAIN);
            }
            waiting = listener;
            if (!stack.block(acceptReady, listener.receiveTimeoutPs))
            {
                return fail(Errno.EAGAIN);
            }
        }
    }

    /**
     * send(2)/sendto(2). {@code address} null (or length 0) sends to the connected peer. TCP copies into the send
     * buffer (waiting for room unless non-blocking); UDP copies straight into the frame. Returns bytes or -errno.
     */
    public int send(final Socket socket, final MemorySegment data, final long offset, final int length,
        final int flags, final MemorySegment address, final long addressOffset, final int addressLength)
    {
        final boolean nonBlocking = socket.nonBlocking || (flags & SocketConstants.MSG_DONTWAIT) != 0;
        if (socket instanceof TcpSocket stream)
        {
            // A stream socket ignores sendto()'s address, as Linux's tcp_sendmsg does.
            return streamSend(stream, data, offset, length, nonBlocking);
        }
        return datagramSend((UdpSocket) socket, data, offset, length, address, addressOffset, addressLength);
    }

    private int streamSend(final TcpSocket socket, final MemorySegment data, final long offset, final int length,
        final boolean nonBlocking)
    {
        final Tcb tcb = socket.tcb;
        if (tcb.state.handshaking())
        {
            if (socket.error != 0)
            {
                return -socket.takeError();
            }
            if (nonBlocking)
            {
                return -Errno.EAGAIN;
            }
            waiting = socket;
            if (!stack.block(connectDone, socket.sendTimeoutPs))
            {
                return -Errno.EAGAIN;
            }
        }
        int sent = 0;
        while (true)
        {
            if (socket.error != 0)
            {
                return sent > 0 ? sent : -socket.takeError();
            }
            if ((socket.shutdown & Socket.SEND_SHUTDOWN) != 0 ||
                tcb.state != TcpState.ESTABLISHED && tcb.state != TcpState.CLOSE_WAIT)
            {
                return sent > 0 ? sent : -Errno.EPIPE;
            }
            sent += tcp.write(socket, data, offset + sent, length - sent);
            if (sent == length)
            {
                return sent;
            }
            if (nonBlocking)
            {
                return sent > 0 ? sent : -Errno.EAGAIN;
            }
            waiting = socket;
            if (!stack.block(sendReady, socket.sendTimeoutPs))
            {
                return sent > 0 ? sent : -Errno.EAGAIN;
            }
        }
    }

    private int datagramSend(final UdpSocket socket, final MemorySegment data, final long offset, final int length,
        final MemorySegment address, final long addressOffset, final int addressLength)
    {
        int destination;
        final int port;
        if (address != null && addressLength > 0)
        {
            if (addressLength < SocketConstants.SOCKADDR_IN_SIZE)
            {
                return -Errno.EINVAL;
            }
            final int family = SockaddrIn.family(address, addressOffset);
            if (family != AF_INET && family != AF_UNSPEC)
            {
                return -Errno.EAFNOSUPPORT;
            }
            destination = SockaddrIn.address(address, addressOffset);
            port = SockaddrIn.port(address, addressOffset);
            if (port == 0)
            {
                return -Errno.EINVAL;
            }
        }
        else
        {
            if (socket.remoteAddress == 0)
            {
                return -Errno.EDESTADDRREQ;
            }
            destination = socket.remoteAddress;
            port = socket.remotePort;
        }
        if ((socket.shutdown & Socket.SEND_SHUTDOWN) != 0)
        {
            return -Errno.EPIPE;
        }
        if (socket.localPort == 0 && ephemeralPorts.bindAny(socket, udp.ports(), socket.localAddress) < 0)
        {
            return -Errno.EAGAIN;
        }
        destination = RouteTable.destination(destination, socket.localAddress);
        final int routed = routes.lookupFrom(destination, socket.localAddress);
        if (routed < 0)
        {
            return routed;
        }
        if (routes.resultKind() == RouteTable.Kind.BROADCAST && !socket.broadcast)
        {
            return -Errno.EACCES;
        }
        if (socket.error != 0)
        {
            return -socket.takeError();
        }
        return udp.send(socket, data, offset, length, destination, port);
    }

    /**
     * recv(2)/recvfrom(2): copies up to {@code length} bytes; {@code from} receives the sender's address and port
     * when not null. Returns bytes, 0 at end of stream, or -errno.
     */
    public int receive(final Socket socket, final MemorySegment data, final long offset, final int length,
        final int flags, final int[] from)
    {
        final boolean nonBlocking = socket.nonBlocking || (flags & SocketConstants.MSG_DONTWAIT) != 0;
        final boolean peek = (flags & SocketConstants.MSG_PEEK) != 0;
        while (true)
        {
            final int result = socket instanceof TcpSocket stream ? streamReceive(stream, data, offset, length, peek, from)
                : datagramReceive((UdpSocket) socket, data, offset, length, peek, from);
            if (result != -Errno.EAGAIN || nonBlocking)
            {
                return result;
            }
            waiting = socket;
            if (!stack.block(receiveReady, socket.receiveTimeoutPs))
            {
                return -Errno.EAGAIN;
            }
        }
    }

    private int streamReceive(final TcpSocket socket, final MemorySegment data, final long offset, final int length,
        final boolean peek, final int[] from)
    {
        final ByteRing ring = socket.receiveBuffer;
        if (!ring.isEmpty())
        {
            final int count = Math.min(length, ring.size());
            ring.copyOut(0, data, offset, count);
            if (!peek)
            {
                ring.consume(count);
                tcp.consumed(socket);
            }
            if (from != null)
            {
                from[0] = socket.remoteAddress;
                from[1] = socket.remotePort;
            }
            return count;
        }
        if (socket.tcb.state == TcpState.LISTEN)
        {
            return -Errno.ENOTCONN;
        }
        if (socket.done)
        {
            return 0;
        }
        if (socket.error != 0)
        {
            return -socket.takeError();
        }
        if ((socket.shutdown & Socket.RECEIVE_SHUTDOWN) != 0)
        {
            return 0;
        }
        if (socket.tcb.state == TcpState.CLOSED)
        {
            return -Errno.ENOTCONN;
        }
        return -Errno.EAGAIN;
    }

    private int datagramReceive(final UdpSocket socket, final MemorySegment data, final long offset, final int length,
        final boolean peek, final int[] from)
    {
        if (socket.error != 0)
        {
            return -socket.takeError();
        }
        final int received = udp.receiveInto(socket, data, offset, length, peek, from == null ? address : from);
        if (received >= 0)
        {
            return Math.min(received, length);
        }
        if ((socket.shutdown & Socket.RECEIVE_SHUTDOWN) != 0)
        {
            return 0;
        }
        return -Errno.EAGAIN;
    }

    /** shutdown(2): {@code inet_shutdown}. */
    public int shutdown(final Socket socket, final int how)
    {
        if (how < SocketConstants.SHUT_RD || how > SocketConstants.SHUT_RDWR)
        {
            return -Errno.EINVAL;
        }
        final int bits = how + 1;
        if (!(socket instanceof TcpSocket stream))
        {
            socket.shutdown |= bits;
            return socket.remoteAddress == 0 ? -Errno.ENOTCONN : 0;
        }
        final Tcb tcb = stream.tcb;
        if (socket.state == SocketState.CONNECTING)
        {
            socket.state = tcb.state.handshaking() || tcb.state == TcpState.CLOSED ? SocketState.DISCONNECTING
                : SocketState.CONNECTED;
        }
        switch (tcb.state)
        {
            case CLOSED:
                socket.shutdown |= bits;
                return -Errno.ENOTCONN;
            case LISTEN:
                if ((bits & Socket.RECEIVE_SHUTDOWN) == 0)
                {
                    return 0;
                }
                tcp.disconnect(stream);
                socket.state = SocketState.UNCONNECTED;
                return 0;
            case SYN_SENT:
                tcp.disconnect(stream);
                socket.state = SocketState.UNCONNECTED;
                return 0;
            default:
                socket.shutdown |= bits;
                if ((bits & Socket.SEND_SHUTDOWN) != 0)
                {
                    tcp.shutdownWrite(stream);
                }
                return 0;
        }
    }

    /** close(2) of the last reference. */
    public int close(final Socket socket)
    {
        if (socket instanceof TcpSocket stream)
        {
            tcp.close(stream);
        }
        else
        {
            udp.close((UdpSocket) socket);
        }
        return 0;
    }

    /** The poll(2) events of a socket now: {@code tcp_poll} and {@code datagram_poll}. */
    public int poll(final Socket socket)
    {
        int mask = 0;
        final int shutdown = socket.shutdown;
        if (socket instanceof TcpSocket stream)
        {
            final TcpState state = stream.tcb.state;
            if (state == TcpState.LISTEN)
            {
                return stream.listenQueue.acceptCount() > 0 ? SocketConstants.POLLIN | SocketConstants.POLLRDNORM : 0;
            }
            if (shutdown == Socket.SHUTDOWN_MASK || state == TcpState.CLOSED)
            {
                mask |= SocketConstants.POLLHUP;
            }
            if ((shutdown & Socket.RECEIVE_SHUTDOWN) != 0)
            {
                mask |= SocketConstants.POLLIN | SocketConstants.POLLRDNORM | SocketConstants.POLLRDHUP;
            }
            if (state != TcpState.SYN_SENT && state != TcpState.SYN_RECEIVED)
            {
                if (!socket.receiveBuffer.isEmpty())
                {
                    mask |= SocketConstants.POLLIN | SocketConstants.POLLRDNORM;
                }
                if ((shutdown & Socket.SEND_SHUTDOWN) != 0 || socket.sendBuffer.free() > 0)
                {
                    mask |= SocketConstants.POLLOUT | SocketConstants.POLLWRNORM;
                }
            }
        }
        else
        {
            if (shutdown == Socket.SHUTDOWN_MASK)
            {
                mask |= SocketConstants.POLLHUP;
            }
            if ((shutdown & Socket.RECEIVE_SHUTDOWN) != 0)
            {
                mask |= SocketConstants.POLLIN | SocketConstants.POLLRDNORM | SocketConstants.POLLRDHUP;
            }
            if (((UdpSocket) socket).datagrams > 0)
            {
                mask |= SocketConstants.POLLIN | SocketConstants.POLLRDNORM;
            }
            mask |= SocketConstants.POLLOUT | SocketConstants.POLLWRNORM | SocketConstants.POLLWRBAND;
        }
        if (socket.error != 0)
        {
            mask |= SocketConstants.POLLERR;
        }
        return mask;
    }

    /**
     * getsockopt(2) for an int-valued option. SO_ERROR takes the pending error, or else the soft one, and clears
     * it. Returns the value (>= 0) or -errno.
     */
    public int getOption(final Socket socket, final int level, final int name)
    {
        if (level == SocketConstants.SOL_SOCKET)
        {
            switch (name)
            {
                case SocketConstants.SO_ERROR:
                    final int error = socket.takeError();
                    if (error != 0)
                    {
                        return error;
                    }
                    final int soft = socket.softError;
                    socket.softError = 0;
                    return soft;
                case SocketConstants.SO_TYPE:
                    return socket.type;
                case SocketConstants.SO_REUSEADDR:
                    return socket.reuseAddress ? 1 : 0;
                case SocketConstants.SO_BROADCAST:
                    return socket.broadcast ? 1 : 0;
                case SocketConstants.SO_SNDBUF:
                    return socket.sendBuffer != null ? socket.sendBuffer.capacity() : stack.config().udpReceiveBuffer();
                case SocketConstants.SO_RCVBUF:
                    return socket.receiveBuffer.capacity();
                case SocketConstants.SO_KEEPALIVE:
                    return socket instanceof TcpSocket stream && stream.tcb.keepalive ? 1 : 0;
                default:
                    return -Errno.ENOPROTOOPT;
            }
        }
        if (level == SocketConstants.IPPROTO_TCP && socket instanceof TcpSocket stream)
        {
            final Tcb tcb = stream.tcb;
            switch (name)
            {
                case SocketConstants.TCP_NODELAY:
                    return tcb.noDelay ? 1 : 0;
                case SocketConstants.TCP_MAXSEG:
                    return tcb.sendMss > 0 ? tcb.sendMss : (tcb.userMss > 0 ? tcb.userMss : TcpLayer.DEFAULT_PEER_MSS);
                case SocketConstants.TCP_SYNCNT:
                    return tcb.synCount > 0 ? tcb.synCount : stack.config().synPolicy().defaultRetries();
                case SocketConstants.TCP_KEEPIDLE:
                    return TcpLayer.keepIdleSeconds(tcb);
                case SocketConstants.TCP_KEEPINTVL:
                    return TcpLayer.keepIntervalSeconds(tcb);
                case SocketConstants.TCP_KEEPCNT:
                    return TcpLayer.keepCount(tcb);
                default:
                    return -Errno.ENOPROTOOPT;
            }
        }
        // A level the socket's protocol does not own falls through to ip_getsockopt, which knows only SOL_IP.
        final boolean ownLevel = level == SocketConstants.IPPROTO_IP ||
            level == (socket.isStream() ? SocketConstants.IPPROTO_TCP : SocketConstants.IPPROTO_UDP);
        return ownLevel ? -Errno.ENOPROTOOPT : -Errno.EOPNOTSUPP;
    }

    /** setsockopt(2) for an int-valued option. Returns 0 or -errno. */
    public int setOption(final Socket socket, final int level, final int name, final int value)
    {
        if (level == SocketConstants.SOL_SOCKET)
        {
            switch (name)
            {
                case SocketConstants.SO_REUSEADDR:
                    socket.reuseAddress = value != 0;
                    return 0;
                case SocketConstants.SO_BROADCAST:
                    socket.broadcast = value != 0;
                    return 0;
                case SocketConstants.SO_SNDBUF:
                case SocketConstants.SO_RCVBUF:
                    // Buffers are sized per stack (StackConfig.buffers); accepted as Linux does, not resized.
                    return 0;
                case SocketConstants.SO_KEEPALIVE:
                    // Linux accepts it on any socket; only TCP acts on it.
                    if (socket instanceof TcpSocket stream)
                    {
                        tcp.setKeepalive(stream, value != 0);
                    }
                    return 0;
                default:
                    return -Errno.ENOPROTOOPT;
            }
        }
        if (level == SocketConstants.IPPROTO_TCP && socket instanceof TcpSocket stream)
        {
            final Tcb tcb = stream.tcb;
            switch (name)
            {
                case SocketConstants.TCP_NODELAY:
                    tcb.noDelay = value != 0;
                    if (tcb.noDelay)
                    {
                        tcp.output(stream, tcb);
                    }
                    return 0;
                case SocketConstants.TCP_MAXSEG:
                    // Linux: 0 or TCP_MIN_MSS (88) .. MAX_TCP_WINDOW (32767).
                    if (value != 0 && (value < 88 || value > 32767))
                    {
                        return -Errno.EINVAL;
                    }
                    tcb.userMss = value;
                    return 0;
                case SocketConstants.TCP_SYNCNT:
                    if (value < 1 || value > 127)
                    {
                        return -Errno.EINVAL;
                    }
                    tcb.synCount = value;
                    return 0;
                case SocketConstants.TCP_KEEPIDLE:
                case SocketConstants.TCP_KEEPINTVL:
                    // Linux: 1 .. MAX_TCP_KEEPIDLE / MAX_TCP_KEEPINTVL (32767 s).
                    if (value < 1 || value > 32767)
                    {
                        return -Errno.EINVAL;
                    }
                    if (name == SocketConstants.TCP_KEEPIDLE)
                    {
                        tcp.setKeepIdle(stream, value);
                    }
                    else
                    {
                        tcb.keepIntervalSeconds = value;
                    }
                    return 0;
                case SocketConstants.TCP_KEEPCNT:
                    // Linux: 1 .. MAX_TCP_KEEPCNT (127).
                    if (value < 1 || value > 127)
                    {
                        return -Errno.EINVAL;
                    }
                    tcb.keepCount = value;
                    return 0;
                default:
                    return -Errno.ENOPROTOOPT;
            }
        }
        return -Errno.ENOPROTOOPT;
    }

    /** SO_LINGER. */
    public void setLinger(final Socket socket, final boolean on, final int seconds)
    {
        socket.lingerOn = on;
        socket.lingerSeconds = Math.max(0, seconds);
    }

    /** SO_SNDTIMEO ({@code send} true) or SO_RCVTIMEO; 0 waits forever. */
    public void setTimeout(final Socket socket, final boolean send, final long ps)
    {
        if (send)
        {
            socket.sendTimeoutPs = ps;
        }
        else
        {
            socket.receiveTimeoutPs = ps;
        }
    }

    /**
     * getsockname(2) ({@code peer} false) or getpeername(2): fills {@code result} with address and port. Returns 0
     * or -ENOTCONN ({@code inet_getname}: a TCP peer exists only once past SYN_SENT).
     */
    public int name(final Socket socket, final boolean peer, final int[] result)
    {
        if (!peer)
        {
            result[0] = socket.localAddress;
            result[1] = socket.localPort;
            return 0;
        }
        if (socket.remotePort == 0 || socket instanceof TcpSocket stream &&
            (stream.tcb.state == TcpState.CLOSED || stream.tcb.state == TcpState.SYN_SENT))
        {
            return -Errno.ENOTCONN;
        }
        result[0] = socket.remoteAddress;
        result[1] = socket.remotePort;
        return 0;
    }

    /* ---------------------------------------------------------------------------------------------------------- */
    /* Zero-copy                                                                                                    */

    /**
     * Zero-copy send, step 1: how many bytes the application may write in place into {@code socket.sendBuffer}'s
     * memory at {@link ByteRing#writableRegionOffset()} (contiguous). -errno when the socket cannot send.
     */
    public int sendRegion(final Socket socket)
    {
        if (!(socket instanceof TcpSocket stream))
        {
            return -Errno.EOPNOTSUPP;
        }
        final TcpState state = stream.tcb.state;
        if (socket.error != 0)
        {
            return -socket.takeError();
        }
        if ((socket.shutdown & Socket.SEND_SHUTDOWN) != 0 || state != TcpState.ESTABLISHED &&
            state != TcpState.CLOSE_WAIT)
        {
            return -Errno.EPIPE;
        }
        return socket.sendBuffer.writableRegionLength();
    }

    /** Zero-copy send, step 2: queue {@code length} bytes written in place, and send. */
    public void sendCommit(final Socket socket, final int length)
    {
        tcp.commitWritten((TcpSocket) socket, length);
    }

    /**
     * Zero-copy receive, step 1: how many received bytes lie contiguous in {@code socket.receiveBuffer}'s memory at
     * {@link ByteRing#readableRegionOffset()}, for the application to read in place.
     */
    public int receiveRegion(final Socket socket)
    {
        return socket.receiveBuffer.readableRegionLength();
    }

    /** Zero-copy receive, step 2: release {@code length} bytes read in place (the window opens). */
    public void receiveRelease(final Socket socket, final int length)
    {
        socket.receiveBuffer.consume(length);
        tcp.consumed((TcpSocket) socket);
    }
}
