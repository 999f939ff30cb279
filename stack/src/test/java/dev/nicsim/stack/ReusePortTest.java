package dev.nicsim.stack;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.posix.Posix;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SO_REUSEPORT: sockets that all set it share a port, bind() and listen() refuse one that does not, and new flows
 * are spread among them by their hash, each flow always to the same socket. Which socket a flow reaches depends on
 * Linux's secret hash there, so the kernel differential can compare only the errnos; this test checks the spreading.
 */
class ReusePortTest
{
    private static final int FLOWS = 32;

    private final TwoHosts hosts = new TwoHosts();
    private final Posix pa = hosts.pa;
    private final Posix pb = hosts.pb;

    @Test
    void listenersThatAllSetItShareThePortAndTheConnections()
    {
        final int first = boundOnB(SocketConstants.SOCK_STREAM, 80, true);
        final int second = boundOnB(SocketConstants.SOCK_STREAM, 80, true);
        TwoHosts.check(pb.listen(first, FLOWS), pb);
        TwoHosts.check(pb.listen(second, FLOWS), pb);
        final int outsider = pb.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0);
        assertEquals(-1, pb.bind(outsider, TwoHosts.address(pb, 0, 80), 16), "a socket without SO_REUSEPORT");
        assertEquals(Errno.EADDRINUSE, pb.errno());

        for (int i = 0; i < FLOWS; i++)
        {
            final int client = pa.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0);
            TwoHosts.check(pa.connect(client, TwoHosts.address(pa, TwoHosts.B, 80), 16), pa);
        }
        hosts.sim.run(hosts.sim.now() + Time.MS);
        final int toFirst = acceptAll(first);
        final int toSecond = acceptAll(second);

        assertEquals(FLOWS, toFirst + toSecond, "each connection went to one listener");
        assertTrue(toFirst > 0 && toSecond > 0, "spread: " + toFirst + " and " + toSecond);
    }

    @Test
    void soReuseaddrDoesNotLetASecondListenerIn()
    {
        final int first = boundOnB(SocketConstants.SOCK_STREAM, 80, false);
        final int second = boundOnB(SocketConstants.SOCK_STREAM, 80, false);
        TwoHosts.check(pb.listen(first, 8), pb);

        assertEquals(-1, pb.listen(second, 8), "inet_csk_listen_start takes the port again");
        assertEquals(Errno.EADDRINUSE, pb.errno());
    }

    @Test
    void datagramsOfOneFlowReachOneSocketAndFlowsSpread()
    {
        final int first = boundOnB(SocketConstants.SOCK_DGRAM, 53, true);
        final int second = boundOnB(SocketConstants.SOCK_DGRAM, 53, true);
        final long data = pa.memory().allocate(8);
        for (int flow = 0; flow < FLOWS; flow++)
        {
            final int sender = pa.socket(SocketConstants.AF_INET, SocketConstants.SOCK_DGRAM, 0);
            for (int datagram = 0; datagram < 3; datagram++)
            {
                assertEquals(8, pa.sendto(sender, data, 8, 0, TwoHosts.address(pa, TwoHosts.B, 53), 16));
            }
        }
        hosts.sim.run(hosts.sim.now() + Time.MS);

        final int toFirst = datagramsFromEachPort(first);
        final int toSecond = datagramsFromEachPort(second);
        assertEquals(3 * FLOWS, toFirst + toSecond);
        assertTrue(toFirst > 0 && toSecond > 0, "spread: " + toFirst + " and " + toSecond);
    }

    /** A non-blocking socket of {@code type} on B bound to {@code port}, with SO_REUSEPORT or SO_REUSEADDR. */
    private int boundOnB(final int type, final int port, final boolean reusePort)
    {
        final int fd = pb.socket(SocketConstants.AF_INET, type | SocketConstants.SOCK_NONBLOCK, 0);
        TwoHosts.setIntOption(pb, fd, SocketConstants.SOL_SOCKET,
            reusePort ? SocketConstants.SO_REUSEPORT : SocketConstants.SO_REUSEADDR, 1);
        TwoHosts.check(pb.bind(fd, TwoHosts.address(pb, 0, port), 16), pb);
        return fd;
    }

    private int acceptAll(final int listener)
    {
        int accepted = 0;
        while (pb.accept(listener, 0, 0) >= 0)
        {
            accepted++;
        }
        assertEquals(Errno.EAGAIN, pb.errno());
        return accepted;
    }

    /** Reads every datagram waiting on {@code fd}, requiring three from each sender's port: a flow is not split. */
    private int datagramsFromEachPort(final int fd)
    {
        final long buffer = pb.memory().allocate(8);
        final long from = pb.memory().allocate(16);
        final long length = pb.memory().allocate(4);
        final java.util.Map<Integer, Integer> perPort = new java.util.HashMap<>();
        int read = 0;
        while (true)
        {
            pb.memory().putInt(length, 16);
            if (pb.recvfrom(fd, buffer, 8, 0, from, length) < 0)
            {
                break;
            }
            read++;
            final int port = (pb.memory().getByte(from + 2) & 0xFF) << 8 | pb.memory().getByte(from + 3) & 0xFF;
            perPort.merge(port, 1, Integer::sum);
        }
        perPort.forEach((port, count) -> assertEquals(3, count, "datagrams from port " + port));
        return read;
    }
}
