package dev.nicsim.stack;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.context.StackConfig;
import dev.nicsim.stack.context.SynRetransmitPolicy;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.posix.ProcessMemory;
import dev.nicsim.stack.udp.UdpSocket;
import dev.nicsim.stack.wire.Ipv4Address;
import org.junit.jupiter.api.Test;

import static dev.nicsim.stack.TwoHosts.A;
import static dev.nicsim.stack.TwoHosts.B;
import static dev.nicsim.stack.TwoHosts.address;
import static dev.nicsim.stack.context.SocketConstants.AF_INET;
import static dev.nicsim.stack.context.SocketConstants.SOCK_DGRAM;
import static dev.nicsim.stack.context.SocketConstants.SOCK_STREAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connect scenarios across two real stacks: every errno of connect(2)'s list from its real cause (a real RST, real
 * SYN retries, a real ARP or route failure, a real port table, real argument checks in Linux's order), never from a
 * shortcut. EADDRINUSE is bind()'s, as on Linux.
 */
class EndToEndTest
{
    private final TwoHosts hosts = new TwoHosts();
    private final Posix pa = hosts.pa;
    private final Posix pb = hosts.pb;

    @Test
    void blockingConnectAcceptSendReceiveClose()
    {
        final int listener = hosts.listenOnB(80);
        final int fd = pa.socket(AF_INET, SOCK_STREAM, 0);
        final long start = hosts.sim.now();
        assertEquals(0, pa.connect(fd, address(pa, B, 80), 16), () -> Errno.name(pa.errno()));
        assertTrue(hosts.sim.now() > start, "connect takes simulated time (ARP + one round trip)");
        final int conn = pb.accept(listener, 0, 0);
        assertTrue(conn >= 3, () -> "accept: " + Errno.name(pb.errno()));
        final long buffer = pa.memory().allocate(100_000);
        for (int i = 0; i < 100_000; i++)
        {
            pa.memory().putByte(buffer + i, (byte) (i * 7));
        }
        assertEquals(100_000, pa.send(fd, buffer, 100_000, 0));
        final long in = pb.memory().allocate(100_000);
        int got = 0;
        while (got < 100_000)
        {
            final int n = pb.recv(conn, in + got, 100_000 - got, 0);
            assertTrue(n > 0, () -> "recv: " + Errno.name(pb.errno()));
            got += n;
        }
        for (int i = 0; i < 100_000; i += 997)
        {
            assertEquals((byte) (i * 7), pb.memory().getByte(in + i));
        }
        assertEquals(0, pa.close(fd));
        assertEquals(0, pb.recv(conn, in, 10, 0), "EOF after the peer's FIN");
        assertEquals(0, pb.close(conn));
    }

    @Test
    void connectToClosedPortIsRefusedByARealReset()
    {
        final int fd = pa.socket(AF_INET, SOCK_STREAM, 0);
        assertEquals(-1, pa.connect(fd, address(pa, B, 81), 16));
        assertEquals(Errno.ECONNREFUSED, pa.errno());
        assertEquals(1, hosts.b.stats().resetsSent);
    }

    @Test
    void blockingConnectToSilentHostTimesOutAt131Seconds()
    {
        hosts.firewallTcpToB();
        final int fd = pa.socket(AF_INET, SOCK_STREAM, 0);
        final long start = hosts.sim.now();
        assertEquals(-1, pa.connect(fd, address(pa, B, 80), 16));
        assertEquals(Errno.ETIMEDOUT, pa.errno());
        final long elapsed = hosts.sim.now() - start;
        assertTrue(elapsed >= 131 * Time.S && elapsed < 131 * Time.S + Time.MS, () -> Time.format(elapsed));
    }

    @Test
    void rfc6298ProfileTimesOutAt127Seconds()
    {
        final TwoHosts rfc = new TwoHosts(StackConfig.defaults().withSynPolicy(SynRetransmitPolicy.RFC6298),
            StackConfig.defaults(), 0);
        rfc.firewallTcpToB();
        final int fd = rfc.pa.socket(AF_INET, SOCK_STREAM, 0);
        final long start = rfc.sim.now();
        assertEquals(-1, rfc.pa.connect(fd, address(rfc.pa, B, 80), 16));
        assertEquals(Errno.ETIMEDOUT, rfc.pa.errno());
        final long elapsed = rfc.sim.now() - start;
        assertTrue(elapsed >= 127 * Time.S && elapsed < 127 * Time.S + Time.MS, () -> Time.format(elapsed));
    }

    @Test
    void unansweredArpGivesHostUnreachableAfterThreeSeconds()
    {
        final int fd = pa.socket(AF_INET, SOCK_STREAM, 0);
        final long start = hosts.sim.now();
        assertEquals(-1, pa.connect(fd, address(pa, TwoHosts.SILENT, 80), 16));
        assertEquals(Errno.EHOSTUNREACH, pa.errno());
        final long elapsed = hosts.sim.now() - start;
        assertTrue(elapsed >= 3 * Time.S && elapsed < 3 * Time.S + Time.MS, () -> Time.format(elapsed));
        assertEquals(3, hosts.ethA.arp().requestsSent());
    }

