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
import dev.nicsim.stack.sock.ProtoOps;
import dev.nicsim.stack.sock.Socket;
import dev.nicsim.stack.sock.SocketMemory;
import dev.nicsim.stack.tcp.TcpInfo;
import dev.nicsim.stack.tcp.TcpLayer;
import dev.nicsim.stack.udp.UdpLayer;
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
 * <p>This class holds what every socket type shares: socket() with its {@code inetsw} choice, bind(), the checks
 * made before the type is asked, the socket-level options, the names, and the wait of a blocking receive. What
 * differs by type is in the socket's {@link ProtoOps}, chosen once when it is made: {@link StreamOps} for TCP
 * ({@code inet_stream_ops}), {@link DatagramOps} for UDP ({@code inet_dgram_ops}).
 *
 * <p>Addresses arrive as {@code sockaddr_in} bytes ({@link SockaddrIn}) already copied in from the caller: family
 * (host order), port and address (network order).
 */
public final class SocketLayer
{
    /** The ECN field of the TOS byte (INET_ECN_MASK). */
    private static final int ECN_MASK = 3;
    /** IPTOS_TOS_MASK: the four type-of-service bits that pick a priority. */
    private static final int IPTOS_TOS_MASK = 0x1E;
    /**
     * Linux's {@code ip_tos2prio}, which IP_TOS sets SO_PRIORITY from ({@code rt_tos2priority}): best effort (0),
     * bulk (2), interactive (6) and interactive bulk (4), four entries each.
     */
    private static final int[] TOS_PRIORITY = {0, 0, 0, 0, 2, 2, 2, 2, 6, 6, 6, 6, 4, 4, 4, 4};

    /** The room {@link #info} needs: {@code sizeof(struct tcp_info)}. */
    public static final int INFO_SIZE = TcpInfo.SIZE;

    private final StackContext stack;
    private final RouteTable routes;
    private final HostSockets hostSockets;
    private final EphemeralPorts ephemeralPorts;
    private final ProtoOps streamOps;
    private final ProtoOps datagramOps;
    private int lastError;
    private final int[] acceptError = new int[1];

    /* What a blocking receive is waiting for, read by its preallocated condition. */
    private Socket waiting;
    /* The bytes of its buffer a waiting peek has seen: only more than those wakes it (sk_wait_data's new skb). */
    private int waitingSeen;
    private final BooleanSupplier receiveReady = () -> waiting.ops.receiveReady(waiting, waitingSeen);
    private final int[] address = new int[2];

