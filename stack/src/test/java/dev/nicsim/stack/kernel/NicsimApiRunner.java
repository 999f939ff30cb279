package dev.nicsim.stack.kernel;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.TwoHosts;
import dev.nicsim.stack.device.NetDevice;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.context.StackConfig;
import dev.nicsim.stack.wire.Ipv4Address;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an {@link ApiScript} on two nicsim stacks, printing the lines {@code api_runner.c} prints on the kernel (see
 * its header for the steps). {@code route} builds fresh hosts: A with or without its default route through B.
 */
final class NicsimApiRunner
{
    /** {@code sizeof(struct tcp_info)} on Linux 6.x. */
    private static final int TCP_INFO_SIZE = 248;
    private static final int DATA_SIZE = 1 << 16;

    private final List<String> out = new ArrayList<>();
    private final Map<String, Integer> fds = new HashMap<>();
    private final Map<String, Host> owners = new HashMap<>();
    private Host a;
    private Host b;
    private TwoHosts hosts;
    private String scenario = "-";
    private int step;
    /** Bytes the scenario has sent: where the next send goes on in the alphabet (as api_runner.c's sent_so_far). */
    private int sentSoFar;

    /** One process with its scratch memory, allocated once (process memory is never freed). */
    private record Host(Posix posix, long address, long length, long data, long value, long pollFd)
    {
        static Host of(final Posix posix)
        {
            return new Host(posix, posix.memory().allocate(16), posix.memory().allocate(4),
                posix.memory().allocate(DATA_SIZE), posix.memory().allocate(TCP_INFO_SIZE),
                posix.memory().allocate(8));
        }
    }

    static List<String> run(final List<String> script)
    {
        final NicsimApiRunner runner = new NicsimApiRunner();
        runner.build(0);
        for (final String line : script)
        {
            runner.line(line);
        }
        return runner.out;
    }

    private void build(final int gateway)
    {
        final StackConfig config = StackConfig.defaults().withHz(KernelNamespaces.kernelHz());
        hosts = new TwoHosts(config, config.withSeed(7),
            NetDevice.FEATURE_TX_CHECKSUM | NetDevice.FEATURE_RX_CHECKSUM, gateway);
        a = Host.of(hosts.pa);
        b = Host.of(hosts.pb);
    }

    private void line(final String line)
    {
        final String[] t = line.split(" ");
        switch (t[0])
        {
            case "scenario" ->
            {
                closeAll();
                scenario = t[1];
                step = 0;
                sentSoFar = 0;
            }
            case "route" ->
            {
                closeAll();
                build(t[1].equals("default") ? TwoHosts.B : 0);
            }
            default -> out.add(scenario + " " + (++step) + " " + line + " = " + step(t));
        }
    }

    private void closeAll()
    {
        for (final Map.Entry<String, Integer> fd : fds.entrySet())
        {
            if (fd.getValue() >= 0)
            {
                owners.get(fd.getKey()).posix.close(fd.getValue());
            }
        }
        fds.clear();
        owners.clear();
    }

