package dev.nicsim.stack.socket;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.context.SockaddrIn;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.context.StackContext;
import dev.nicsim.stack.sock.ByteRing;
import dev.nicsim.stack.sock.PortTable;
import dev.nicsim.stack.sock.ProtoOps;
import dev.nicsim.stack.sock.Socket;
import dev.nicsim.stack.sock.SocketState;
import dev.nicsim.stack.tcp.Tcb;
import dev.nicsim.stack.tcp.TcpInfo;
import dev.nicsim.stack.tcp.TcpLayer;
import dev.nicsim.stack.tcp.TcpSocket;
import dev.nicsim.stack.tcp.TcpState;
import dev.nicsim.stack.tcp.UrgentData;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.BooleanSupplier;

import static dev.nicsim.stack.context.SocketConstants.AF_INET;
import static dev.nicsim.stack.context.SocketConstants.AF_UNSPEC;

/**
 * The calls of a stream (TCP) socket, as Linux's {@code inet_stream_ops}: {@code __inet_stream_connect},
 * {@code inet_listen}, {@code inet_accept}, {@code tcp_sendmsg}, {@code tcp_recvmsg}, {@code inet_shutdown},
 * {@code tcp_poll}, {@code do_tcp_getsockopt}/{@code do_tcp_setsockopt}. Every socket it is given is a
 * {@link TcpSocket} (it was made for this type), so {@link #tcp(Socket)} is Linux's {@code tcp_sk()}.
 */
final class StreamOps implements ProtoOps
{
    /** TCP_FIN_TIMEOUT_MAX: the longest TCP_LINGER2. */
    private static final int FIN_TIMEOUT_MAX_SECONDS = 120;
    /** TCP_RTO_MAX: the longest SYN-ACK timeout TCP_DEFER_ACCEPT counts in. */
    private static final int RTO_MAX_SECONDS = 120;

    private final StackContext stack;
    private final TcpLayer tcp;

    /* What a blocking call is waiting for: one preallocated condition per kind, reading this field. */
    private TcpSocket waiting;
    private final BooleanSupplier connectDone = () -> !waiting.tcb.state.handshaking();
    private final BooleanSupplier lingerDone = () -> !closing(waiting.tcb.state);
    private final BooleanSupplier acceptReady = () -> waiting.tcb.state != TcpState.LISTEN ||
        waiting.listenQueue.acceptCount() > 0;
    private final BooleanSupplier sendReady = () -> writable(waiting) || waiting.error != 0 ||
        waiting.tcb.state != TcpState.ESTABLISHED && waiting.tcb.state != TcpState.CLOSE_WAIT;

    StreamOps(final StackContext stack, final TcpLayer tcp)
    {
        this.stack = stack;
        this.tcp = tcp;
    }

    /**
     * Room to write: the send buffer has some, and the unsent bytes are below half TCP_NOTSENT_LOWAT
     * ({@code __sk_stream_is_writeable} with wake set, as tcp_poll and the writer's wake-up ask).
     */
    private static boolean writable(final TcpSocket socket)
    {
        return socket.sendBuffer.free() > 0 && socket.tcb.unsentBelowLowWater(true);
    }

    /**
     * TCP_DEFER_ACCEPT's seconds as SYN-ACK timeouts ({@code secs_to_retrans}): the fewest whose backed-off
     * timeouts from TCP_TIMEOUT_INIT (1 s), each at most TCP_RTO_MAX (120 s), add up to the seconds, at most 255.
     */
    private static int deferTimeouts(final int seconds)
    {
        if (seconds <= 0)
        {
            return 0;
        }
        int timeouts = 1;
        int timeout = 1;
        int period = timeout;
        while (seconds > period && timeouts < 255)
        {
            timeouts++;
            timeout = Math.min(timeout << 1, RTO_MAX_SECONDS);
            period += timeout;
        }
        return timeouts;
    }

    /** TCP_DEFER_ACCEPT as getsockopt reads it ({@code retrans_to_secs}): the seconds the timeouts add up to. */
    private static int deferSeconds(final int timeouts)
    {
        int period = 0;
        int timeout = 1;
        for (int i = 0; i < timeouts; i++)
        {
            period += timeout;
            timeout = Math.min(timeout << 1, RTO_MAX_SECONDS);
        }
        return period;
    }

    /** Linux's {@code tcp_sk()}: a socket of this type is a TCP socket. */
    private static TcpSocket tcp(final Socket socket)
    {
        return (TcpSocket) socket;
    }

