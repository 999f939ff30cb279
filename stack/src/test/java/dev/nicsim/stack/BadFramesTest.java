package dev.nicsim.stack;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.context.StackStats;
import dev.nicsim.stack.device.FrameReceiver;
import dev.nicsim.stack.iface.NetworkInterface;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.tcp.TcpSocket;
import dev.nicsim.stack.tcp.TcpState;
import dev.nicsim.stack.wire.Checksum;
import dev.nicsim.stack.wire.DropReason;
import dev.nicsim.stack.wire.EthernetFrame;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static dev.nicsim.stack.TwoHosts.A;
import static dev.nicsim.stack.TwoHosts.B;
import static dev.nicsim.stack.TwoHosts.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One million random and mutated frames fed to the receive paths of two hosts that hold an established connection
 * (see {@link FrameFuzzer} for what is generated and what is excluded): no exception, every frame either processed
 * or counted as dropped with a reason, and afterwards the connection still carries data both ways, byte for byte.
 *
 * <p>The seed is {@code -Dnicsim.fuzz.seed=...} (default below); every failure message names it, with the frame
 * number, its kind and its bytes, so a failure reproduces with the same seed.
 */
class BadFramesTest
{
    private static final long DEFAULT_SEED = 0x5EED_F00DL;
    private static final int FRAMES = 1_000_000;
    private static final int LISTEN_PORT = 80;
    private static final int UDP_PORT = 53;
    private static final int TRANSFER = 64 * 1024;

    private final long seed = Long.getLong("nicsim.fuzz.seed", DEFAULT_SEED);
    private final TwoHosts hosts = new TwoHosts();
    private final Posix pa = hosts.pa;
    private final Posix pb = hosts.pb;
    private final List<byte[]> captures = new ArrayList<>();

    @Test
    void aMillionBadFramesLeaveTheConnectionIntact()
    {
        hosts.pair.link().addTap((direction, time, frame, offset, length) ->
            captures.add(frame.asSlice(offset, length - 4).toArray(ValueLayout.JAVA_BYTE)));
        final int listener = hosts.listenOnB(LISTEN_PORT);
        final int udp = pb.socket(SocketConstants.AF_INET, SocketConstants.SOCK_DGRAM, 0);
        TwoHosts.check(pb.bind(udp, address(pb, 0, UDP_PORT), 16), pb);
        final int client = pa.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0);
        TwoHosts.check(pa.connect(client, address(pa, B, LISTEN_PORT), 16), pa);
        final int server = pb.accept(listener, 0, 0);
        TwoHosts.check(server, pb);
        transfer(client, pa, server, pb, 3000, 1);
        transfer(server, pb, client, pa, 3000, 2);
        exchangeDatagrams();
        final int capturedFrames = captures.size();
        assertTrue(capturedFrames >= 10, "frames captured to mutate: " + capturedFrames);

