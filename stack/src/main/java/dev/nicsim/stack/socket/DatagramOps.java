package dev.nicsim.stack.socket;

import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.context.SockaddrIn;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.iface.RouteTable;
import dev.nicsim.stack.sock.EphemeralPorts;
import dev.nicsim.stack.sock.PortTable;
import dev.nicsim.stack.sock.ProtoOps;
import dev.nicsim.stack.sock.Socket;
import dev.nicsim.stack.udp.UdpLayer;
import dev.nicsim.stack.udp.UdpSocket;

import java.lang.foreign.MemorySegment;

import static dev.nicsim.stack.context.SocketConstants.AF_INET;
import static dev.nicsim.stack.context.SocketConstants.AF_UNSPEC;

/**
 * The calls of a datagram (UDP) socket, as Linux's {@code inet_dgram_ops}: {@code inet_dgram_connect},
 * {@code udp_sendmsg}, {@code udp_recvmsg}, {@code datagram_poll}; listen and accept are {@code sock_no_listen} and
 * {@code sock_no_accept} (EOPNOTSUPP). Every socket it is given is a {@link UdpSocket} (it was made for this type),
 * so {@link #udp(Socket)} is Linux's {@code udp_sk()}.
 */
final class DatagramOps implements ProtoOps
{
    private final RouteTable routes;
    private final UdpLayer udp;
    private final EphemeralPorts ephemeralPorts;

    DatagramOps(final RouteTable routes, final UdpLayer udp, final EphemeralPorts ephemeralPorts)
    {
        this.routes = routes;
        this.udp = udp;
        this.ephemeralPorts = ephemeralPorts;
    }

    /** Linux's {@code udp_sk()}: a socket of this type is a UDP socket. */
    private static UdpSocket udp(final Socket socket)
    {
        return (UdpSocket) socket;
    }

    @Override
    public int type()
    {
        return SocketConstants.SOCK_DGRAM;
    }

    @Override
    public int protocol()
    {
        return SocketConstants.IPPROTO_UDP;
    }

    @Override
    public Socket allocate()
    {
        return udp.allocate();
    }

    @Override
    public PortTable ports()
    {
        return udp.ports();
    }

    @Override
    public boolean bindable(final Socket socket)
    {
        return true;
    }

