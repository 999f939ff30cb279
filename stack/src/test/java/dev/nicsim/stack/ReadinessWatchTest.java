package dev.nicsim.stack;

import dev.nicsim.hw.eth.EthernetConfig;
import dev.nicsim.hw.host.CpuCosts;
import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.context.StackConfig;
import dev.nicsim.stack.device.NetDevice;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.posix.ReadinessHandler;
import dev.nicsim.stack.wire.Bytes;
import dev.nicsim.stack.wire.TcpSegment;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.nicsim.stack.TwoHosts.B;
import static dev.nicsim.stack.TwoHosts.address;
import static dev.nicsim.stack.context.SocketConstants.AF_INET;
import static dev.nicsim.stack.context.SocketConstants.POLLIN;
import static dev.nicsim.stack.context.SocketConstants.POLLOUT;
import static dev.nicsim.stack.context.SocketConstants.SOCK_DGRAM;
import static dev.nicsim.stack.context.SocketConstants.SOCK_NONBLOCK;
import static dev.nicsim.stack.context.SocketConstants.SOCK_STREAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Readiness watches: an event-driven daytime server on B (accept loop, send, close, re-arm) serves a blocking client
 * on A, with the handler's timing exact to the picosecond and nothing allocated in steady state.
 */
class ReadinessWatchTest
{
    private static final int PORT = 13;
    private static final String DAYTIME = "Thu Jan  1 00:00:00 1970\r\n";

    private final TwoHosts hosts = new TwoHosts();
    private final Posix pa = hosts.pa;
    private final Posix pb = hosts.pb;
    private final CpuCosts costs = CpuCosts.defaults();

    /** The demo's daytime server, event-driven: created once, re-armed after every wake-up. */
    private final class DaytimeServer implements ReadinessHandler
    {
        private final long reply = pb.memory().allocate(DAYTIME.length());
        private int listener;
        private int served;
        private long firstWakeUp = -1;

        DaytimeServer()
        {
            for (int i = 0; i < DAYTIME.length(); i++)
            {
                pb.memory().putByte(reply + i, (byte) DAYTIME.charAt(i));
            }
        }

        void start()
        {
            listener = pb.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            TwoHosts.check(pb.bind(listener, address(pb, 0, PORT), 16), pb);
            TwoHosts.check(pb.listen(listener, 16), pb);
            TwoHosts.check(pb.watch(listener, POLLIN, this), pb);
        }

        @Override
        public void ready(final int fd, final int revents)
        {
            if (firstWakeUp < 0)
            {
                firstWakeUp = hosts.sim.now();
            }
            int conn;
            while ((conn = pb.accept4(fd, 0, 0, SOCK_NONBLOCK)) >= 0)
            {
                if (pb.send(conn, reply, DAYTIME.length(), 0) != DAYTIME.length() || pb.close(conn) != 0)
                {
                    throw new AssertionError("daytime server: " + Errno.name(pb.errno()));
                }
                served++;
            }
            if (pb.errno() != Errno.EAGAIN || pb.watch(fd, POLLIN, this) != 0)
            {
                throw new AssertionError("daytime server: " + Errno.name(pb.errno()));
            }
        }
    }