    @Override
    public int type()
    {
        return SocketConstants.SOCK_STREAM;
    }

    @Override
    public int protocol()
    {
        return SocketConstants.IPPROTO_TCP;
    }

    @Override
    public Socket allocate()
    {
        return tcp.allocate();
    }

    @Override
    public PortTable ports()
    {
        return tcp.ports();
    }

    @Override
    public boolean bindable(final Socket socket)
    {
        return tcp(socket).tcb.state == TcpState.CLOSED;
    }

    @Override
    public int connect(final Socket socket, final MemorySegment address, final long offset, final int length,
        final int family)
    {
        final TcpSocket stream = tcp(socket);
        final Tcb tcb = stream.tcb;
        if (family == AF_UNSPEC)
        {
            tcp.disconnect(stream);
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
                final int started = tcp.connect(stream, SockaddrIn.address(address, offset),
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
            if (socket.sendsWithoutWaiting())
            {
                return result;
            }
            waiting = stream;
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
            tcp.disconnect(stream);
            return error != 0 ? -error : -Errno.ECONNABORTED;
        }
        socket.state = SocketState.CONNECTED;
        return 0;
    }

    @Override
    public int listen(final Socket socket, final int backlog)
    {
        final TcpSocket stream = tcp(socket);
        final TcpState state = stream.tcb.state;
        if (socket.state != SocketState.UNCONNECTED || state != TcpState.CLOSED && state != TcpState.LISTEN)
        {
            return -Errno.EINVAL;
        }
        // inet_csk_listen_start takes the port again as a listener: SO_REUSEADDR no longer shares it with another
        // listener, only SO_REUSEPORT does.
        if (state == TcpState.CLOSED && socket.localPort != 0 &&
            ports().conflicts(socket, socket.localAddress, socket.localPort))
        {
            return -Errno.EADDRINUSE;
        }
        return tcp.listen(stream, backlog);
    }

    @Override
    public Socket accept(final Socket listener, final boolean nonBlocking, final int[] errno)
    {
        final TcpSocket stream = tcp(listener);
        while (true)
        {
            if (stream.tcb.state != TcpState.LISTEN)
            {
                errno[0] = Errno.EINVAL;
                return null;
            }
            final Socket child = tcp.accept(stream);
            if (child != null)
            {
                return child;
            }
            waiting = stream;
            if (nonBlocking || !stack.block(acceptReady, listener.receiveTimeoutPs))
            {
                errno[0] = Errno.EAGAIN;
                return null;
            }
        }
    }

    /** {@code sock_rcvlowat}: SO_RCVLOWAT's bytes but no more than asked for, or all of them with MSG_WAITALL. */
    @Override
    public int receiveTarget(final Socket socket, final int flags, final int length)
    {
        final int target = (flags & SocketConstants.MSG_WAITALL) != 0 ? length
            : Math.min(socket.receiveLowWater, length);
        return Math.max(target, 1);
    }

    /**
     * {@code tcp_set_rcvlowat}: at most half of tcp_rmem[2], or of the buffer when SO_RCVBUF fixed it; unless it did,
     * the buffer grows to hold twice the mark ({@code tcp_space_from_win} at the default scaling ratio of one half:
     * nicsim measures no ratio, docs/stack.md, known gaps). A read or poll waiting for less now sees it at once.
     */
    @Override
    public void setReceiveLowWater(final Socket socket, final int bytes)
    {
        final int cap = (socket.receiveBufferLocked ? socket.receiveBuffer.capacity()
            : SocketConstants.TCP_RMEM_MAX) >> 1;
        final int lowWater = Math.min(bytes, cap);
        socket.receiveLowWater = lowWater == 0 ? 1 : lowWater;
        if (!socket.receiveBufferLocked && 2L * lowWater > socket.receiveBuffer.capacity())
        {
            socket.receiveBuffer.setLimit(2 * lowWater);
        }
        socket.readinessChanged();
    }

    /** A stream takes MSG_OOB: {@link #send} marks the urgent data ({@link UrgentData}). */
    @Override
    public int sendOutOfBand(final Socket socket, final int length)
    {
        return 0;
    }

    /**
     * {@code tcp_recv_urg}: the urgent byte (one byte, or none copied with MSG_TRUNC or no room), never waiting.
     * EINVAL with SO_OOBINLINE or no urgent byte to read (none, or taken already), ENOTCONN on a listener (which
     * {@code tcp_recvmsg} checks first) or a closed socket that never saw the peer's FIN; with the byte still to come
     * 0 at the end of the stream, else EAGAIN.
     */
    @Override
    public int receiveOutOfBand(final Socket socket, final MemorySegment data, final long offset, final int length,
        final int flags)
    {
        final TcpSocket stream = tcp(socket);
        final TcpState state = stream.tcb.state;
        final UrgentData urgent = stream.tcb.urgent;
        if (state == TcpState.LISTEN)
        {
            return -Errno.ENOTCONN;
        }
        if (socket.oobInline || urgent.noneToRead())
        {
            return -Errno.EINVAL;
        }
        if (state == TcpState.CLOSED && !socket.done)
        {
            return -Errno.ENOTCONN;
        }
        if (urgent.held())
        {
            final byte value = urgent.take((flags & SocketConstants.MSG_PEEK) != 0);
            socket.readinessChanged();
            if (length <= 0)
            {
                return 0;
            }
            if ((flags & SocketConstants.MSG_TRUNC) == 0)
            {
                data.set(ValueLayout.JAVA_BYTE, offset, value);
            }
            return 1;
        }
        return state == TcpState.CLOSED || (socket.shutdown & Socket.RECEIVE_SHUTDOWN) != 0 ? 0 : -Errno.EAGAIN;
    }

    /** {@code tcp_recvmsg} stops at the urgent mark once it has read something. */
    @Override
    public boolean atUrgentMark(final Socket socket, final int ahead)
    {
        final TcpSocket stream = tcp(socket);
        return stream.tcb.urgent.markOffset(stream) == ahead;
    }

    /**
     * {@code tcp_sendmsg}: a stream socket ignores sendto()'s address. Waits for the handshake, then for room. With
     * MSG_MORE the push at the end holds a tail shorter than a segment, as TCP_CORK would (tcp_push's
     * TCP_NAGLE_CORK), for this call only.
     */
    @Override
    public int send(final Socket socket, final MemorySegment data, final long offset, final int length,
        final boolean nonBlocking, final int flags, final MemorySegment address, final long addressOffset,
        final int addressLength)
    {
        final TcpSocket stream = tcp(socket);
        final Tcb tcb = stream.tcb;
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
            waiting = stream;
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
            sent += tcp.write(stream, data, offset + sent, length - sent, (flags & SocketConstants.MSG_MORE) != 0,
                (flags & SocketConstants.MSG_OOB) != 0);
            if (sent == length)
            {
                return sent;
            }
            if (nonBlocking)
            {
                return sent > 0 ? sent : -Errno.EAGAIN;
            }
            waiting = stream;
            if (!stack.block(sendReady, socket.sendTimeoutPs))
            {
                return sent > 0 ? sent : -Errno.EAGAIN;
            }
        }
    }