    private String step(final String[] t)
    {
        if (t[0].equals("settle"))
        {
            hosts.sim.run(hosts.sim.now() + Time.ms(Integer.parseInt(t[1])));
            return "0";
        }
        if (t[0].equals("socket"))
        {
            final Host host = t[2].equals("b") ? b : a;
            final int type = (t[3].equals("tcp") ? SocketConstants.SOCK_STREAM : SocketConstants.SOCK_DGRAM) |
                (t.length > 4 && t[4].equals("nonblock") ? SocketConstants.SOCK_NONBLOCK : 0);
            final int fd = host.posix.socket(SocketConstants.AF_INET, type, 0);
            fds.put(t[1], fd);
            owners.put(t[1], host);
            return fd < 0 ? failure(host) : "fd";
        }
        final Host host = owners.get(t[1]);
        final Posix p = host.posix;
        final int fd = fds.get(t[1]);
        switch (t[0])
        {
            case "bind":
                return result(p.bind(fd, address(host, t[2]), 16), host);
            case "connect":
                return result(p.connect(fd, address(host, t[2]), 16), host);
            case "listen":
                return result(p.listen(fd, Integer.parseInt(t[2])), host);
            case "accept":
            {
                p.memory().putInt(host.length, 16);
                final int accepted = p.accept4(fd, host.address, host.length,
                    t.length > 3 && t[3].equals("nonblock") ? SocketConstants.SOCK_NONBLOCK : 0);
                fds.put(t[2], accepted);
                owners.put(t[2], host);
                return accepted < 0 ? failure(host) : "fd from " + formatAddress(host);
            }
            case "send":
                return sent(p.send(fd, nextBytes(host, Integer.parseInt(t[2])), Integer.parseInt(t[2]),
                    t.length > 3 ? messageFlags(t[3]) : 0), host);
            case "sendto":
                return sent(p.sendto(fd, nextBytes(host, Integer.parseInt(t[2])), Integer.parseInt(t[2]),
                    t.length > 4 ? messageFlags(t[4]) : 0, address(host, t[3]), 16), host);
            case "recv":
            case "recvfrom":
            case "recvtext":
                return receive(host, fd, t);
            case "poll":
                return poll(host, fd, t);
            case "shutdown":
                return result(p.shutdown(fd, t[2].equals("rd") ? SocketConstants.SHUT_RD :
                    t[2].equals("wr") ? SocketConstants.SHUT_WR : SocketConstants.SHUT_RDWR), host);
            case "close":
                fds.put(t[1], -1);
                return result(p.close(fd), host);
            case "getsockopt":
                return getsockopt(host, fd, t[2]);
            case "setsockopt":
                return t[2].equals("SO_LINGER") ? linger(host, fd, t) : setsockopt(host, fd, t[2], t[3]);
            case "getsockname":
            case "getpeername":
            {
                p.memory().putInt(host.length, 16);
                final int named = t[0].equals("getsockname") ? p.getsockname(fd, host.address, host.length)
                    : p.getpeername(fd, host.address, host.length);
                return named < 0 ? failure(host) : "0 " + formatAddress(host);
            }
            case "fcntl":
                return fcntl(host, fd, t);
            case "ioctl":
            {
                p.memory().putInt(host.value, t.length > 3 ? Integer.parseInt(t[3]) : 0);
                final int request = switch (t[2])
                {
                    case "FIONREAD" -> SocketConstants.FIONREAD;
                    case "SIOCOUTQ" -> SocketConstants.SIOCOUTQ;
                    case "SIOCOUTQNSD" -> SocketConstants.SIOCOUTQNSD;
                    case "SIOCATMARK" -> SocketConstants.SIOCATMARK;
                    case "FIONBIO" -> SocketConstants.FIONBIO;
                    default -> Integer.decode(t[2]);
                };
                return p.ioctl(fd, request, host.value) < 0 ? failure(host) : "0 " + p.memory().getInt(host.value);
            }
            default:
                throw new IllegalArgumentException("unknown step " + String.join(" ", t));
        }
    }

    /**
     * "dontwait|peek" to send/recv flags, as api_runner.c's msg_flags: dontwait, peek, oob, trunc, waitall,
     * dontroute, more.
     */
    private static int messageFlags(final String names)
    {
        int flags = 0;
        for (final String name : names.split("\\|"))
        {
            flags |= switch (name)
            {
                case "dontwait" -> SocketConstants.MSG_DONTWAIT;
                case "peek" -> SocketConstants.MSG_PEEK;
                case "oob" -> SocketConstants.MSG_OOB;
                case "trunc" -> SocketConstants.MSG_TRUNC;
                case "waitall" -> SocketConstants.MSG_WAITALL;
                case "dontroute" -> SocketConstants.MSG_DONTROUTE;
                case "more" -> SocketConstants.MSG_MORE;
                default -> throw new IllegalArgumentException("unknown message flag " + name);
            };
        }
        return flags;
    }

    /** The next {@code n} bytes of the scenario's alphabet, in the host's data buffer. */
    private long nextBytes(final Host host, final int n)
    {
        for (int i = 0; i < Math.min(n, DATA_SIZE); i++)
        {
            host.posix.memory().putByte(host.data + i, (byte) ('a' + Integer.remainderUnsigned(sentSoFar + i, 26)));
        }
        return host.data;
    }

    private String sent(final int result, final Host host)
    {
        sentSoFar += Math.max(result, 0);
        return result(result, host);
    }

