package dev.nicsim.stack;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.socket.Errno;
import dev.nicsim.stack.socket.SocketConstants;
import dev.nicsim.stack.socket.StackConfig;
import dev.nicsim.stack.tcp.SynRetransmitPolicy;
import org.junit.jupiter.api.Test;

import static dev.nicsim.stack.TwoHosts.A;
import static dev.nicsim.stack.TwoHosts.B;
import static dev.nicsim.stack.TwoHosts.address;
import static dev.nicsim.stack.socket.SocketConstants.AF_INET;
import static dev.nicsim.stack.socket.SocketConstants.SOCK_DGRAM;
import static dev.nicsim.stack.socket.SocketConstants.SOCK_STREAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connect scenarios across two real stacks: every errno from its real cause. */
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
        final TwoHosts rfc = new TwoHosts(StackConfig.defaults().synPolicy(SynRetransmitPolicy.RFC6298),
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
}