    @Override
    public int receive(final Socket socket, final MemorySegment data, final long offset, final int length,
        final int flags, final int[] from)
    {
        final TcpSocket stream = tcp(socket);
        final ByteRing ring = socket.receiveBuffer;
        if (!ring.isEmpty())
        {
            // tcp_recvmsg at an urgent mark: the read ends before the urgent byte, and one that starts at it steps
            // over it unless SO_OOBINLINE (recv(MSG_OOB) reads it).
            final UrgentData urgent = stream.tcb.urgent;
            final int mark = urgent.markOffset(stream);
            final int skip = mark == 0 && length > 0 && !socket.oobInline ? 1 : 0;
            int count = Math.min(length, ring.size() - skip);
            if (mark > 0 && mark < count)
            {
                count = mark;
            }
            if ((flags & SocketConstants.MSG_TRUNC) == 0)
            {
                ring.copyOut(skip, data, offset, count);
            }
            // else tcp_recvmsg counts the bytes as read without copying them: they are discarded (or, peeked, left).
            if ((flags & SocketConstants.MSG_PEEK) == 0)
            {
                ring.consume(skip + count);
                urgent.read(stream);
                tcp.consumed(stream, count);
            }
            if (count > 0 || skip == 0)
            {
                from[0] = socket.remoteAddress;
                from[1] = socket.remotePort;
                return count;
            }
            // Only the urgent byte was there, stepped over: as if nothing was (a read of 0 bytes returns 0).
        }
        if (stream.tcb.state == TcpState.LISTEN)
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
        if (stream.tcb.state == TcpState.CLOSED)
        {
            return -Errno.ENOTCONN;
        }
        return -Errno.EAGAIN;
    }