    private String receive(final Host host, final int fd, final String[] t)
    {
        final Posix p = host.posix;
        final int flags = t.length > 3 ? messageFlags(t[3]) : 0;
        if (t[0].equals("recv"))
        {
            return result(p.recv(fd, host.data, Integer.parseInt(t[2]), flags), host);
        }
        if (t[0].equals("recvtext"))
        {
            final int size = Integer.parseInt(t[2]);
            final int got = p.recv(fd, host.data, size, flags);
            if (got < 0)
            {
                return failure(host);
            }
            final StringBuilder text = new StringBuilder();
            for (int i = 0; i < ((flags & SocketConstants.MSG_TRUNC) != 0 ? 0 : Math.min(got, size)); i++)
            {
                text.append((char) p.memory().getByte(host.data + i));
            }
            return got + " \"" + text + "\"";
        }
        p.memory().putInt(host.length, 16);
        p.memory().putShort(host.address, (short) SocketConstants.AF_UNSPEC);
        final int got = p.recvfrom(fd, host.data, Integer.parseInt(t[2]), flags, host.address, host.length);
        if (got < 0)
        {
            return failure(host);
        }
        final boolean none = p.memory().getInt(host.length) == 0 ||
            p.memory().getShort(host.address) == SocketConstants.AF_UNSPEC;
        return got + " from " + (none ? "none" : formatAddress(host));
    }

    private String poll(final Host host, final int fd, final String[] t)
    {
        final Posix p = host.posix;
        int events = 0;
        for (final String name : t[2].split("\\|"))
        {
            events |= pollBit(name);
        }
        p.memory().putInt(host.pollFd, fd);
        p.memory().putShort(host.pollFd + 4, (short) events);
        p.memory().putShort(host.pollFd + 6, (short) 0);
        final int ready = p.poll(host.pollFd, 1, Integer.parseInt(t[3]));
        final int revents = ready == 1 ? p.memory().getShort(host.pollFd + 6) & 0xFFFF : 0;
        return ready + " " + SocketConstants.pollBits(revents);
    }

    private static int pollBit(final String name)
    {
        return switch (name)
        {
            case "IN" -> SocketConstants.POLLIN;
            case "OUT" -> SocketConstants.POLLOUT;
            case "RDHUP" -> SocketConstants.POLLRDHUP;
            case "PRI" -> SocketConstants.POLLPRI;
            default -> throw new IllegalArgumentException("unknown poll bit " + name);
        };
    }

    private String getsockopt(final Host host, final int fd, final String name)
    {
        final Posix p = host.posix;
        final int[] option = option(name);
        final boolean info = option[1] == SocketConstants.TCP_INFO && option[0] == SocketConstants.IPPROTO_TCP;
        final boolean congestion = option[1] == SocketConstants.TCP_CONGESTION &&
            option[0] == SocketConstants.IPPROTO_TCP;
        final boolean linger = option[1] == SocketConstants.SO_LINGER && option[0] == SocketConstants.SOL_SOCKET;
        final boolean timeval = option[0] == SocketConstants.SOL_SOCKET &&
            (option[1] == SocketConstants.SO_RCVTIMEO || option[1] == SocketConstants.SO_SNDTIMEO);
        p.memory().putInt(host.length, info ? TCP_INFO_SIZE : congestion ? SocketConstants.TCP_CA_NAME_MAX :
            linger ? 8 : timeval ? 16 : 4);
        for (int i = 0; i < TCP_INFO_SIZE; i++)
        {
            p.memory().putByte(host.value + i, (byte) 0);
        }
        if (p.getsockopt(fd, option[0], option[1], host.value, host.length) < 0)
        {
            return failure(host);
        }
        final int value = p.memory().getInt(host.value);
        if (timeval)
        {
            return "0 " + p.memory().getLong(host.value) + " " + p.memory().getLong(host.value + 8);
        }
        if (linger)
        {
            return "0 " + value + " " + p.memory().getInt(host.value + 4);
        }
        if (congestion)
        {
            final StringBuilder text = new StringBuilder("0 ");
            for (int i = 0; i < SocketConstants.TCP_CA_NAME_MAX && p.memory().getByte(host.value + i) != 0; i++)
            {
                text.append((char) p.memory().getByte(host.value + i));
            }
            return text.toString();
        }
        if (option[1] == SocketConstants.SO_ERROR && option[0] == SocketConstants.SOL_SOCKET)
        {
            return "0 " + (value == 0 ? "0" : Errno.name(value));
        }
        if (info)
        {
            // struct tcp_info (include/uapi/linux/tcp.h): u8 state @0, retransmits @2, backoff @4; u32 rto @8,
            // snd_mss @16, snd_ssthresh @76, snd_cwnd @80.
            return "0 state=" + u8(p, host.value) + " retransmits=" + u8(p, host.value + 2) + " backoff=" +
                u8(p, host.value + 4) + " rto=" + Integer.toUnsignedLong(p.memory().getInt(host.value + 8)) / 100_000 +
                "x100ms snd_mss=" + p.memory().getInt(host.value + 16) + " snd_cwnd=" +
                p.memory().getInt(host.value + 80) + " snd_ssthresh=" +
                Integer.toUnsignedLong(p.memory().getInt(host.value + 76));
        }
        return "0 " + value;
    }

