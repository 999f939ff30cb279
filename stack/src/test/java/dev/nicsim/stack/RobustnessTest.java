package dev.nicsim.stack;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.api.ErrnoException;
import dev.nicsim.stack.api.TcpConnection;
import dev.nicsim.stack.api.TcpListener;
import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.posix.Posix;
import org.junit.jupiter.api.Test;

import static dev.nicsim.stack.TwoHosts.B;
import static dev.nicsim.stack.TwoHosts.address;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Steady-state allocation: the handshake (connect, accept, abortive close) and the Java API's byte[] send and receive
 * allocate nothing.
 */
class RobustnessTest
{
    @Test
    void handshakeConnectAcceptAbortAllocatesNothingInSteadyState()
    {
        final TwoHosts hosts = new TwoHosts();
        final int listener = hosts.listenOnB(80);
        final Posix pa = hosts.pa;
        final Posix pb = hosts.pb;
        final long to = address(pa, B, 80);
        final long linger = pa.memory().allocate(8);
        pa.memory().putInt(linger, 1);
        pa.memory().putInt(linger + 4, 0);
        final Runnable cycle = () ->
        {
            final int fd = pa.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0);
            if (pa.connect(fd, to, 16) != 0)
            {
                throw new AssertionError("connect: " + Errno.name(pa.errno()));
            }
            final int conn = pb.accept(listener, 0, 0);
            pa.setsockopt(fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_LINGER, linger, 8);
            pa.close(fd);
            hosts.sim.run(hosts.sim.now() + Time.US * 100);
            pb.close(conn);
        };
        final long bytes = SteadyState.leastBytes(20_000, () ->
        {
            for (int i = 0; i < 100; i++)
            {
                cycle.run();
            }
        });
        assertEquals(0, bytes, "bytes allocated by 100 connect/accept/abort cycles");
        assertEquals(1, hosts.b.sockets().live(), "only the listener stays open on B");
        assertEquals(0, hosts.a.sockets().live(), "aborted connections leave nothing behind on A");
    }

    @Test
    void javaApiByteArraySendAndReceiveAllocateNothingInSteadyState() throws ErrnoException
    {
        final TwoHosts hosts = new TwoHosts();
        try (TcpListener listener = TcpListener.listen(hosts.b, 0, 80, 16);
             TcpConnection client = TcpConnection.open(hosts.a))
        {
            client.connect(B, 80);
            final TcpConnection server = listener.accept();
            final byte[] out = new byte[1000];
            final byte[] in = new byte[1000];
            final long bytes = SteadyState.leastBytes(2_000, () -> exchange(client, server, out, in));
            assertEquals(0, bytes, "bytes allocated by 10 send/receive rounds with reused arrays");
            server.close();
        }
    }

    /** Ten rounds of 1000 bytes from client to server through the byte[] methods. */
    private static void exchange(final TcpConnection client, final TcpConnection server, final byte[] out,
        final byte[] in)
    {
        try
        {
            for (int round = 0; round < 10; round++)
            {
                client.send(out, 0, out.length);
                int got = 0;
                while (got < in.length)
                {
                    got += server.receive(in, got, in.length - got);
                }
            }
        }
        catch (final ErrnoException e)
        {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