    @Test
    void anEventDrivenServerServesABlockingClientOnTime()
    {
        final List<long[]> wire = new ArrayList<>();
        hosts.pair.link().addTap((direction, time, frame, offset, length) -> wire.add(new long[] {
            direction.endsWith("a") ? 'a' : 'b', time, length, length > 47 ? Bytes.u8(frame, offset + 47) : 0,
            TwoHosts.isTcpData(frame, offset) ? 1 : 0}));
        final DaytimeServer server = new DaytimeServer();
        server.start();
        assertEquals(DAYTIME, daytime(), "the client reads the reply, then the server's FIN");
        assertEquals(1, server.served);

        // The handshake's last ACK reaches B; B's stack takes it (receive cost), the listener becomes readable, and
        // the handler wakes (wake-up cost). Its accept and send are two system calls, the send builds one segment,
        // and the flush at the end of the send puts it on the wire, behind the preamble. The send copies the reply in.
        final EthernetConfig link = hosts.pair.link().config();
        final long[] ack = find(wire, 'a', TcpSegment.ACK, false);
        final long ackArrives = ack[1] + Math.max(ack[2], EthernetConfig.MIN_FRAME_BYTES) * link.psPerByte() +
            link.propagationPs();
        assertEquals(ackArrives + costs.stackRxPacketPs() + costs.wakeupPs(), server.firstWakeUp,
            "the handler runs a receive cost and a wake-up after the connection is established");
        final long[] reply = find(wire, 'b', -1, true);
        assertEquals(server.firstWakeUp + 2 * costs.syscallPs() + costs.copyPs(DAYTIME.length()) +
            costs.stackTxPacketPs() + EthernetConfig.PREAMBLE_AND_SFD_BYTES * link.psPerByte(), reply[1], "the reply leaves at once");

        assertEquals(DAYTIME, daytime());
        assertEquals(DAYTIME, daytime());
        assertEquals(3, server.served, "one wake-up per connection, the watch re-armed each time");
    }

    @Test
    void armingAndDeliveringAllocateNothing()
    {
        // The server closes first, so its side of each connection waits in TIME_WAIT: 1 ms here instead of 60 s,
        // so that the pool of sockets stops growing and the measurement sees the steady state.
        final TwoHosts quick = new TwoHosts(StackConfig.defaults(),
            StackConfig.defaults().withSeed(7).withTimeWaitPs(Time.MS),
            NetDevice.FEATURE_TX_CHECKSUM | NetDevice.FEATURE_RX_CHECKSUM);
        final Posix client = quick.pa;
        final Posix server = quick.pb;
        final long reply = server.memory().allocate(32);
        final int listener = server.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        TwoHosts.check(server.bind(listener, address(server, 0, PORT), 16), server);
        TwoHosts.check(server.listen(listener, 16), server);
        final ReadinessHandler handler = new ReadinessHandler()
        {
            @Override
            public void ready(final int fd, final int revents)
            {
                int conn;
                while ((conn = server.accept4(fd, 0, 0, SOCK_NONBLOCK)) >= 0)
                {
                    server.send(conn, reply, 32, 0);
                    server.close(conn);
                }
                server.watch(fd, POLLIN, this);
            }
        };
        TwoHosts.check(server.watch(listener, POLLIN, handler), server);
        final long buffer = client.memory().allocate(64);
        final long to = address(client, B, PORT);
        final long bytes = SteadyState.leastBytes(1_000, () ->
        {
            for (int i = 0; i < 20; i++)
            {
                final int fd = client.socket(AF_INET, SOCK_STREAM, 0);
                client.connect(fd, to, 16);
                while (client.recv(fd, buffer, 64, 0) > 0)
                {
                    continue;
                }
                client.close(fd);
                quick.sim.run(quick.sim.now() + 2 * Time.MS);
            }
        });
        assertEquals(0, bytes, "bytes allocated by 20 connections to the event-driven server");
        assertEquals(1, quick.b.sockets().live(), "only the listener is left on the server");
    }

    @Test
    void aBlockingCallInsideAHandlerFailsWithAClearMessage()
    {
        final int listener = pb.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        TwoHosts.check(pb.bind(listener, address(pb, 0, PORT), 16), pb);
        TwoHosts.check(pb.listen(listener, 16), pb);
        final long buffer = pb.memory().allocate(16);
        // accept() without SOCK_NONBLOCK gives a blocking socket; recv on it with nothing to read would wait.
        TwoHosts.check(pb.watch(listener, POLLIN, (fd, revents) -> pb.recv(pb.accept(fd, 0, 0), buffer, 16, 0)), pb);
        final int client = pa.socket(AF_INET, SOCK_STREAM, 0);
        final IllegalStateException failure = assertThrows(IllegalStateException.class, () ->
        {
            pa.connect(client, address(pa, B, PORT), 16);
            hosts.sim.run(hosts.sim.now() + Time.MS);
        });
        assertTrue(failure.getMessage().contains("may only make non-blocking calls"), failure.getMessage());
    }