    /** setsockopt SO_LINGER ON [SECONDS]: a {@code struct linger}. */
    private String linger(final Host host, final int fd, final String[] t)
    {
        final Posix p = host.posix;
        p.memory().putInt(host.value, Integer.parseInt(t[3]));
        p.memory().putInt(host.value + 4, t.length > 4 ? Integer.parseInt(t[4]) : 0);
        return result(p.setsockopt(fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_LINGER, host.value, 8), host);
    }

    private static int u8(final Posix p, final long at)
    {
        return p.memory().getByte(at) & 0xFF;
    }

    private String setsockopt(final Host host, final int fd, final String name, final String text)
    {
        final Posix p = host.posix;
        final int[] option = option(name);
        if (option[0] == SocketConstants.IPPROTO_TCP && option[1] == SocketConstants.TCP_CONGESTION)
        {
            for (int i = 0; i < text.length(); i++)
            {
                p.memory().putByte(host.value + i, (byte) text.charAt(i));
            }
            return result(p.setsockopt(fd, option[0], option[1], host.value, text.length()), host);
        }
        final int value = Integer.parseInt(text);
        if (option[0] == SocketConstants.SOL_SOCKET &&
            (option[1] == SocketConstants.SO_RCVTIMEO || option[1] == SocketConstants.SO_SNDTIMEO))
        {
            p.memory().putLong(host.value, value / 1000);
            p.memory().putLong(host.value + 8, (value % 1000) * 1000L);
            return result(p.setsockopt(fd, option[0], option[1], host.value, 16), host);
        }
        p.memory().putInt(host.value, value);
        return result(p.setsockopt(fd, option[0], option[1], host.value, 4), host);
    }

    private static int[] option(final String name)
    {
        return switch (name)
        {
            case "SO_ERROR" -> new int[] {SocketConstants.SOL_SOCKET, SocketConstants.SO_ERROR};
            case "IP_TOS" -> new int[] {SocketConstants.IPPROTO_IP, SocketConstants.IP_TOS};
            case "IP_TTL" -> new int[] {SocketConstants.IPPROTO_IP, SocketConstants.IP_TTL};
            case "SO_TYPE" -> new int[] {SocketConstants.SOL_SOCKET, SocketConstants.SO_TYPE};
            case "SO_REUSEADDR" -> new int[] {SocketConstants.SOL_SOCKET, SocketConstants.SO_REUSEADDR};
            case "SO_BROADCAST" -> new int[] {SocketConstants.SOL_SOCKET, SocketConstants.SO_BROADCAST};
            case "SO_SNDBUF" -> new int[] {SocketConstants.SOL_SOCKET, SocketConstants.SO_SNDBUF};
            case "SO_RCVBUF" -> new int[] {SocketConstants.SOL_SOCKET, SocketConstants.SO_RCVBUF};
            case "SO_RCVTIMEO" -> new int[] {SocketConstants.SOL_SOCKET, SocketConstants.SO_RCVTIMEO};
            case "SO_SNDTIMEO" -> new int[] {SocketConstants.SOL_SOCKET, SocketConstants.SO_SNDTIMEO};
            case "SO_KEEPALIVE" -> new int[] {SocketConstants.SOL_SOCKET, SocketConstants.SO_KEEPALIVE};
            case "SO_LINGER" -> new int[] {SocketConstants.SOL_SOCKET, SocketConstants.SO_LINGER};
            case "TCP_NODELAY" -> new int[] {SocketConstants.IPPROTO_TCP, SocketConstants.TCP_NODELAY};
            case "TCP_MAXSEG" -> new int[] {SocketConstants.IPPROTO_TCP, SocketConstants.TCP_MAXSEG};
            case "TCP_INFO" -> new int[] {SocketConstants.IPPROTO_TCP, SocketConstants.TCP_INFO};
            case "TCP_KEEPIDLE" -> new int[] {SocketConstants.IPPROTO_TCP, SocketConstants.TCP_KEEPIDLE};
            case "TCP_KEEPINTVL" -> new int[] {SocketConstants.IPPROTO_TCP, SocketConstants.TCP_KEEPINTVL};
            case "TCP_KEEPCNT" -> new int[] {SocketConstants.IPPROTO_TCP, SocketConstants.TCP_KEEPCNT};
            case "TCP_SYNCNT" -> new int[] {SocketConstants.IPPROTO_TCP, SocketConstants.TCP_SYNCNT};
            case "TCP_USER_TIMEOUT" -> new int[] {SocketConstants.IPPROTO_TCP, SocketConstants.TCP_USER_TIMEOUT};
            case "TCP_QUICKACK" -> new int[] {SocketConstants.IPPROTO_TCP, SocketConstants.TCP_QUICKACK};
            case "TCP_CORK" -> new int[] {SocketConstants.IPPROTO_TCP, SocketConstants.TCP_CORK};
            case "TCP_CONGESTION" -> new int[] {SocketConstants.IPPROTO_TCP, SocketConstants.TCP_CONGESTION};
            case "TCP_LINGER2" -> new int[] {SocketConstants.IPPROTO_TCP, SocketConstants.TCP_LINGER2};
            case "TCP_DEFER_ACCEPT" -> new int[] {SocketConstants.IPPROTO_TCP, SocketConstants.TCP_DEFER_ACCEPT};
            case "TCP_NOTSENT_LOWAT" -> new int[] {SocketConstants.IPPROTO_TCP, SocketConstants.TCP_NOTSENT_LOWAT};
            case "SO_PRIORITY" -> new int[] {SocketConstants.SOL_SOCKET, SocketConstants.SO_PRIORITY};
            case "SO_RCVLOWAT" -> new int[] {SocketConstants.SOL_SOCKET, SocketConstants.SO_RCVLOWAT};
            case "SO_SNDLOWAT" -> new int[] {SocketConstants.SOL_SOCKET, SocketConstants.SO_SNDLOWAT};
            case "SO_OOBINLINE" -> new int[] {SocketConstants.SOL_SOCKET, SocketConstants.SO_OOBINLINE};
            case "SO_DONTROUTE" -> new int[] {SocketConstants.SOL_SOCKET, SocketConstants.SO_DONTROUTE};
            case "SO_REUSEPORT" -> new int[] {SocketConstants.SOL_SOCKET, SocketConstants.SO_REUSEPORT};
            case "UDP_CORK" -> new int[] {SocketConstants.IPPROTO_UDP, SocketConstants.UDP_CORK};
            case "SO_ACCEPTCONN" -> new int[] {SocketConstants.SOL_SOCKET, SocketConstants.SO_ACCEPTCONN};
            case "SO_PROTOCOL" -> new int[] {SocketConstants.SOL_SOCKET, SocketConstants.SO_PROTOCOL};
            case "SO_DOMAIN" -> new int[] {SocketConstants.SOL_SOCKET, SocketConstants.SO_DOMAIN};
            default -> throw new IllegalArgumentException("unknown option " + name);
        };
    }

