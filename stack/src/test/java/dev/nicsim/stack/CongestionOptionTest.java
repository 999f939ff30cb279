package dev.nicsim.stack;

import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.tcp.TcpSocket;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * TCP_CONGESTION: a connection runs the algorithm its socket names, whatever the stack's default, and an accepted
 * one its listener's. The kernel differential compares the names and errnos; this test compares what the
 * algorithms do with one loss.
 */
class CongestionOptionTest
{
    private static final int PORT = 80;
    private static final int BYTES = 20 * 1448;

    @Test
    void aSocketRunsTheAlgorithmItNames()
    {
        final int cubic = ssthreshAfterOneLoss(null);
        final int reno = ssthreshAfterOneLoss("reno");

        // The same flight at the loss: CUBIC keeps beta_cubic (0.7) of it, Reno half (tcp_reno_ssthresh).
        assertEquals(0.5 / 0.7, reno / (double) cubic, 0.02, "ssthresh: reno " + reno + ", cubic " + cubic);
    }

    @Test
    void theNameReadsBackAnUnknownOneIsRefusedAndAcceptedSocketsInheritIt()
    {
        final TwoHosts hosts = new TwoHosts();
        final int listener = hosts.pb.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0);
        assertEquals("cubic", name(hosts.pb, listener), "the stack's default");
        assertEquals(0, setName(hosts.pb, listener, "reno"));
        assertEquals(-1, setName(hosts.pb, listener, "bbr"), "not an algorithm nicsim has");
        assertEquals(Errno.ENOENT, hosts.pb.errno());
        assertEquals("reno", name(hosts.pb, listener));
        TwoHosts.check(hosts.pb.bind(listener, TwoHosts.address(hosts.pb, 0, PORT), 16), hosts.pb);
        TwoHosts.check(hosts.pb.listen(listener, 8), hosts.pb);
        final int client = hosts.pa.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0);
        TwoHosts.check(hosts.pa.connect(client, TwoHosts.address(hosts.pa, TwoHosts.B, PORT), 16), hosts.pa);

        assertEquals("reno", name(hosts.pb, hosts.pb.accept(listener, 0, 0)));
        assertEquals("cubic", name(hosts.pa, client));
    }

    /** ssthresh after A sends 20 segments to B, the second lost, with A's socket running {@code algorithm}. */
    private static int ssthreshAfterOneLoss(final String algorithm)
    {
        final TwoHosts hosts = new TwoHosts();
        final int listener = hosts.listenOnB(PORT);
        final int client = hosts.pa.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0);
        if (algorithm != null)
        {
            TwoHosts.check(setName(hosts.pa, client, algorithm), hosts.pa);
        }
        TwoHosts.check(hosts.pa.connect(client, TwoHosts.address(hosts.pa, TwoHosts.B, PORT), 16), hosts.pa);
        final int server = hosts.pb.accept(listener, 0, 0);
        hosts.loseDataSegmentsToB(2);
        final long data = hosts.pa.memory().allocate(BYTES);
        assertEquals(BYTES, hosts.pa.send(client, data, BYTES, 0));
        final long in = hosts.pb.memory().allocate(BYTES);
        int received = 0;
        while (received < BYTES)
        {
            received += hosts.pb.recv(server, in, BYTES, 0);
        }
        assertEquals(1, hosts.a.stats().retransmissions, "one loss, recovered by one retransmission");
        return ((TcpSocket) hosts.pa.socketOf(client)).tcb.ssthresh;
    }

    private static int setName(final Posix process, final int fd, final String name)
    {
        final long at = process.memory().allocate(name.length());
        for (int i = 0; i < name.length(); i++)
        {
            process.memory().putByte(at + i, (byte) name.charAt(i));
        }
        return process.setsockopt(fd, SocketConstants.IPPROTO_TCP, SocketConstants.TCP_CONGESTION, at,
            name.length());
    }

    private static String name(final Posix process, final int fd)
    {
        final long value = process.memory().allocate(SocketConstants.TCP_CA_NAME_MAX);
        final long length = process.memory().allocate(4);
        process.memory().putInt(length, SocketConstants.TCP_CA_NAME_MAX);
        TwoHosts.check(process.getsockopt(fd, SocketConstants.IPPROTO_TCP, SocketConstants.TCP_CONGESTION, value,
            length), process);
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < process.memory().getInt(length) && process.memory().getByte(value + i) != 0; i++)
        {
            text.append((char) process.memory().getByte(value + i));
        }
        return text.toString();
    }
}
