package dev.nicsim.stack.context;

/**
 * The Linux ABI numbers the socket calls take: address families, socket types, option levels and names, poll bits,
 * fcntl commands. Values are Linux x86-64's, so a C program and a nicsim script read the same.
 */
public final class SocketConstants
{
    public static final int AF_UNSPEC = 0;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;

    public static final int IPPROTO_IP = 0;
    /** SOL_IP options (ip_setsockopt). */
    public static final int IP_TOS = 1;
    public static final int IP_TTL = 2;
    /** net.ipv4.ip_default_ttl: what IP_TTL reads until set, and what -1 sets back. */
    public static final int DEFAULT_TTL = 64;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;

    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_TYPE = 3;
    public static final int SO_ERROR = 4;
    public static final int SO_DONTROUTE = 5;
    public static final int SO_BROADCAST = 6;
    public static final int SO_KEEPALIVE = 9;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_OOBINLINE = 10;
    public static final int SO_PRIORITY = 12;
    public static final int SO_LINGER = 13;
    public static final int SO_REUSEPORT = 15;
    public static final int SO_RCVLOWAT = 18;
    public static final int SO_SNDLOWAT = 19;
    /**
     * The bounds of SO_SNDBUF/SO_RCVBUF: {@code net.core.wmem_max}/{@code rmem_max}'s default (212 992), and
     * {@code SOCK_MIN_SNDBUF}/{@code SOCK_MIN_RCVBUF} on x86-64 (2 x and 1 x 2 048 plus an aligned
     * {@code struct sk_buff}).
     */
    public static final int WMEM_MAX = 212992;
    public static final int RMEM_MAX = 212992;
    public static final int SOCK_MIN_SNDBUF = 4608;
    public static final int SOCK_MIN_RCVBUF = 2304;
    /**
     * {@code net.ipv4.tcp_rmem[2]}: 6 MiB, the largest receive buffer, from which Linux derives the window scale 7
     * that nicsim offers (the kernel differentials' namespaces set it so); SO_RCVLOWAT may be at most half of it.
     */
    public static final int TCP_RMEM_MAX = 6 << 20;
    public static final int SO_RCVTIMEO = 20;
    public static final int SO_SNDTIMEO = 21;
    /** Read-only: whether the socket listens, what protocol and family it has. */
    public static final int SO_ACCEPTCONN = 30;
    public static final int SO_PROTOCOL = 38;
    public static final int SO_DOMAIN = 39;

    public static final int TCP_NODELAY = 1;
    public static final int TCP_MAXSEG = 2;
    public static final int TCP_CORK = 3;
    public static final int TCP_KEEPIDLE = 4;
    public static final int TCP_KEEPINTVL = 5;
    public static final int TCP_KEEPCNT = 6;
    public static final int TCP_SYNCNT = 7;
    public static final int TCP_LINGER2 = 8;
    public static final int TCP_DEFER_ACCEPT = 9;
    public static final int TCP_INFO = 11;
    public static final int TCP_CONGESTION = 13;
    /** TCP_CA_NAME_MAX: the bytes of a congestion control's name, its terminating NUL included. */
    public static final int TCP_CA_NAME_MAX = 16;
    public static final int TCP_QUICKACK = 12;
    public static final int TCP_USER_TIMEOUT = 18;
    public static final int TCP_NOTSENT_LOWAT = 25;
    /** SOL_UDP options (udp_lib_setsockopt). */
    public static final int UDP_CORK = 1;

    /** ioctl(2) requests on a socket: bytes to read (SIOCINQ), to send unacknowledged, to send unsent, at mark. */
    public static final int FIONREAD = 0x541B;
    public static final int SIOCOUTQ = 0x5411;
    public static final int SIOCOUTQNSD = 0x894B;
    public static final int SIOCATMARK = 0x8905;
    /** ioctl(2) on any descriptor: non-blocking mode on or off, as O_NONBLOCK. */
    public static final int FIONBIO = 0x5421;

    public static final int F_GETFL = 3;
    public static final int F_SETFL = 4;
    public static final int O_RDWR = 2;
    public static final int O_NONBLOCK = 0x800;

    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;

    public static final int MSG_OOB = 0x1;
    public static final int MSG_PEEK = 0x2;
    public static final int MSG_DONTROUTE = 0x4;
    public static final int MSG_TRUNC = 0x20;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_WAITALL = 0x100;
    public static final int MSG_MORE = 0x8000;

    public static final int POLLIN = 0x1;
    public static final int POLLPRI = 0x2;
    public static final int POLLOUT = 0x4;
    public static final int POLLERR = 0x8;
    public static final int POLLHUP = 0x10;
    public static final int POLLNVAL = 0x20;
    public static final int POLLRDNORM = 0x40;
    public static final int POLLRDBAND = 0x80;
    public static final int POLLWRNORM = 0x100;
    public static final int POLLWRBAND = 0x200;
    public static final int POLLRDHUP = 0x2000;

    /** {@code sizeof(struct sockaddr_in)}. */
    public static final int SOCKADDR_IN_SIZE = 16;
    /** {@code sizeof(struct sockaddr_storage)}: the largest address a call accepts. */
    public static final int SOCKADDR_STORAGE_SIZE = 128;

    private SocketConstants()
    {
    }

    /** Poll bits as text ("POLLOUT|POLLHUP"), for messages and scripts. */
    public static String pollBits(final int bits)
    {
        final StringBuilder text = new StringBuilder();
        final int[] values = {POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP, POLLNVAL, POLLRDNORM, POLLRDBAND, POLLWRNORM,
            POLLWRBAND, POLLRDHUP};
        final String[] names = {"POLLIN", "POLLPRI", "POLLOUT", "POLLERR", "POLLHUP", "POLLNVAL", "POLLRDNORM",
            "POLLRDBAND", "POLLWRNORM", "POLLWRBAND", "POLLRDHUP"};
        for (int i = 0; i < values.length; i++)
        {
            if ((bits & values[i]) != 0)
            {
                text.append(text.isEmpty() ? "" : "|").append(names[i]);
            }
        }
        return text.isEmpty() ? "0" : text.toString();
    }
}