    private String fcntl(final Host host, final int fd, final String[] t)
    {
        final Posix p = host.posix;
        if (t[2].equals("getfl"))
        {
            final int flags = p.fcntl(fd, SocketConstants.F_GETFL, 0);
            if (flags < 0)
            {
                return failure(host);
            }
            return ((flags & 3) == SocketConstants.O_RDWR ? "O_RDWR" : "O_ACCMODE?") +
                ((flags & SocketConstants.O_NONBLOCK) != 0 ? "|O_NONBLOCK" : "");
        }
        final int flags = Math.max(0, p.fcntl(fd, SocketConstants.F_GETFL, 0));
        return result(p.fcntl(fd, SocketConstants.F_SETFL, t[3].equals("nonblock") ?
            flags | SocketConstants.O_NONBLOCK : flags & ~SocketConstants.O_NONBLOCK), host);
    }

    private static long address(final Host host, final String text)
    {
        final int colon = text.lastIndexOf(':');
        host.posix.memory().putSockaddrIn(host.address, SocketConstants.AF_INET,
            Ipv4Address.parse(text.substring(0, colon)), Integer.parseInt(text.substring(colon + 1)));
        return host.address;
    }

    /** The sockaddr_in at the host's address buffer as api_runner.c prints it: ephemeral ports as "eph". */
    private static String formatAddress(final Host host)
    {
        final long at = host.address;
        final int port = ((host.posix.memory().getByte(at + 2) & 0xFF) << 8) |
            (host.posix.memory().getByte(at + 3) & 0xFF);
        final int ip = Integer.reverseBytes(host.posix.memory().getInt(at + 4));
        return Ipv4Address.format(ip) + ":" + (port >= 32768 ? "eph" : Integer.toString(port));
    }

    private static String result(final int value, final Host host)
    {
        return value < 0 ? failure(host) : Integer.toString(value);
    }

    private static String failure(final Host host)
    {
        return "-1 " + Errno.name(host.posix.errno());
    }
}
