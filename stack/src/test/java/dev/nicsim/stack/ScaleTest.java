package dev.nicsim.stack;

import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.context.StackConfig;
import dev.nicsim.stack.device.FrameReceiver;
import dev.nicsim.stack.device.NetDevice;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.wire.Checksum;
import dev.nicsim.stack.wire.DropReason;
import dev.nicsim.stack.wire.EthernetFrame;
import dev.nicsim.stack.wire.Ipv4Address;
import dev.nicsim.stack.wire.Ipv4Packet;
import dev.nicsim.stack.wire.TcpSegment;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;

import static dev.nicsim.stack.TwoHosts.B;
import static dev.nicsim.stack.TwoHosts.address;
import static dev.nicsim.stack.context.SocketConstants.AF_INET;
import static dev.nicsim.stack.context.SocketConstants.SOCK_STREAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stack at scale: many concurrent connections in little memory, a SYN flood against a small backlog, and running
 * out of descriptors, sockets and buffer memory, each with the errno Linux gives and the simulation going on.
 *
 * <p>{@code -Dnicsim.scale.connections=100000} runs the concurrent-connections test at 100,000 (the figure in
 * docs/PERFORMANCE.md); {@code mvn verify} runs it at 10,000.
 */
class ScaleTest
{
    private static final int CONNECTIONS = Integer.getInteger("nicsim.scale.connections", 10_000);
    /**
     * Listening ports: a client address has 28,232 ephemeral ports per destination (ip_local_port_range), and
     * connect() tries the even half first (__inet_hash_connect), so each destination is kept below 14,116.
     */
    private static final int SERVER_PORTS = 10;
    private static final int FIRST_PORT = 8000;

    private static StackConfig large(final long seed)
    {
        return StackConfig.defaults().withSeed(seed).withOpenFilesPerProcess(CONNECTIONS + 64);
    }

    /**
     * {@link #CONNECTIONS} connections open at once between A and B, each checked by a one-byte echo, and what they
     * cost: heap allocated while opening them (an upper bound of what they keep) plus socket buffer memory held,
     * both ends together, per connection.
     */
    @Test
    void manyConcurrentConnectionsEachEchoOneByteInAtMostFourKibEach()
    {
        final TwoHosts hosts = new TwoHosts(large(1), large(7),
            NetDevice.FEATURE_TX_CHECKSUM | NetDevice.FEATURE_RX_CHECKSUM);
        final Posix pa = hosts.pa;
        final Posix pb = hosts.pb;
        final int[] listeners = new int[SERVER_PORTS];
        final long[] servers = new long[SERVER_PORTS];
        for (int i = 0; i < SERVER_PORTS; i++)
        {
            listeners[i] = listen(pb, FIRST_PORT + i, 128);
            servers[i] = address(pa, B, FIRST_PORT + i);
        }
        final long byteA = pa.memory().allocate(1);
        final long byteB = pb.memory().allocate(1);
        final int[] clients = new int[CONNECTIONS];
        final int[] accepted = new int[CONNECTIONS];
        final var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < CONNECTIONS; i++)
        {
            clients[i] = pa.socket(AF_INET, SOCK_STREAM, 0);
            assertTrue(clients[i] >= 0, () -> "socket: " + Errno.name(pa.errno()));
            final int n = i;
            assertEquals(0, pa.connect(clients[i], servers[i % SERVER_PORTS], 16),
                () -> "connect " + n + ": " + Errno.name(pa.errno()));
            accepted[i] = pb.accept(listeners[i % SERVER_PORTS], 0, 0);
            assertTrue(accepted[i] >= 0, () -> "accept " + n + ": " + Errno.name(pb.errno()));
            pa.memory().putByte(byteA, (byte) i);
            assertEquals(1, pa.send(clients[i], byteA, 1, 0));
            assertEquals(1, pb.recv(accepted[i], byteB, 1, 0));
            assertEquals(1, pb.send(accepted[i], byteB, 1, 0));
            assertEquals(1, pa.recv(clients[i], byteA, 1, 0));
            assertEquals((byte) i, pa.memory().getByte(byteA), "the echo brings the byte back");
        }
        final long heap = threads.getCurrentThreadAllocatedBytes() - before;
        final long buffers = hosts.a.sockets().memory().charged() + hosts.b.sockets().memory().charged();
        assertEquals(CONNECTIONS, hosts.a.sockets().live());
        assertEquals(CONNECTIONS + SERVER_PORTS, hosts.b.sockets().live());
        assertEquals(0, hosts.a.stats().retransmissions + hosts.b.stats().retransmissions, "no segment was lost");
        final long perConnection = (heap + buffers) / CONNECTIONS;
        System.out.printf("%d connections: %d B heap allocated, %d B socket buffers held, %d B per connection%n",
            CONNECTIONS, heap, buffers, perConnection);
        assertEquals(0, buffers, "an idle connection holds no buffer memory");
        assertTrue(perConnection <= 4096, () -> perConnection + " bytes per connection");