    @Test
    void noRouteIsNetworkUnreachable()
    {
        final TwoHosts noGateway = new TwoHosts();
        final int fd = pb.socket(AF_INET, SOCK_STREAM, 0);
        assertEquals(-1, pb.connect(fd, address(pb, 0x0808_0808, 53), 16));
        assertEquals(Errno.ENETUNREACH, pb.errno());
        assertTrue(noGateway.a != null);
    }

    @Test
    void nonBlockingSequence()
    {
        hosts.listenOnB(80);
        final int fd = pa.socket(AF_INET, SOCK_STREAM, 0);
        assertEquals(0, pa.fcntl(fd, SocketConstants.F_SETFL, SocketConstants.O_NONBLOCK));
        final long to = address(pa, B, 80);
        assertEquals(-1, pa.connect(fd, to, 16));
        assertEquals(Errno.EINPROGRESS, pa.errno());
        assertEquals(-1, pa.connect(fd, to, 16));
        assertEquals(Errno.EALREADY, pa.errno());
        hosts.sim.run(hosts.sim.now() + Time.MS);
        assertEquals(0, pa.connect(fd, to, 16));
        assertEquals(-1, pa.connect(fd, to, 16));
        assertEquals(Errno.EISCONN, pa.errno());
    }

    @Test
    void udpConnectThenPortUnreachableGivesConnectionRefusedOnce()
    {
        final int fd = pa.socket(AF_INET, SOCK_DGRAM, 0);
        assertEquals(0, pa.connect(fd, address(pa, B, 9999), 16));
        final long data = pa.memory().allocate(100);
        assertEquals(100, pa.send(fd, data, 100, 0));
        hosts.sim.run(hosts.sim.now() + Time.MS);
        assertEquals(-1, pa.send(fd, data, 100, 0));
        assertEquals(Errno.ECONNREFUSED, pa.errno());
        assertEquals(100, pa.send(fd, data, 100, 0));
    }
    @Test
    void argumentErrorsComeInLinuxOrder()
    {
        final int fd = pa.socket(AF_INET, SOCK_STREAM, 0);
        final long to = address(pa, B, 80);
        final long pipe = pa.memory().allocate(8);
        assertEquals(0, pa.pipe(pipe));
        final int notSocket = pa.memory().getInt(pipe);
        assertEquals(0, pa.close(fd));
        expect(pa, Errno.EBADF, pa.connect(fd, to, 16), "a closed descriptor");
        expect(pa, Errno.EBADF, pa.connect(-1, 0, 16), "EBADF comes before the address is looked at");
        expect(pa, Errno.EFAULT, pa.connect(notSocket, 0, 16), "NULL is copied in before the fd is asked");
        expect(pa, Errno.EFAULT, pa.connect(notSocket, ProcessMemory.BASE + (1 << 20) - 8, 16),
            "a pointer past the end of the process's memory");
        expect(pa, Errno.ENOTSOCK, pa.connect(notSocket, to, 16), "a pipe");
        expect(pa, Errno.EINVAL, pa.connect(notSocket, to, 129), "longer than sockaddr_storage, before ENOTSOCK");
        final int socket = pa.socket(AF_INET, SOCK_STREAM, 0);
        expect(pa, Errno.EINVAL, pa.connect(socket, to, 15), "shorter than sockaddr_in");
        final long inet6 = pa.memory().allocate(16);
        pa.memory().putSockaddrIn(inet6, SocketConstants.AF_INET6, B, 80);
        expect(pa, Errno.EAFNOSUPPORT, pa.connect(socket, inet6, 16), "AF_INET6 on an AF_INET socket");
        expect(pa, Errno.EAFNOSUPPORT, pa.socket(SocketConstants.AF_INET6, SOCK_STREAM, 0), "socket() too");
        assertEquals(0, hosts.a.stats().segmentsSent, "none of these sent anything");
    }

    @Test
    void connectedAndListeningSocketsSayEisconn()
    {
        final int listener = hosts.listenOnB(80);
        final int fd = pa.socket(AF_INET, SOCK_STREAM, 0);
        final long to = address(pa, B, 80);
        assertEquals(0, pa.connect(fd, to, 16));
        expect(pa, Errno.EISCONN, pa.connect(fd, to, 16), "connect after connected");
        final long inet6 = pa.memory().allocate(16);
        pa.memory().putSockaddrIn(inet6, SocketConstants.AF_INET6, B, 80);
        expect(pa, Errno.EISCONN, pa.connect(fd, inet6, 16), "the state is checked before the family");
        expect(pb, Errno.EISCONN, pb.connect(listener, address(pb, A, 80), 16), "a listening socket");
    }