    public SocketLayer(final StackContext stack, final RouteTable routes, final TcpLayer tcp, final UdpLayer udp,
        final HostSockets hostSockets, final EphemeralPorts ephemeralPorts)
    {
        this.stack = stack;
        this.routes = routes;
        this.hostSockets = hostSockets;
        this.ephemeralPorts = ephemeralPorts;
        this.streamOps = new StreamOps(stack, tcp);
        this.datagramOps = new DatagramOps(routes, udp, ephemeralPorts);
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
        // inet_create: the type picks the entry of inetsw, and with it the socket's operations.
        final ProtoOps ops = kind == SocketConstants.SOCK_STREAM ? streamOps : datagramOps;
        if (protocol != 0 && protocol != ops.protocol())
        {
            return fail(Errno.EPROTONOSUPPORT);
        }
        final Socket socket = ops.allocate();
        if (socket == null)
        {
            return fail(Errno.ENFILE);
        }
        socket.ops = ops;
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
        return socket.ops.connect(socket, address, offset, length, SockaddrIn.family(address, offset));
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
        if (socket.localPort != 0 || !socket.ops.bindable(socket))
        {
            return -Errno.EINVAL;
        }
        final PortTable ports = socket.ops.ports();
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
            if (ports.conflicts(socket, local, port))
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

    /** listen(2); a datagram socket gives EOPNOTSUPP. */
    public int listen(final Socket socket, final int backlog)
    {
        return socket.ops.listen(socket, backlog);
    }

    /**
     * accept(2): the next established connection, waiting for one unless non-blocking. Null with lastError. The
     * connection gets its listener's operations ({@code do_accept}: {@code newsock->ops = sock->ops}).
     */
    public Socket accept(final Socket listener, final boolean nonBlocking)
    {
        final Socket child = listener.ops.accept(listener, nonBlocking || listener.receivesWithoutWaiting(),
            acceptError);
        if (child == null)
        {
            return fail(acceptError[0]);
        }
        child.ops = listener.ops;
        return child;
    }

    /**
     * send(2)/sendto(2). {@code address} null (or length 0) sends to the connected peer. TCP copies into the send
     * buffer (waiting for room unless non-blocking); UDP copies straight into the frame. Returns bytes or -errno.
     */
    public int send(final Socket socket, final MemorySegment data, final long offset, final int length,
        final int flags, final MemorySegment address, final long addressOffset, final int addressLength)
    {
        final boolean nonBlocking = socket.sendsWithoutWaiting() || (flags & SocketConstants.MSG_DONTWAIT) != 0;
        if ((flags & SocketConstants.MSG_OOB) != 0)
        {
            final int refused = socket.ops.sendOutOfBand(socket, length);
            if (refused < 0)
            {
                return refused;
            }
        }
        return socket.ops.send(socket, data, offset, length, nonBlocking, flags, address, addressOffset,
            addressLength);
    }

    /**
     * recv(2)/recvfrom(2): copies up to {@code length} bytes; {@code from} receives the sender's address and port
     * when not null. Returns bytes, 0 at end of stream, or -errno.
     */
    public int receive(final Socket socket, final MemorySegment data, final long offset, final int length,
        final int flags, final int[] from)
    {
        final boolean nonBlocking = socket.receivesWithoutWaiting() || (flags & SocketConstants.MSG_DONTWAIT) != 0;
        if ((flags & SocketConstants.MSG_OOB) != 0)
        {
            final int outOfBand = socket.ops.receiveOutOfBand(socket, data, offset, length, flags);
            if (outOfBand != ProtoOps.IN_BAND)
            {
                return outOfBand;
            }
        }
        // tcp_recvmsg's target: a blocking read copies what it finds and waits for more until it has SO_RCVLOWAT's
        // bytes (all it asked for with MSG_WAITALL), the end of the stream, an error or SO_RCVTIMEO, which bounds the
        // whole call however many waits it takes (sk_wait_data counts timeo down).
        final int target = nonBlocking ? 1 : socket.ops.receiveTarget(socket, flags, length);
        final boolean peek = (flags & SocketConstants.MSG_PEEK) != 0;
        final long deadline = socket.receiveTimeoutPs > 0 ? stack.sim().now() + socket.receiveTimeoutPs : 0;
        // Bytes read so far; a peek leaves them in the buffer and reads afresh from its head on each pass.
        int got = 0;
        // Once SO_RCVTIMEO has run out, tcp_recvmsg's last pass reads what came meanwhile, short of the target or not.
        boolean lastPass = false;
        while (true)
        {
            final int result = socket.ops.receive(socket, data, offset + (peek ? 0 : got),
                length - (peek ? 0 : got), flags, from == null ? address : from);
            if (result > 0)
            {
                got = peek ? result : got + result;
                if (got >= target || lastPass || socket.ops.atUrgentMark(socket, peek ? got : 0))
                {
                    return got;
                }
            }
            else if (result != -Errno.EAGAIN || nonBlocking || lastPass)
            {
                // After a partial read an error or the end of the stream waits for the next call (tcp_recvmsg).
                return got > 0 ? got : result;
            }
            final long left = deadline == 0 ? 0 : deadline - stack.sim().now();
            waiting = socket;
            waitingSeen = peek ? got : 0;
            lastPass = deadline != 0 && left <= 0 || !stack.block(receiveReady, left);
        }
    }

    /** Whether nothing more can come to read: an error, the end of the stream, or SHUT_RD. */
    static boolean receiveEnded(final Socket socket)
    {
        return socket.error != 0 || socket.done || (socket.shutdown & Socket.RECEIVE_SHUTDOWN) != 0;
    }

    /** shutdown(2): {@code inet_shutdown}. */
    public int shutdown(final Socket socket, final int how)
    {
        if (how < SocketConstants.SHUT_RD || how > SocketConstants.SHUT_RDWR)
        {
            return -Errno.EINVAL;
        }
        return socket.ops.shutdown(socket, how + 1);
    }

    /** close(2) of the last reference. */
    public int close(final Socket socket)
    {
        socket.ops.release(socket);
        return 0;
    }

    /** The poll(2) events of a socket now: {@code tcp_poll} and {@code datagram_poll}. */
    public int poll(final Socket socket)
    {
        return socket.ops.poll(socket);
    }

    /**
     * The poll events both {@code tcp_poll} and {@code datagram_poll} derive from the shutdown bits and the pending
     * error: POLLHUP when shut both ways (or {@code hungUp}), POLLIN and POLLRDHUP once reading is shut, POLLERR.
     */
    static int commonPollEvents(final Socket socket, final boolean hungUp)
    {
        int mask = 0;
        if (socket.shutdown == Socket.SHUTDOWN_MASK || hungUp)
        {
            mask |= SocketConstants.POLLHUP;
        }
        if ((socket.shutdown & Socket.RECEIVE_SHUTDOWN) != 0)
        {
            mask |= SocketConstants.POLLIN | SocketConstants.POLLRDNORM | SocketConstants.POLLRDHUP;
        }
        if (socket.error != 0)
        {
            mask |= SocketConstants.POLLERR;
        }
        return mask;
    }

    /**
     * getsockopt(2) for an int-valued option. SO_ERROR takes the pending error, or else the soft one, and clears
     * it. Returns the value's four bytes as an unsigned number (a negative value such as SO_PRIORITY's -1 is not an
     * error), or -errno.
     */
    public long getOption(final Socket socket, final int level, final int name)
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
                    return socket.ops.type();
                case SocketConstants.SO_REUSEADDR, SocketConstants.SO_REUSEPORT, SocketConstants.SO_BROADCAST,
                    SocketConstants.SO_OOBINLINE, SocketConstants.SO_DONTROUTE:
                    return flag(socket, name) ? 1 : 0;
                case SocketConstants.SO_SNDBUF:
                    if (socket.sendBuffer != null)
                    {
                        return socket.sendBuffer.capacity();
                    }
                    return socket.datagramSendBufferBytes != 0 ? socket.datagramSendBufferBytes :
                        stack.config().udpReceiveBuffer();
                case SocketConstants.SO_RCVBUF:
                    return socket.receiveBuffer.capacity();
                case SocketConstants.SO_KEEPALIVE:
                    return socket.ops.keepalive(socket) ? 1 : 0;
                case SocketConstants.SO_ACCEPTCONN:
                    return socket.ops.listening(socket) ? 1 : 0;
                case SocketConstants.SO_PROTOCOL:
                    return socket.ops.protocol();
                case SocketConstants.SO_DOMAIN:
                    return SocketConstants.AF_INET;
                case SocketConstants.SO_PRIORITY:
                    return Integer.toUnsignedLong(socket.priority);
                case SocketConstants.SO_RCVLOWAT:
                    return socket.receiveLowWater;
                case SocketConstants.SO_SNDLOWAT:
                    // Linux reads it as 1 and refuses to set it (sock_setsockopt: ENOPROTOOPT).
                    return 1;
                default:
                    return -Errno.ENOPROTOOPT;
            }
        }
        if (level == socket.ops.protocol())
        {
            return socket.ops.getOption(socket, name);
        }
        // A level the socket's protocol does not own falls through to ip_getsockopt, which knows only SOL_IP.
        if (level != SocketConstants.IPPROTO_IP)
        {
            return -Errno.EOPNOTSUPP;
        }
        return switch (name)
        {
            case SocketConstants.IP_TOS -> socket.ipTos;
            case SocketConstants.IP_TTL -> socket.ipTtl;
            default -> -Errno.ENOPROTOOPT;
        };
    }

    /** The SOL_SOCKET options that are flags ({@code sock_valbool_flag}: any nonzero value sets one). */
    private static void setFlag(final Socket socket, final int name, final boolean on)
    {
        switch (name)
        {
            case SocketConstants.SO_REUSEADDR -> socket.reuseAddress = on;
            case SocketConstants.SO_REUSEPORT -> socket.reusePort = on;
            case SocketConstants.SO_BROADCAST -> socket.broadcast = on;
            case SocketConstants.SO_OOBINLINE -> socket.oobInline = on;
            default -> socket.dontRoute = on;
        }
    }

    private static boolean flag(final Socket socket, final int name)
    {
        return switch (name)
        {
            case SocketConstants.SO_REUSEADDR -> socket.reuseAddress;
            case SocketConstants.SO_REUSEPORT -> socket.reusePort;
            case SocketConstants.SO_BROADCAST -> socket.broadcast;
            case SocketConstants.SO_OOBINLINE -> socket.oobInline;
            default -> socket.dontRoute;
        };
    }

    /** setsockopt(2) for an int-valued option. Returns 0 or -errno. */
    public int setOption(final Socket socket, final int level, final int name, final int value)
    {
        if (level == SocketConstants.SOL_SOCKET)
        {
            switch (name)
            {
                case SocketConstants.SO_REUSEADDR, SocketConstants.SO_REUSEPORT, SocketConstants.SO_BROADCAST,
                    SocketConstants.SO_OOBINLINE, SocketConstants.SO_DONTROUTE:
                    setFlag(socket, name, value != 0);
                    return 0;
                case SocketConstants.SO_SNDBUF:
                    final int sendBytes = bufferSize(value, SocketConstants.WMEM_MAX, SocketConstants.SOCK_MIN_SNDBUF);
                    if (socket.sendBuffer != null)
                    {
                        socket.sendBuffer.setLimit(sendBytes);
                        socket.readinessChanged();
                    }
                    else
                    {
                        socket.datagramSendBufferBytes = sendBytes;
                    }
                    return 0;
                case SocketConstants.SO_RCVBUF:
                    socket.receiveBuffer.setLimit(
                        bufferSize(value, SocketConstants.RMEM_MAX, SocketConstants.SOCK_MIN_RCVBUF));
                    socket.receiveBufferLocked = true;
                    return 0;
                case SocketConstants.SO_PRIORITY:
                    // Any value: a nicsim process has CAP_NET_ADMIN (sk_set_prio_allowed lets others have 0 to 6).
                    socket.priority = value;
                    return 0;
                case SocketConstants.SO_RCVLOWAT:
                    socket.ops.setReceiveLowWater(socket, value < 0 ? Integer.MAX_VALUE : value);
                    return 0;
                case SocketConstants.SO_KEEPALIVE:
                    // Linux accepts it on any socket (SOCK_KEEPOPEN); only TCP acts on it (sk_prot->keepalive).
                    socket.ops.setKeepalive(socket, value != 0);
                    return 0;
                default:
                    return -Errno.ENOPROTOOPT;
            }
        }
        if (level == socket.ops.protocol())
        {
            return socket.ops.setOption(socket, name, value);
        }
        if (level == SocketConstants.IPPROTO_IP && name == SocketConstants.IP_TTL)
        {
            // do_ip_setsockopt: 1 to 255, or -1 for the default.
            if (value != -1 && (value < 1 || value > 255))
            {
                return -Errno.EINVAL;
            }
            socket.ipTtl = value == -1 ? SocketConstants.DEFAULT_TTL : value;
            return 0;
        }
        if (level == SocketConstants.IPPROTO_IP && name == SocketConstants.IP_TOS)
        {
            // __ip_sock_set_tos: the low byte; a stream socket keeps its own ECN bits (TCP owns them).
            final int tos = value & 0xFF;
            final int newTos = socket.isStream() ? tos & ~ECN_MASK | socket.ipTos & ECN_MASK : tos;
            if (newTos != socket.ipTos)
            {
                socket.ipTos = newTos;
                socket.priority = TOS_PRIORITY[(newTos & IPTOS_TOS_MASK) >> 1];
            }
            return 0;
        }
        return -Errno.ENOPROTOOPT;
    }

    /**
     * getsockopt(IPPROTO_TCP, TCP_INFO): Linux's {@code struct tcp_info} written to {@code out} (at least
     * {@link #INFO_SIZE} bytes). Returns its length, or -errno.
     */
    public int info(final Socket socket, final MemorySegment out)
    {
        return socket.ops.info(socket, out);
    }

    /** ioctl(2) of the socket's protocol: the int it answers, or -errno. */
    public int ioctl(final Socket socket, final int request)
    {
        return socket.ops.ioctl(socket, request);
    }

    /** getsockopt(IPPROTO_TCP, TCP_CONGESTION): the algorithm's name, or null on a socket without one. */
    public String congestion(final Socket socket)
    {
        return socket.ops.congestion(socket);
    }

    /** setsockopt(IPPROTO_TCP, TCP_CONGESTION): 0 or -errno. */
    public int setCongestion(final Socket socket, final String name)
    {
        return socket.ops.setCongestion(socket, name);
    }

    /**
     * SO_LINGER, as {@code sock_setsockopt}: the time is kept only when lingering is turned on (turned off, the old
     * one stays), and a negative one, read unsigned, is for ever ({@link Socket#LINGER_FOREVER}).
     */
    public void setLinger(final Socket socket, final boolean on, final int seconds)
    {
        socket.lingerOn = on;
        if (on)
        {
            socket.lingerSeconds = seconds < 0 ? Socket.LINGER_FOREVER : seconds;
        }
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
        if (socket.remotePort == 0 || !socket.ops.peerKnown(socket))
        {
            return -Errno.ENOTCONN;
        }
        result[0] = socket.remoteAddress;
        result[1] = socket.remotePort;
        return 0;
    }

    /**
     * sock_setsockopt's SO_SNDBUF/SO_RCVBUF: the request read as unsigned and capped at {@code max}, then doubled
     * (Linux keeps room for its own bookkeeping) and raised to at least {@code min}.
     */
    private static int bufferSize(final int requested, final int max, final int min)
    {
        final long capped = Math.min(Integer.toUnsignedLong(requested), max);
        return (int) Math.max(capped * 2, min);
    }
}