    @Override
    public boolean receiveReady(final Socket socket, final int seen)
    {
        // An urgent byte the read would step over is not worth waking for.
        final TcpSocket stream = tcp(socket);
        return socket.receiveBuffer.size() > seen + stream.tcb.urgent.hole(stream) && tcp.readable(stream) ||
            SocketLayer.receiveEnded(socket) || stream.tcb.state == TcpState.CLOSED;
    }

    @Override
    public int shutdown(final Socket socket, final int bits)
    {
        final TcpSocket stream = tcp(socket);
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

    @Override
    public void release(final Socket socket)
    {
        final TcpSocket stream = tcp(socket);
        tcp.close(stream);
        // SO_LINGER with a time: close() returns once the FIN is acknowledged, or the time has passed
        // (sk_stream_wait_close in tcp_close; non-blocking mode does not matter). A close made from inside a simulation
        // event cannot wait and returns at once.
        if (socket.lingerOn && socket.lingerSeconds != 0 && closing(stream.tcb.state) && stack.mayBlock())
        {
            waiting = stream;
            stack.block(lingerDone, socket.lingerSeconds == Socket.LINGER_FOREVER ? 0 : socket.lingerSeconds * Time.S);
        }
    }

    /** {@code sk_stream_closing}: our FIN is not yet acknowledged. */
    private static boolean closing(final TcpState state)
    {
        return state == TcpState.FIN_WAIT_1 || state == TcpState.CLOSING || state == TcpState.LAST_ACK;
    }

    /** {@code tcp_poll}. */
    @Override
    public int poll(final Socket socket)
    {
        final TcpState state = tcp(socket).tcb.state;
        if (state == TcpState.LISTEN)
        {
            return tcp(socket).listenQueue.acceptCount() > 0 ? SocketConstants.POLLIN | SocketConstants.POLLRDNORM
                : 0;
        }
        int mask = SocketLayer.commonPollEvents(socket, state == TcpState.CLOSED);
        if (state != TcpState.SYN_SENT && state != TcpState.SYN_RECEIVED)
        {
            if (tcp.readable(tcp(socket)))
            {
                mask |= SocketConstants.POLLIN | SocketConstants.POLLRDNORM;
            }
            if ((socket.shutdown & Socket.SEND_SHUTDOWN) != 0 || writable(tcp(socket)))
            {
                mask |= SocketConstants.POLLOUT | SocketConstants.POLLWRNORM;
            }
            if (tcp(socket).tcb.urgent.held())
            {
                mask |= SocketConstants.POLLPRI;
            }
        }
        return mask;
    }

    @Override
    public long getOption(final Socket socket, final int name)
    {
        final Tcb tcb = tcp(socket).tcb;
        switch (name)
        {
            case SocketConstants.TCP_NODELAY:
                return tcb.noDelay ? 1 : 0;
            case SocketConstants.TCP_CORK:
                return tcb.cork ? 1 : 0;
            case SocketConstants.TCP_MAXSEG:
                // do_tcp_getsockopt: mss_cache, or TCP_MAXSEG's value on a closed or listening socket.
                if (tcb.userMss > 0 && (tcb.state == TcpState.CLOSED || tcb.state == TcpState.LISTEN))
                {
                    return tcb.userMss;
                }
                return tcb.sendMss > 0 ? tcb.sendMss : tcb.mssCache;
            case SocketConstants.TCP_SYNCNT:
                return tcb.synCount > 0 ? tcb.synCount : stack.config().synPolicy().defaultRetries();
            case SocketConstants.TCP_KEEPIDLE:
                return TcpLayer.keepIdleSeconds(tcb);
            case SocketConstants.TCP_KEEPINTVL:
                return TcpLayer.keepIntervalSeconds(tcb);
            case SocketConstants.TCP_KEEPCNT:
                return TcpLayer.keepCount(tcb);
            case SocketConstants.TCP_USER_TIMEOUT:
                return tcb.userTimeoutMs;
            case SocketConstants.TCP_QUICKACK:
                return tcp.quickAck(tcp(socket)) ? 1 : 0;
            case SocketConstants.TCP_LINGER2:
                // do_tcp_getsockopt: -1, else the seconds set or tcp_fin_timeout's.
                return tcb.linger2 < 0 ? Integer.toUnsignedLong(-1)
                    : tcb.linger2 > 0 ? tcb.linger2 : stack.config().finTimeoutPs() / Time.S;
            case SocketConstants.TCP_NOTSENT_LOWAT:
                return Integer.toUnsignedLong(tcb.notSentLowWater);
            case SocketConstants.TCP_DEFER_ACCEPT:
                return deferSeconds(tcb.deferAcceptTimeouts);
            default:
                return -Errno.ENOPROTOOPT;
        }
    }

    @Override
    public int setOption(final Socket socket, final int name, final int value)
    {
        final TcpSocket stream = tcp(socket);
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
            case SocketConstants.TCP_CORK:
                // __tcp_sock_set_cork: taking the cork out pushes what waits (tcp_push_pending_frames).
                tcb.cork = value != 0;
                if (!tcb.cork)
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
            case SocketConstants.TCP_USER_TIMEOUT:
                // tcp_sock_set_user_timeout: any non-negative number of milliseconds, 0 for the default.
                if (value < 0)
                {
                    return -Errno.EINVAL;
                }
                tcb.userTimeoutMs = value;
                return 0;
            case SocketConstants.TCP_QUICKACK:
                // Any value: 0 enters ping-pong mode, others leave it (Linux's __tcp_sock_set_quickack).
                tcp.setQuickAck(stream, value);
                return 0;
            case SocketConstants.TCP_LINGER2:
                // do_tcp_setsockopt: any negative value is -1, at most TCP_FIN_TIMEOUT_MAX (120 s), 0 the default.
                tcb.linger2 = value < 0 ? -1 : Math.min(value, FIN_TIMEOUT_MAX_SECONDS);
                return 0;
            case SocketConstants.TCP_NOTSENT_LOWAT:
                tcb.notSentLowWater = value;
                socket.readinessChanged();
                return 0;
            case SocketConstants.TCP_DEFER_ACCEPT:
                tcb.deferAcceptTimeouts = deferTimeouts(value);
                return 0;
            default:
                return -Errno.ENOPROTOOPT;
        }
    }