        // The clients close first: each connection ends as a TIME_WAIT record on A, its socket back in the pool.
        final long closing = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < CONNECTIONS; i++)
        {
            assertEquals(0, pa.close(clients[i]));
            assertEquals(0, pb.recv(accepted[i], byteB, 1, 0), "the client's FIN");
            assertEquals(0, pb.close(accepted[i]));
        }
        hosts.sim.run(hosts.sim.now() + Time.S);
        final long timeWait = (threads.getCurrentThreadAllocatedBytes() - closing) / CONNECTIONS;
        System.out.printf("%d connections closed: %d B allocated per TIME_WAIT%n", CONNECTIONS, timeWait);
        assertEquals(CONNECTIONS, hosts.a.tcp().timeWaits());
        assertEquals(0, hosts.a.sockets().live(), "TIME_WAIT holds no socket");
        assertTrue(timeWait <= 512, () -> timeWait + " bytes per TIME_WAIT");
    }

    /**
     * 1,000,000 spoofed SYNs against a listener with backlog 128, each arriving 78.4 ns (10 Gb/s line rate for its
     * frame) after B's CPU finished the one before (B's modelled per-packet receive cost, not the wire, sets the
     * pace: about 1.3 million a second): the SYN queue fills at once and SYN cookies answer the rest, so a real
     * client's connect() completes with its first SYN while the flood goes on, and B keeps no more than the
     * backlog in requests ({@code inet_csk_reqsk_queue_is_full}: backlog + 1).
     */
    @Test
    void aSynFloodAtLineRateDoesNotKeepALegitimateConnectWaiting()
    {
        final TwoHosts hosts = new TwoHosts();
        final int listener = listen(hosts.pb, 80, 128);
        final SynFlood flood = new SynFlood(hosts, 1_000_000);
        final var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        hosts.sim.schedule(flood, hosts.sim.now());
        hosts.sim.runUntil(() -> flood.sent >= 100_000, Time.NEVER);
        System.out.println("flood: 100000 SYNs by " + Time.format(hosts.sim.now()));
        final int fd = hosts.pa.socket(AF_INET, SOCK_STREAM, 0);
        final long start = hosts.sim.now();
        assertEquals(0, hosts.pa.connect(fd, address(hosts.pa, B, 80), 16), () -> Errno.name(hosts.pa.errno()));
        final long took = hosts.sim.now() - start;
        assertEquals(0, hosts.a.stats().retransmissions, "the first SYN was enough");
        assertTrue(took < Time.MS, () -> "connect took " + Time.format(took));
        assertTrue(flood.sent < 1_000_000, "the connection completed during the flood");
        assertEquals(1, hosts.b.stats().synCookiesReceived, "through the cookie path");
        final int child = hosts.pb.accept(listener, 0, 0);
        assertTrue(child >= 0, () -> Errno.name(hosts.pb.errno()));
        final long floodStart = threads.getCurrentThreadAllocatedBytes();
        final int sentBefore = flood.sent;
        hosts.sim.runUntil(() -> flood.sent == 1_000_000, Time.NEVER);
        final double perSyn = (threads.getCurrentThreadAllocatedBytes() - floodStart) /
            (double) (1_000_000 - sentBefore);
        System.out.println("flood: 1000000 SYNs by " + Time.format(hosts.sim.now()) + ", connect took " +
            Time.format(took) + ", " + perSyn + " B allocated per SYN");
        assertTrue(perSyn < 1, () -> "a cookie SYN keeps nothing: " + perSyn + " B per SYN");
        assertTrue(hosts.b.stats().synCookiesSent > 999_000, "cookies answered the flood");
        assertTrue(hosts.b.tcp().requests() <= 129, () -> "SYN queue bounded: " + hosts.b.tcp().requests());
        assertEquals(2, hosts.b.sockets().live(), "the listener and the one real connection");
        assertEquals(0, hosts.b.sockets().memory().charged(), "no buffer memory for the flood");
    }

    @Test
    void descriptorsPastRlimitNofileGiveEmfileAndSocketsPastTheHostLimitGiveEnfile()
    {
        final TwoHosts hosts = new TwoHosts(
            StackConfig.defaults().withSeed(1).withOpenFilesPerProcess(16).withMaxSockets(20),
            StackConfig.defaults().withSeed(7), NetDevice.FEATURE_TX_CHECKSUM | NetDevice.FEATURE_RX_CHECKSUM);
        final int listener = hosts.listenOnB(80);
        final Posix pa = hosts.pa;
        final int connected = pa.socket(AF_INET, SOCK_STREAM, 0);
        assertEquals(0, pa.connect(connected, address(pa, B, 80), 16));
        int fd;
        while ((fd = pa.socket(AF_INET, SOCK_STREAM, 0)) >= 0)
        {
            assertTrue(fd < 16, "descriptors stay below RLIMIT_NOFILE");
        }
        assertEquals(Errno.EMFILE, pa.errno());
        // A second process on the same host: its own descriptors, the host's sockets.
        final Posix other = hosts.a.newProcess(1 << 16);
        while (other.socket(AF_INET, SOCK_STREAM, 0) >= 0)
        {
            assertTrue(hosts.a.sockets().live() <= 20);
        }
        assertEquals(Errno.ENFILE, other.errno());
        // The connection made before is unharmed.
        final int server = hosts.pb.accept(listener, 0, 0);
        final long one = pa.memory().allocate(1);
        assertEquals(1, pa.send(connected, one, 1, 0));
        assertEquals(1, hosts.pb.recv(server, hosts.pb.memory().allocate(1), 1, 0));
        assertEquals(0, pa.close(connected + 1));
        assertTrue(pa.socket(AF_INET, SOCK_STREAM, 0) >= 0, "a closed socket is free for the host again");
    }

    @Test
    void socketMemoryExhaustedMakesSendsWaitAndKeepsConnectionsWorking()
    {
        final TwoHosts hosts = new TwoHosts(StackConfig.defaults().withSeed(1).withSocketMemoryBytes(64 * 1024),
            StackConfig.defaults().withSeed(7), NetDevice.FEATURE_TX_CHECKSUM | NetDevice.FEATURE_RX_CHECKSUM);
        final int listener = hosts.listenOnB(80);
        final Posix pa = hosts.pa;
        final Posix pb = hosts.pb;
        final int first = connect(hosts);
        final int firstServer = pb.accept(listener, 0, 0);
        final int second = connect(hosts);
        final int secondServer = pb.accept(listener, 0, 0);
        final long block = pa.memory().allocate(64 * 1024);
        // B does not read: the first connection's data fills B's window and stays in A's send buffer.
        final int queued = pa.send(first, block, 64 * 1024, SocketConstants.MSG_DONTWAIT);
        assertTrue(queued > 0, () -> Errno.name(pa.errno()));
        hosts.sim.run(hosts.sim.now() + 10 * Time.MS);
        assertEquals(-1, pa.send(second, block, 64 * 1024, SocketConstants.MSG_DONTWAIT), "A's memory is used up");
        assertEquals(Errno.EAGAIN, pa.errno(), "as tcp_sendmsg's sk_stream_wait_memory");
        // B reads the first connection: A's buffer drains, and the second connection can send again.
        final long in = pb.memory().allocate(64 * 1024);
        int got = 0;
        while (got < queued)
        {
            got += pb.recv(firstServer, in, 64 * 1024, 0);
        }
        hosts.sim.run(hosts.sim.now() + 10 * Time.MS);
        assertEquals(1, pa.send(second, block, 1, 0));
        assertEquals(1, pb.recv(secondServer, in, 1, 0));
        assertTrue(hosts.a.sockets().memory().refusals() > 0);
    }

    /**
     * Backlog 1: the accept queue holds two. One connection waits in it; two more handshakes start at once; the
     * first of their final ACKs fills the queue, the second finds it full.
     */
    private static int[] overflow(final TwoHosts hosts, final int listener)
    {
        assertTrue(connect(hosts) >= 0);
        final int second = startConnect(hosts);
        final int third = startConnect(hosts);
        hosts.sim.run(hosts.sim.now() + 10 * Time.MS);
        return new int[] {second, third};
    }

    @Test
    void aFullAcceptQueueDropsTheFinalAckByDefaultAndTheSynAckRetryCompletesTheHandshake()
    {
        final TwoHosts hosts = new TwoHosts();
        final int listener = listen(hosts.pb, 80, 1);
        final int third = overflow(hosts, listener)[1];
        assertEquals(1, hosts.b.stats().drops(DropReason.TCP_LISTEN_OVERFLOW), "the last final ACK was dropped");
        assertEquals(0, hosts.b.stats().resetsSent, "tcp_abort_on_overflow=0 sends no reset");
        assertEquals(1, hosts.b.tcp().requests(), "its request is kept");
        assertTrue(hosts.pb.accept(listener, 0, 0) >= 0, "accept() makes room");
        // The SYN-ACK is sent again 1 s after the first; the client's ACK to it now finds room.
        hosts.sim.run(hosts.sim.now() + 2 * Time.S);
        assertEquals(0, hosts.b.tcp().requests());
        assertTrue(hosts.pb.accept(listener, 0, 0) >= 0);
        final int child = hosts.pb.accept(listener, 0, 0);
        assertTrue(child >= 0, () -> Errno.name(hosts.pb.errno()));
        final long one = hosts.pa.memory().allocate(1);
        assertEquals(1, hosts.pa.send(third, one, 1, 0));
        hosts.sim.run(hosts.sim.now() + Time.MS);
        assertEquals(1, hosts.pb.recv(child, hosts.pb.memory().allocate(1), 1, 0));
    }

    @Test
    void withAbortOnOverflowAFullAcceptQueueResetsTheConnection()
    {
        final TwoHosts hosts = new TwoHosts(StackConfig.defaults(), StackConfig.defaults().withSeed(7)
            .withAbortOnOverflow(true), NetDevice.FEATURE_TX_CHECKSUM | NetDevice.FEATURE_RX_CHECKSUM);
        final int listener = listen(hosts.pb, 80, 1);
        final int third = overflow(hosts, listener)[1];
        assertEquals(1, hosts.b.stats().resetsSent, "the final ACK is answered with a reset");
        assertEquals(0, hosts.b.tcp().requests());
        final long one = hosts.pa.memory().allocate(1);
        assertEquals(-1, hosts.pa.recv(third, one, 1, 0));
        assertEquals(Errno.ECONNRESET, hosts.pa.errno());
    }

    private static int startConnect(final TwoHosts hosts)
    {
        final int fd = hosts.pa.socket(AF_INET, SOCK_STREAM | SocketConstants.SOCK_NONBLOCK, 0);
        assertEquals(-1, hosts.pa.connect(fd, address(hosts.pa, B, 80), 16));
        assertEquals(Errno.EINPROGRESS, hosts.pa.errno());
        return fd;
    }

    private static int connect(final TwoHosts hosts)
    {
        final int fd = hosts.pa.socket(AF_INET, SOCK_STREAM, 0);
        return hosts.pa.connect(fd, address(hosts.pa, B, 80), 16) == 0 ? fd : -1;
    }

    private static int listen(final Posix process, final int port, final int backlog)
    {
        final int fd = process.socket(AF_INET, SOCK_STREAM, 0);
        TwoHosts.check(process.bind(fd, address(process, 0, port), 16), process);
        TwoHosts.check(process.listen(fd, backlog), process);
        return fd;
    }

    /**
     * Spoofed SYNs arriving at B's interface at line rate, each from its own address and port in 198.18.0.0/15 (a
     * benchmarking range B has no route to, so its SYN-ACKs go nowhere), with Linux's SYN options.
     */
    private static final class SynFlood extends Event
    {
        /** A 78-byte frame (SYN with 20 bytes of options) on the wire with preamble and gap: 98 bytes at 10 Gb/s. */
        private static final long GAP_PS = 98 * 800;
        private static final int OPTIONS = 20;
        private static final int SPOOFED = Ipv4Address.parse("198.18.0.0");
        private final TwoHosts hosts;
        private final int count;
        private final MemorySegment frame = Arena.ofAuto().allocate(128, 8);
        private final Ipv4Packet ip = new Ipv4Packet();
        private final TcpSegment tcp = new TcpSegment();
        private int sent;

        SynFlood(final TwoHosts hosts, final int count)
        {
            super("syn-flood", Component.MAC_WIRE);
            this.hosts = hosts;
            this.count = count;
            final EthernetFrame ethernet = new EthernetFrame();
            ethernet.wrap(frame, 0, EthernetFrame.HEADER_LENGTH);
            ethernet.emit(hosts.ethB.mac(), 0x02_00_00_00_00_99L, EthernetFrame.TYPE_IPV4);
        }

        @Override
        protected void fire()
        {
            final int source = SPOOFED + (sent & 0x1FFFF);
            final int length = TcpSegment.HEADER_LENGTH + OPTIONS;
            ip.wrap(frame, EthernetFrame.HEADER_LENGTH, Ipv4Packet.HEADER_LENGTH + length);
            ip.emit(0, Ipv4Packet.HEADER_LENGTH + length, sent, 0, 64, Ipv4Packet.PROTOCOL_TCP, source, B);
            final long at = EthernetFrame.HEADER_LENGTH + Ipv4Packet.HEADER_LENGTH;
            tcp.wrap(frame, at, length);
            tcp.emit(1024 + (sent >>> 17), 80, sent * 7919, 0, TcpSegment.SYN, 64240, OPTIONS);
            tcp.writeOptions(1460, true, true, sent, 0, 7);
            tcp.checksum(Checksum.finish(Checksum.sum(frame, at, length,
                Checksum.pseudoHeader(source, B, Ipv4Packet.PROTOCOL_TCP, length))));
            hosts.ethB.receiveFrame(frame, 0, (int) at + length, FrameReceiver.NO_CHECKSUM);
            hosts.ethB.receiveBatchDone();
            if (++sent < count)
            {
                hosts.sim.schedule(this, hosts.sim.now() + GAP_PS);
            }
        }
    }
}