    @Test
    void udpConnectToTheSubnetBroadcastNeedsSoBroadcast()
    {
        final int receiver = pb.socket(AF_INET, SOCK_DGRAM, 0);
        assertEquals(0, pb.bind(receiver, address(pb, 0, 7000), 16));
        final int fd = pa.socket(AF_INET, SOCK_DGRAM, 0);
        final long broadcast = address(pa, Ipv4Address.parse("10.0.0.255"), 7000);
        expect(pa, Errno.EACCES, pa.connect(fd, broadcast, 16), "broadcast without SO_BROADCAST");
        final long one = pa.memory().allocate(4);
        pa.memory().putInt(one, 1);
        assertEquals(0, pa.setsockopt(fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_BROADCAST, one, 4));
        assertEquals(0, pa.connect(fd, broadcast, 16), () -> Errno.name(pa.errno()));
        final long data = pa.memory().allocate(10);
        assertEquals(10, pa.send(fd, data, 10, 0));
        hosts.sim.run(hosts.sim.now() + Time.MS);
        assertEquals(1, ((UdpSocket) pb.socketOf(receiver)).datagrams, "the broadcast reached B");
        final int stream = pa.socket(AF_INET, SOCK_STREAM, 0);
        expect(pa, Errno.ENETUNREACH, pa.connect(stream, broadcast, 16), "TCP refuses a broadcast route");
    }

    @Test
    void aDuplicateFourTupleIsEaddrnotavail()
    {
        hosts.listenOnB(80);
        final long one = pa.memory().allocate(4);
        pa.memory().putInt(one, 1);
        final long local = address(pa, A, 5000);
        final int first = pa.socket(AF_INET, SOCK_STREAM, 0);
        final int second = pa.socket(AF_INET, SOCK_STREAM, 0);
        for (final int fd : new int[] {first, second})
        {
            assertEquals(0, pa.setsockopt(fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_REUSEADDR, one, 4));
            assertEquals(0, pa.bind(fd, local, 16), () -> Errno.name(pa.errno()));
        }
        assertEquals(0, pa.connect(first, address(pa, B, 80), 16));
        final long sent = hosts.a.stats().segmentsSent;
        expect(pa, Errno.EADDRNOTAVAIL, pa.connect(second, address(pa, B, 80), 16), "the same 4-tuple");
        assertEquals(sent, hosts.a.stats().segmentsSent, "nothing on the wire");
        expect(pa, Errno.ECONNREFUSED, pa.connect(second, address(pa, B, 81), 16),
            "another destination port is another 4-tuple: a real SYN, refused by B");
    }

    @Test
    void ephemeralPortExhaustionIsEaddrnotavail()
    {
        final TwoHosts small = new TwoHosts(StackConfig.defaults().withEphemeralRange(40000, 40001),
            StackConfig.defaults().withSeed(7), 0);
        small.listenOnB(80);
        final long to = address(small.pa, B, 80);
        for (int i = 0; i < 2; i++)
        {
            final int fd = small.pa.socket(AF_INET, SOCK_STREAM, 0);
            assertEquals(0, small.pa.connect(fd, to, 16), () -> Errno.name(small.pa.errno()));
        }
        final int third = small.pa.socket(AF_INET, SOCK_STREAM, 0);
        final long sent = small.a.stats().segmentsSent;
        expect(small.pa, Errno.EADDRNOTAVAIL, small.pa.connect(third, to, 16),
            "both ports hold a connection to B:80");
        assertEquals(sent, small.a.stats().segmentsSent, "nothing on the wire");
        final int udp = small.pa.socket(AF_INET, SOCK_DGRAM, 0);
        assertEquals(0, small.pa.connect(udp, to, 16), "UDP has its own ports");
    }

    @Test
    void aBindConflictIsEaddrinuseFromBindNotConnect()
    {
        final int listener = hosts.listenOnB(80);
        final int fd = pb.socket(AF_INET, SOCK_STREAM, 0);
        expect(pb, Errno.EADDRINUSE, pb.bind(fd, address(pb, 0, 80), 16), "the port of a listener");
        final long one = pb.memory().allocate(4);
        pb.memory().putInt(one, 1);
        assertEquals(0, pb.setsockopt(fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_REUSEADDR, one, 4));
        expect(pb, Errno.EADDRINUSE, pb.bind(fd, address(pb, B, 80), 16),
            "SO_REUSEADDR does not share a listener's port");
        assertEquals(0, pb.close(listener));
        assertEquals(0, pb.bind(fd, address(pb, B, 80), 16), "free again once the listener is closed");
    }

    /** The call failed with {@code errno}. */
    private static void expect(final Posix process, final int errno, final int actual, final String why)
    {
        assertEquals(-1, actual, why);
        assertEquals(Errno.name(errno), Errno.name(process.errno()), why);
    }
}