    @Override
    public int connect(final Socket socket, final MemorySegment address, final long offset, final int length,
        final int family)
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
        if (!autobound(socket))
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
        final int routed = route(socket, destination, false);
        if (routed < 0)
        {
            return routed;
        }
        if (socket.localAddress == 0)
        {
            socket.localAddress = routes.resultSource();
        }
        socket.remoteAddress = destination;
        socket.remotePort = SockaddrIn.port(address, offset);
        return 0;
    }

    /** {@code inet_autobind}: an ephemeral port unless the socket has one. False when none is free. */
    private boolean autobound(final Socket socket)
    {
        return socket.localPort != 0 || ephemeralPorts.bindAny(socket, udp.ports(), socket.localAddress) >= 0;
    }

    /** Routes to {@code destination} from the socket's address: 0, or -errno (EACCES for a broadcast without
     *  SO_BROADCAST). */
    private int route(final Socket socket, final int destination, final boolean dontRoute)
    {
        final int routed = routes.lookupFrom(destination, socket.localAddress, socket.dontRoute || dontRoute);
        if (routed < 0)
        {
            return routed;
        }
        return routes.resultKind() == RouteTable.Kind.BROADCAST && !socket.broadcast ? -Errno.EACCES : 0;
    }

    @Override
    public int listen(final Socket socket, final int backlog)
    {
        return -Errno.EOPNOTSUPP;
    }

    @Override
    public Socket accept(final Socket listener, final boolean nonBlocking, final int[] errno)
    {
        errno[0] = Errno.EOPNOTSUPP;
        return null;
    }

    /** {@code udp_sendmsg} refuses MSG_OOB ("BSD error message compatibility"), after only its 64 KiB check. */
    @Override
    public int sendOutOfBand(final Socket socket, final int length)
    {
        return length > 0xFFFF ? 0 : -Errno.EOPNOTSUPP;
    }

    /** {@code udp_recvmsg} does not look at MSG_OOB: the datagram is read as without it. */
    @Override
    public int receiveOutOfBand(final Socket socket, final MemorySegment data, final long offset, final int length,
        final int flags)
    {
        return IN_BAND;
    }

    /** Datagrams have no urgent data. */
    @Override
    public boolean atUrgentMark(final Socket socket, final int ahead)
    {
        return false;
    }

    /**
     * {@code udp_sendmsg}: no send buffer, the datagram goes straight into a frame. MSG_DONTROUTE routes it as
     * SO_DONTROUTE does. With MSG_MORE or UDP_CORK the data starts a datagram that later sends add to, wherever they
     * say it goes, until one without either sends it.
     */
    @Override
    public int send(final Socket socket, final MemorySegment data, final long offset, final int length,
        final boolean nonBlocking, final int flags, final MemorySegment address, final long addressOffset,
        final int addressLength)
    {
        final UdpSocket datagram = udp(socket);
        final boolean more = datagram.cork || (flags & SocketConstants.MSG_MORE) != 0;
        if (length > 0xFFFF)
        {
            // udp_sendmsg's first check; a datagram too long for IPv4 fails later, where it is built.
            return -Errno.EMSGSIZE;
        }
        if (udp.corked(datagram))
        {
            return udp.append(datagram, data, offset, length, more);
        }
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
        if (!autobound(socket))
        {
            return -Errno.EAGAIN;
        }
        destination = RouteTable.destination(destination, socket.localAddress);
        final int routed = route(socket, destination, (flags & SocketConstants.MSG_DONTROUTE) != 0);
        if (routed < 0)
        {
            return routed;
        }
        if (socket.error != 0)
        {
            return -socket.takeError();
        }
        final int source = socket.localAddress != 0 ? socket.localAddress : routes.resultSource();
        return more ? udp.cork(datagram, data, offset, length, source, destination, port)
            : udp.send(datagram, data, offset, length, source, destination, port);
    }

    @Override
    public int receive(final Socket socket, final MemorySegment data, final long offset, final int length,
        final int flags, final int[] from)
    {
        if (socket.error != 0)
        {
            return -socket.takeError();
        }
        final int received = udp.receiveInto(udp(socket), data, offset, length,
            (flags & SocketConstants.MSG_PEEK) != 0, from);
        if (received >= 0)
        {
            // udp_recvmsg: with MSG_TRUNC the datagram's own length, however much of it fitted.
            return (flags & SocketConstants.MSG_TRUNC) != 0 ? received : Math.min(received, length);
        }
        if ((socket.shutdown & Socket.RECEIVE_SHUTDOWN) != 0)
        {
            return 0;
        }
        return -Errno.EAGAIN;
    }

    @Override
    public int receiveTarget(final Socket socket, final int flags, final int length)
    {
        return 1;
    }

    /** No {@code set_rcvlowat} in {@code inet_dgram_ops}: the value is kept (0 as 1) and a datagram read ignores it. */
    @Override
    public void setReceiveLowWater(final Socket socket, final int bytes)
    {
        socket.receiveLowWater = bytes == 0 ? 1 : bytes;
    }

    @Override
    public boolean receiveReady(final Socket socket, final int seen)
    {
        return !socket.receiveBuffer.isEmpty() || SocketLayer.receiveEnded(socket);
    }

    /** {@code inet_shutdown} of a datagram socket: the bits are kept; ENOTCONN unless connected. */
    @Override
    public int shutdown(final Socket socket, final int bits)
    {
        socket.shutdown |= bits;
        return socket.remoteAddress == 0 ? -Errno.ENOTCONN : 0;
    }

    @Override
    public void release(final Socket socket)
    {
        udp.close(udp(socket));
    }

    /** {@code datagram_poll}: always writable (no send buffer). */
    @Override
    public int poll(final Socket socket)
    {
        int mask = SocketLayer.commonPollEvents(socket, false);
        if (udp(socket).datagrams > 0)
        {
            mask |= SocketConstants.POLLIN | SocketConstants.POLLRDNORM;
        }
        return mask | SocketConstants.POLLOUT | SocketConstants.POLLWRNORM | SocketConstants.POLLWRBAND;
    }

    /** {@code udp_ioctl}: SIOCINQ is the first datagram's payload, SIOCOUTQ what waits to be sent (none here). */
    @Override
    public int ioctl(final Socket socket, final int request)
    {
        return switch (request)
        {
            case SocketConstants.FIONREAD -> udp.firstDatagramLength(udp(socket));
            case SocketConstants.SIOCOUTQ -> 0;
            default -> -Errno.ENOTTY;
        };
    }

    @Override
    public String congestion(final Socket socket)
    {
        return null;
    }

    /** {@code ip_setsockopt}: a level other than SOL_IP is not its. */
    @Override
    public int setCongestion(final Socket socket, final String name)
    {
        return -Errno.ENOPROTOOPT;
    }

    /** {@code udp_getsockopt}: UDP_CORK; UDP's other options are not modelled. */
    @Override
    public long getOption(final Socket socket, final int name)
    {
        return name == SocketConstants.UDP_CORK ? (udp(socket).cork ? 1 : 0) : -Errno.ENOPROTOOPT;
    }

    /** {@code udp_lib_setsockopt}: UDP_CORK; taking it out sends the datagram it built. */
    @Override
    public int setOption(final Socket socket, final int name, final int value)
    {
        if (name != SocketConstants.UDP_CORK)
        {
            return -Errno.ENOPROTOOPT;
        }
        final UdpSocket datagram = udp(socket);
        datagram.cork = value != 0;
        if (!datagram.cork)
        {
            udp.push(datagram);
        }
        return 0;
    }

    /** A datagram socket keeps the flag for getsockopt, as Linux does, and has no timer to run. */
    @Override
    public void setKeepalive(final Socket socket, final boolean on)
    {
        udp(socket).keepalive = on;
    }

    @Override
    public boolean keepalive(final Socket socket)
    {
        return udp(socket).keepalive;
    }

    @Override
    public boolean listening(final Socket socket)
    {
        return false;
    }

    /** TCP_INFO at a level a UDP socket does not own falls through to {@code ip_getsockopt}: EOPNOTSUPP. */
    @Override
    public int info(final Socket socket, final MemorySegment out)
    {
        return -Errno.EOPNOTSUPP;
    }

    @Override
    public boolean peerKnown(final Socket socket)
    {
        return true;
    }
}