        final FrameFuzzer fuzzer = new FrameFuzzer(seed, captures);
        final FrameFuzzer.Target[] targets = {target(hosts.ethA, hosts.ethB, client, pa, TwoHosts.A),
            target(hosts.ethB, hosts.ethA, server, pb, TwoHosts.B)};
        final NetworkInterface[] interfaces = {hosts.ethA, hosts.ethB};
        final NetworkStack[] stacks = {hosts.a, hosts.b};
        long brokenLiveSegments = 0;
        final long[] byKind = new long[FrameFuzzer.Kind.values().length];
        final long[] receivedBefore = {hosts.a.stats().framesReceived, hosts.b.stats().framesReceived};
        final MemorySegment frame = fuzzer.frame();
        for (int i = 0; i < FRAMES; i++)
        {
            final int which = fuzzer.pickTarget();
            final int length = fuzzer.next(targets[which]);
            final boolean offload = fuzzer.coin();
            byKind[fuzzer.kind().ordinal()]++;
            final int raw = offload && length > EthernetFrame.HEADER_LENGTH
                ? Checksum.sum(frame, EthernetFrame.HEADER_LENGTH, length - EthernetFrame.HEADER_LENGTH, 0)
                : FrameReceiver.NO_CHECKSUM;
            final StackStats stats = stacks[which].stats();
            final long checksumDrops = stats.drops(DropReason.TCP_CHECKSUM);
            try
            {
                hosts.inject(interfaces[which], frame, length, raw);
            }
            catch (final RuntimeException e)
            {
                throw new AssertionError(reproduce(i) + ": " + fuzzer.kind() + " frame to host " + "AB".charAt(which) +
                    " threw " + e + "; frame " + HexFormat.of().formatHex(frame.asSlice(0, length)
                    .toArray(ValueLayout.JAVA_BYTE)), e);
            }
            if (fuzzer.brokenLiveSegment())
            {
                brokenLiveSegments++;
                if (stats.drops(DropReason.TCP_CHECKSUM) != checksumDrops + 1)
                {
                    fail(reproduce(i) + ": a mutated segment of the live connection with a broken checksum was not " +
                        "dropped for its checksum (offload " + offload + "); frame " + HexFormat.of().formatHex(
                        frame.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE)));
                }
            }
        }

        final String report = report(byKind, fuzzer);
        assertEquals(TcpState.ESTABLISHED, ((TcpSocket) pa.socketOf(client)).tcb.state, () -> reproduce(-1) + ": A's side; " +
            report);
        assertEquals(TcpState.ESTABLISHED, ((TcpSocket) pb.socketOf(server)).tcb.state, () -> reproduce(-1) + ": B's side; " +
            report);
        final long ab = transfer(client, pa, server, pb, TRANSFER, 3);
        final long ba = transfer(server, pb, client, pa, TRANSFER, 4);
        // A forged ARP may have redirected a host's traffic: Linux's neighbour rules put that right within about
        // 8 s (delay, then unicast probes), and TCP's backed-off retransmission resends within the next RTO.
        assertTrue(ab < 30 * Time.S && ba < 30 * Time.S, () -> reproduce(-1) + ": the transfers took " +
            Time.format(ab) + " and " + Time.format(ba) + "; " + report);
        for (int i = 0; i < 2; i++)
        {
            final StackStats stats = stacks[i].stats();
            final String host = "host " + "AB".charAt(i);
            assertEquals(stats.framesReceived, stats.framesAccepted + stats.framesDropped(), () -> reproduce(-1) +
                ": " + host + " lost track of frames: " + stats.framesReceived + " received, " + stats.framesAccepted +
                " processed, " + stats.framesDropped() + " dropped; " + report);
            assertTrue(stats.framesReceived - receivedBefore[i] > FRAMES / 3, host + " got its share of frames");
        }
        final StackStats b = hosts.b.stats();
        // The generator reached every layer: each of these can only come from a frame that got that far.
        for (final int reason : new int[] {DropReason.ETH_NOT_FOR_US, DropReason.ARP_UNSUPPORTED,
            DropReason.IP_CHECKSUM, DropReason.FRAGMENT_INVALID, DropReason.ICMP_BAD_QUOTE, DropReason.UDP_CHECKSUM,
            DropReason.TCP_CHECKSUM, DropReason.TCP_OUT_OF_WINDOW, DropReason.TCP_CHALLENGED, DropReason.TCP_PAWS,
            DropReason.TCP_NO_SOCKET})
        {
            assertTrue(b.drops(reason) > 0, () -> DropReason.name(reason) + " never happened; " + report);
        }
        assertTrue(hosts.b.ipv4().reassembler().completed() + b.datagramsReceived > 0, report);
        assertTrue(brokenLiveSegments > 1_000, "mutated live segments checked for their checksum drop: " +
            brokenLiveSegments);
        System.out.println("bad frames, " + reproduce(-1) + ": " + report + "; " + brokenLiveSegments +
            " mutated live segments each dropped for their checksum; transfers afterwards took " +
            Time.format(ab) + " (A to B) and " + Time.format(ba) + " (B to A)");
    }

    private String reproduce(final int frame)
    {
        return "seed 0x" + Long.toHexString(seed) + (frame >= 0 ? ", frame " + frame : "") +
            " (reproduce with -Dnicsim.fuzz.seed=" + seed + ")";
    }

    private String report(final long[] byKind, final FrameFuzzer fuzzer)
    {
        final StringBuilder text = new StringBuilder();
        for (final FrameFuzzer.Kind kind : FrameFuzzer.Kind.values())
        {
            text.append(kind).append('=').append(byKind[kind.ordinal()]).append(' ');
        }
        text.append("redrawn=").append(fuzzer.redrawn());
        text.append("; A drops: ").append(hosts.a.stats().dropSummary());
        text.append("; B drops: ").append(hosts.b.stats().dropSummary());
        text.append("; challenge ACKs A=").append(hosts.a.stats().challengeAcks).append(" B=")
            .append(hosts.b.stats().challengeAcks);
        return text.toString();
    }

    private FrameFuzzer.Target target(final NetworkInterface self, final NetworkInterface peer, final int fd,
        final Posix process, final int address)
    {
        final var socket = (TcpSocket) process.socketOf(fd);
        return new FrameFuzzer.Target(self.mac(), address, peer.mac(), address == A ? B : A, socket.localPort,
            socket.remotePort, socket.tcb, LISTEN_PORT, UDP_PORT);
    }

    /** Sends {@code length} patterned bytes from one side and checks that the other receives exactly them. */
    private long transfer(final int fromFd, final Posix from, final int toFd, final Posix to, final int length,
        final int pattern)
    {
        final long timeout = to.memory().allocate(16);
        to.memory().putLong(timeout, 120);
        to.memory().putLong(timeout + 8, 0);
        TwoHosts.check(to.setsockopt(toFd, SocketConstants.SOL_SOCKET, SocketConstants.SO_RCVTIMEO, timeout, 16), to);
        final long out = from.memory().allocate(length);
        for (int i = 0; i < length; i++)
        {
            from.memory().putByte(out + i, (byte) (i * pattern + pattern));
        }
        final long start = hosts.sim.now();
        assertEquals(length, from.send(fromFd, out, length, 0), () -> reproduce(-1) + ": send failed with " +
            Errno.name(from.errno()));
        final long in = to.memory().allocate(length);
        int got = 0;
        while (got < length)
        {
            final int n = to.recv(toFd, in + got, length - got, 0);
            final int sofar = got;
            assertTrue(n > 0, () -> reproduce(-1) + ": recv after " + sofar + " of " + length + " bytes and " +
                Time.format(hosts.sim.now() - start) + " returned " + n + " " + Errno.name(to.errno()));
            got += n;
        }
        for (int i = 0; i < length; i++)
        {
            if (to.memory().getByte(in + i) != (byte) (i * pattern + pattern))
            {
                fail(reproduce(-1) + ": byte " + i + " of the transfer differs");
            }
        }
        return hosts.sim.now() - start;
    }

    private void exchangeDatagrams()
    {
        final int fd = pa.socket(SocketConstants.AF_INET, SocketConstants.SOCK_DGRAM, 0);
        final long data = pa.memory().allocate(300);
        TwoHosts.check(pa.sendto(fd, data, 300, 0, address(pa, B, UDP_PORT), 16), pa);
        TwoHosts.check(pa.sendto(fd, data, 40, 0, address(pa, B, 9), 16), pa);
        hosts.sim.run(hosts.sim.now() + Time.MS);
        pa.close(fd);
    }
}