    /**
     * {@code tcp_ioctl}: the bytes waiting to be read (SIOCINQ; the FIN not counted, and with an urgent mark ahead
     * not in line only those before it), sent but not acknowledged or not sent (SIOCOUTQ, counting a FIN), not sent
     * (SIOCOUTQNSD); 0 during the handshake, EINVAL on a listener. SIOCATMARK: whether the next byte is the urgent one.
     */
    @Override
    public int ioctl(final Socket socket, final int request)
    {
        final Tcb tcb = tcp(socket).tcb;
        if (request != SocketConstants.FIONREAD && request != SocketConstants.SIOCOUTQ &&
            request != SocketConstants.SIOCOUTQNSD)
        {
            return request != SocketConstants.SIOCATMARK ? -Errno.ENOTTY : tcb.urgent.atMark(tcp(socket)) ? 1 : 0;
        }
        if (tcb.state == TcpState.LISTEN)
        {
            return -Errno.EINVAL;
        }
        if (tcb.state.handshaking())
        {
            return 0;
        }
        return switch (request)
        {
            case SocketConstants.FIONREAD -> tcb.urgent.readable(tcp(socket));
            case SocketConstants.SIOCOUTQ -> socket.sendBuffer.size() + (tcb.finQueued && !tcb.finAcked() ? 1 : 0);
            default -> tcb.unsent() + (tcb.finQueued && !tcb.finSent ? 1 : 0);
        };
    }

    @Override
    public String congestion(final Socket socket)
    {
        return tcp.congestionName(tcp(socket));
    }

    @Override
    public int setCongestion(final Socket socket, final String name)
    {
        return tcp.setCongestion(tcp(socket), name);
    }

    @Override
    public void setKeepalive(final Socket socket, final boolean on)
    {
        tcp.setKeepalive(tcp(socket), on);
    }

    @Override
    public boolean listening(final Socket socket)
    {
        return tcp(socket).tcb.state == TcpState.LISTEN;
    }

    @Override
    public boolean keepalive(final Socket socket)
    {
        return tcp(socket).tcb.keepalive;
    }

    @Override
    public int info(final Socket socket, final MemorySegment out)
    {
        TcpInfo.write(tcp(socket), stack.config(), out);
        return TcpInfo.SIZE;
    }

    /** {@code inet_getname}: a TCP peer exists only once past SYN_SENT. */
    @Override
    public boolean peerKnown(final Socket socket)
    {
        final TcpState state = tcp(socket).tcb.state;
        return state != TcpState.CLOSED && state != TcpState.SYN_SENT;
    }
}
