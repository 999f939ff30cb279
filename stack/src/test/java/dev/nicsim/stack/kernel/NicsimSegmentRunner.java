package dev.nicsim.stack.kernel;

import dev.nicsim.hw.host.CpuCosts;
import dev.nicsim.hw.host.HostCpu;
import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.NetworkStack;
import dev.nicsim.stack.conformance.ScriptDevice;
import dev.nicsim.stack.conformance.SegmentSpec;
import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.context.StackConfig;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.wire.Bytes;
import dev.nicsim.stack.wire.EthernetFrame;
import dev.nicsim.stack.wire.Ipv4Packet;
import dev.nicsim.stack.wire.TcpSegment;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Runs one {@link SegmentScript.Scenario} on a nicsim stack (10.0.0.1) whose device is the scripted peer
 * ({@link ScriptDevice}: what the stack sends is recorded, ARP is answered, the script's segments are delivered), in
 * simulated time with free CPU costs, and prints what {@code segment_runner.c} prints on the kernel.
 */
final class NicsimSegmentRunner
{
    /** The socket options the scenarios use: level and name. */
    private static final Map<String, int[]> OPTIONS = Map.ofEntries(
        Map.entry("SO_KEEPALIVE", new int[] {SocketConstants.SOL_SOCKET, SocketConstants.SO_KEEPALIVE}),
        Map.entry("SO_RCVBUF", new int[] {SocketConstants.SOL_SOCKET, SocketConstants.SO_RCVBUF}),
        Map.entry("TCP_NODELAY", new int[] {SocketConstants.IPPROTO_TCP, SocketConstants.TCP_NODELAY}),
        Map.entry("TCP_KEEPIDLE", new int[] {SocketConstants.IPPROTO_TCP, SocketConstants.TCP_KEEPIDLE}),
        Map.entry("TCP_KEEPINTVL", new int[] {SocketConstants.IPPROTO_TCP, SocketConstants.TCP_KEEPINTVL}),
        Map.entry("TCP_KEEPCNT", new int[] {SocketConstants.IPPROTO_TCP, SocketConstants.TCP_KEEPCNT}),
        Map.entry("TCP_USER_TIMEOUT", new int[] {SocketConstants.IPPROTO_TCP, SocketConstants.TCP_USER_TIMEOUT}),
        Map.entry("TCP_QUICKACK", new int[] {SocketConstants.IPPROTO_TCP, SocketConstants.TCP_QUICKACK}),
        Map.entry("TCP_CORK", new int[] {SocketConstants.IPPROTO_TCP, SocketConstants.TCP_CORK}),
        Map.entry("TCP_SYNCNT", new int[] {SocketConstants.IPPROTO_TCP, SocketConstants.TCP_SYNCNT}),
        Map.entry("TCP_LINGER2", new int[] {SocketConstants.IPPROTO_TCP, SocketConstants.TCP_LINGER2}),
        Map.entry("TCP_DEFER_ACCEPT", new int[] {SocketConstants.IPPROTO_TCP, SocketConstants.TCP_DEFER_ACCEPT}),
        Map.entry("TCP_NOTSENT_LOWAT", new int[] {SocketConstants.IPPROTO_TCP, SocketConstants.TCP_NOTSENT_LOWAT}));
    private static final int DATA_SIZE = 1 << 20;

    private final Simulator sim = new Simulator();
    private final ScriptDevice device = new ScriptDevice(sim);
    private final MemorySegment injected = Arena.ofAuto().allocate(2048, 8);
    private final List<String> out = new ArrayList<>();
    private Posix posix;
    private long address;
    private long data;
    private long value;
    private int listener = -1;
    private int socket = -1;
    private int recorded;
    private int sutPort;
    private int sutIsn;
    private boolean haveIsn;
    private int lastTsVal;

    private NicsimSegmentRunner()
    {
    }

    static List<String> run(final SegmentScript.Scenario scenario)
    {
        final NicsimSegmentRunner runner = new NicsimSegmentRunner();
        runner.start(scenario);
        for (final String step : scenario.steps())
        {
            if (!runner.step(step))
            {
                break;
            }
        }
        return runner.out;
    }

    private void start(final SegmentScript.Scenario scenario)
    {
        // The kernel's namespace runs with tcp_early_retrans 0 (KernelSegmentDifferentialTest.SYSCTLS); nicsim's timers
        // tick at the kernel's HZ.
        StackConfig config = StackConfig.defaults().withTailLossProbe(false).withHz(KernelNamespaces.kernelHz());
        for (final String step : scenario.steps())
        {
            final String[] words = step.split(" ");
            if (words[2].equals("sysctl"))
            {
                final boolean on = words[4].equals("1");
                config = switch (words[3])
                {
                    case "tcp_timestamps" -> config.withTimestamps(on);
                    case "tcp_sack" -> config.withSack(on);
                    case "tcp_window_scaling" -> config.withWindowScaling(on);
                    case "tcp_early_retrans" -> config.withTailLossProbe(Integer.parseInt(words[4]) >= 3);
                    default -> throw new IllegalArgumentException("no nicsim setting for sysctl " + words[3]);
                };
            }
        }
        final NetworkStack stack = new NetworkStack(sim, new HostCpu(sim, CpuCosts.free(), "sut.cpu"), config, "sut");
        stack.addInterface(device, SegmentScript.SUT, 24);
        posix = stack.newProcess(4 * DATA_SIZE);
        address = posix.memory().allocate(SocketConstants.SOCKADDR_IN_SIZE);
        data = posix.memory().allocate(DATA_SIZE);
        value = posix.memory().allocate(8);
        sutPort = scenario.listens() ? SegmentScript.LISTEN_PORT : 0;
    }

    /** Runs one step at its time; false at the end. */
    private boolean step(final String step)
    {
        final String[] words = step.split(" ");
        final long at = Long.parseLong(words[1]) * Time.US;
        final String op = words[2];
        if (op.equals("inject"))
        {
            final boolean echo = words[3].equals("1");
            final byte[] packet = HexFormat.of().parseHex(words[4]);
            sim.schedule(new Event("peer.inject", Component.EXTERNAL, () -> inject(packet, echo)), at);
        }
        sim.run(Math.max(sim.now(), at));
        record();
        if (op.equals("end"))
        {
            return false;
        }
        if (!op.equals("inject") && !op.equals("sysctl"))
        {
            call(step.substring(step.indexOf(op)), words);
        }
        record();
        return true;
    }

    /** Prints what the stack sent since the last look, as segment_runner.c does, and learns port, ISN and TSval. */
    private void record()
    {
        for (; recorded < device.sent().size(); recorded++)
        {
            final ScriptDevice.Sent sent = device.sent().get(recorded);
            final MemorySegment frame = MemorySegment.ofArray(sent.bytes());
            if (Bytes.u16(frame, 12) != EthernetFrame.TYPE_IPV4 ||
                Bytes.u8(frame, EthernetFrame.HEADER_LENGTH + 9) != Ipv4Packet.PROTOCOL_TCP)
            {
                continue;
            }
            final int tcp = EthernetFrame.HEADER_LENGTH + (Bytes.u8(frame, EthernetFrame.HEADER_LENGTH) & 0xF) * 4;
            sutPort = Bytes.u16(frame, tcp + TcpSegment.SOURCE_PORT);
            if (!haveIsn && (Bytes.u8(frame, tcp + TcpSegment.FLAGS) & TcpSegment.SYN) != 0)
            {
                sutIsn = Bytes.i32(frame, tcp + TcpSegment.SEQUENCE);
                haveIsn = true;
            }
            final long ts = SegmentSpec.timestampOffset(frame, tcp);
            if (ts > 0)
            {
                lastTsVal = Bytes.i32(frame, ts);
            }
            final byte[] ip = java.util.Arrays.copyOfRange(sent.bytes(), EthernetFrame.HEADER_LENGTH,
                EthernetFrame.HEADER_LENGTH + Bytes.u16(frame, EthernetFrame.HEADER_LENGTH + 2));
            out.add("sent " + sent.time() / Time.US + " " + HexFormat.of().formatHex(ip));
        }
    }

    private void inject(final byte[] packet, final boolean echo)
    {
        record();
        final MemorySegment ip = injected.asSlice(EthernetFrame.HEADER_LENGTH, packet.length);
        MemorySegment.copy(MemorySegment.ofArray(packet), 0, ip, 0, packet.length);
        SegmentScript.patch(ip, packet.length, sutPort, sutIsn, echo, lastTsVal);
        out.add("inject " + sim.now() / Time.US + " " + HexFormat.of().formatHex(ip.toArray(ValueLayout.JAVA_BYTE)));
        final EthernetFrame ethernet = new EthernetFrame();
        ethernet.wrap(injected, 0, EthernetFrame.HEADER_LENGTH);
        ethernet.emit(device.macAddress(), ScriptDevice.REMOTE_MAC, EthernetFrame.TYPE_IPV4);
        device.deliver(injected, EthernetFrame.HEADER_LENGTH + packet.length);
    }

    private void call(final String text, final String[] words)
    {
        final int result = switch (words[2])
        {
            case "listen" -> listen();
            case "connect" ->
            {
                socket = posix.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM |
                    SocketConstants.SOCK_NONBLOCK, 0);
                posix.memory().putSockaddrIn(address, SocketConstants.AF_INET, SegmentScript.PEER,
                    SegmentScript.PEER_PORT);
                yield posix.connect(socket, address, SocketConstants.SOCKADDR_IN_SIZE);
            }
            case "accept" ->
            {
                socket = posix.accept4(listener, 0, 0, SocketConstants.SOCK_NONBLOCK);
                yield socket < 0 ? -1 : 0;
            }
            case "send" -> posix.send(socket, data, Integer.parseInt(words[3]), words.length < 5 ? 0
                : words[4].equals("more") ? SocketConstants.MSG_MORE
                : words[4].equals("oob") ? SocketConstants.MSG_OOB : 0);
            case "recv" -> posix.recv(socket, data, Integer.parseInt(words[3]),
                words.length > 4 && words[4].equals("oob") ? SocketConstants.MSG_OOB : 0);
            case "close" -> posix.close(socket);
            case "abort" ->
            {
                posix.memory().putInt(value, 1);
                posix.memory().putInt(value + 4, 0);
                posix.setsockopt(socket, SocketConstants.SOL_SOCKET, SocketConstants.SO_LINGER, value, 8);
                yield posix.close(socket);
            }
            case "shutdown-wr" -> posix.shutdown(socket, SocketConstants.SHUT_WR);
            case "setsockopt" ->
            {
                final int[] option = OPTIONS.get(words[3]);
                if (option == null)
                {
                    throw new IllegalArgumentException("unknown socket option " + words[3]);
                }
                posix.memory().putInt(value, Integer.parseInt(words[4]));
                yield posix.setsockopt(socket >= 0 ? socket : listener, option[0], option[1], value, 4);
            }
            case "so-error" ->
            {
                final long length = value + 4;
                posix.memory().putInt(length, 4);
                posix.getsockopt(socket, SocketConstants.SOL_SOCKET, SocketConstants.SO_ERROR, value, length);
                out.add("call " + sim.now() / Time.US + " " + text + " = " +
                    errnoName(posix.memory().getInt(value)));
                yield Integer.MIN_VALUE;
            }
            default -> throw new IllegalArgumentException("unknown step " + text);
        };
        if (result != Integer.MIN_VALUE)
        {
            out.add("call " + sim.now() / Time.US + " " + text + " = " +
                (result < 0 ? errnoName(posix.errno()) : Integer.toString(result)));
        }
    }

    private int listen()
    {
        listener = posix.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM | SocketConstants.SOCK_NONBLOCK,
            0);
        posix.memory().putSockaddrIn(address, SocketConstants.AF_INET, SegmentScript.SUT, SegmentScript.LISTEN_PORT);
        if (posix.bind(listener, address, SocketConstants.SOCKADDR_IN_SIZE) != 0 || posix.listen(listener, 8) != 0)
        {
            throw new IllegalStateException("listen: " + Errno.name(posix.errno()));
        }
        return 0;
    }

    private static String errnoName(final int errno)
    {
        return errno == 0 ? "0" : Errno.name(errno);
    }
}