    /**
     * A call made outside events lets the simulation catch up before it returns, so a handler of the same process can
     * run inside it. The handler's own failed calls must not change the errno that call returns with (found as two of
     * sixteen perf clients on one core reading a handler's EAGAIN as their connect()'s failure).
     */
    @Test
    void aHandlerRunningInsideACallLeavesThatCallsErrno()
    {
        final int datagram = pa.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        final long buffer = pa.memory().allocate(16);
        final int[] handlerErrno = {0};
        // Armed from inside an event, so the handler is due now but has not run when the connect below begins.
        hosts.sim.schedule(new Event("arm", Component.TIMER, () -> TwoHosts.check(pa.watch(datagram, POLLOUT,
            (fd, revents) ->
            {
                pa.recv(fd, buffer, 16, 0);
                handlerErrno[0] = pa.errno();
            }), pa)), hosts.sim.now());
        final int client = pa.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

        assertEquals(-1, pa.connect(client, address(pa, B, PORT), 16));
        assertEquals(Errno.EAGAIN, handlerErrno[0], "the handler ran inside connect() and its recv() failed");
        assertEquals(Errno.EINPROGRESS, pa.errno(), "connect()'s own errno");
    }

    @Test
    void watchChecksItsArguments()
    {
        final int fd = pb.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        TwoHosts.check(pb.bind(fd, address(pb, 0, PORT), 16), pb);
        TwoHosts.check(pb.listen(fd, 16), pb);
        final ReadinessHandler nothing = (ready, revents) -> { };
        assertEquals(-1, pb.watch(99, POLLIN, nothing));
        assertEquals(Errno.EBADF, pb.errno());
        assertEquals(-1, pb.watch(0, POLLIN, nothing));
        assertEquals(Errno.ENOTSOCK, pb.errno());
        assertEquals(-1, pb.watch(fd, 0, nothing));
        assertEquals(Errno.EINVAL, pb.errno());
        assertEquals(-1, pb.unwatch(fd));
        assertEquals(Errno.ENOENT, pb.errno());
        // A listener with no connection waiting is not ready: the watch stays armed.
        assertEquals(0, pb.watch(fd, POLLIN, nothing));
        assertEquals(-1, pb.watch(fd, POLLIN, nothing));
        assertEquals(Errno.EEXIST, pb.errno());
        assertEquals(0, pb.unwatch(fd));
    }

    /** A blocking client on A: connects to the daytime port and reads until the server closes. */
    private String daytime()
    {
        final int fd = pa.socket(AF_INET, SOCK_STREAM, 0);
        TwoHosts.check(pa.connect(fd, address(pa, B, PORT), 16), pa);
        final long buffer = pa.memory().allocate(64);
        final StringBuilder text = new StringBuilder();
        int n;
        while ((n = pa.recv(fd, buffer, 64, 0)) > 0)
        {
            for (int i = 0; i < n; i++)
            {
                text.append((char) pa.memory().getByte(buffer + i));
            }
        }
        assertEquals(0, n, () -> "recv: " + Errno.name(pa.errno()));
        assertEquals(0, pa.close(fd));
        return text.toString();
    }

    /** The first frame from {@code side} with exactly {@code flags} (or any, for -1) and with or without data. */
    private static long[] find(final List<long[]> wire, final char side, final int flags, final boolean data)
    {
        for (final long[] frame : wire)
        {
            if (frame[0] == side && (flags < 0 || frame[3] == flags) && (frame[4] == 1) == data)
            {
                return frame;
            }
        }
        throw new AssertionError("no such frame from " + side);
    }
}
