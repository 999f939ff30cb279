package dev.nicsim.stack.conformance;

import dev.nicsim.hw.host.CpuCosts;
import dev.nicsim.hw.host.HostCpu;
import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.NetworkStack;
import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.context.StackConfig;
import dev.nicsim.stack.context.SynRetransmitPolicy;
import dev.nicsim.stack.context.TimeWaitReuse;
import dev.nicsim.stack.iface.NetworkInterface;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.wire.Bytes;
import dev.nicsim.stack.wire.Checksum;
import dev.nicsim.stack.wire.EthernetFrame;
import dev.nicsim.stack.wire.IcmpMessage;
import dev.nicsim.stack.wire.Ipv4Address;
import dev.nicsim.stack.wire.Ipv4Packet;
import dev.nicsim.stack.wire.TcpSegment;
import dev.nicsim.stack.wire.UdpDatagram;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one packetdrill-style script against a stack in simulated time. The stack under test is 192.168.0.1/24 with
 * gateway 192.168.0.254; the remote end is 192.0.2.1:8080. CPU costs are zero and the device has no delay, so every
 * time in a script is exact to the picosecond.
 *
 * <h2>Lines</h2>
 * <pre>
 * // comment
 * --syn_policy=rfc6298 | --arp=off | --tw_reuse=always | --port_range=32768-32769   options, before the first step
 * 0      socket(..., SOCK_STREAM, 0) = 3               a system call at an absolute time (seconds)
 * +1.5   connect(3, 192.0.2.1:8080, 16) = -1 EINPROGRESS     ... or relative to the previous line
 * 0...3  connect(3, 192.0.2.1:8080, 16) = -1 EHOSTUNREACH    a blocking call that must return at 3 s
 * +0     > S 0:0(0) win 65535 &lt;mss 1460,sackOK,TS val * ecr 0,nop,wscale 7&gt;   a segment the stack must send then
 * +.1    < S. 0:0(0) ack 1 win 5792 &lt;mss 1460,nop,wscale 2&gt;                 a segment injected then
 * +0     < icmp unreachable port_unreachable                quotes the last packet the stack sent
 * +0     > udp(100)   /   < udp(20)                          UDP datagrams to/from the remote end
 * +0     > arp who-has 192.168.0.254                          with --arp=off
 * +0     poll(3) = POLLOUT|POLLWRNORM                        revents for every event, timeout 0
 * </pre>
 * Outgoing sequence numbers are relative to the stack's ISN, incoming acknowledgment numbers too; a {@code *} in an
 * expected segment matches anything; {@code ecr *} in an injected one echoes the stack's last TSval. A segment the
 * stack sends that no line expects fails the script.
 */
final class Script
{
    static final int LOCAL = Ipv4Address.parse("192.168.0.1");
    static final int GATEWAY = Ipv4Address.parse("192.168.0.254");
    static final int REMOTE = Ipv4Address.parse("192.0.2.1");
    static final int REMOTE_PORT = 8080;

    private final String name;
    private final Simulator sim = new Simulator();
    private StackConfig config = StackConfig.defaults();
    private ScriptDevice device;
    private NetworkStack stack;
    private Posix process;
    private final List<Step> steps = new ArrayList<>();
    private int matched;

    /* Learned from what the stack sends. */
    private int localIsn;
    private int localPort;
    private int lastTsVal;
    private byte[] lastIpPacket;

    private record Step(int line, long start, long end, String text)
    {
    }

    Script(final String name, final String text)
    {
        this.name = name;
        long previous = 0;
        final String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++)
        {
            final String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("//"))
            {
                continue;
            }
            if (line.startsWith("--"))
            {
                option(line);
                continue;
            }
            final int space = line.indexOf(' ');
            final String time = line.substring(0, space);
            final String rest = line.substring(space + 1).strip();
            final long start;
            final long end;
            if (time.contains("..."))
            {
                start = seconds(time.substring(0, time.indexOf("...")), previous);
                end = seconds(time.substring(time.indexOf("...") + 3), start);
            }
            else
            {
                start = seconds(time, previous);
                end = start;
            }
            steps.add(new Step(i + 1, start, end, rest));
            previous = end;
        }
    }

    private static long seconds(final String text, final long previous)
    {
        final boolean relative = text.startsWith("+");
        final double value = Double.parseDouble(relative ? text.substring(1) : text);
        final long ps = Math.round(value * 1e6) * Time.US;
        return relative ? previous + ps : ps;
    }

    private void option(final String line)
    {
        final String key = line.substring(2, line.indexOf('='));
        final String value = line.substring(line.indexOf('=') + 1);
        switch (key)
        {
            case "syn_policy" -> config = config.withSynPolicy(value.equals("rfc6298") ? SynRetransmitPolicy.RFC6298
                : SynRetransmitPolicy.LINUX);
            case "tw_reuse" -> config = config.withTimeWaitReuse(TimeWaitReuse.valueOf(value.toUpperCase()));
            case "port_range" -> config = config.withEphemeralRange(Integer.parseInt(value.split("-")[0]),
                Integer.parseInt(value.split("-")[1]));
            case "arp" -> { }
            case "tcp_timestamps" -> config = config.withTimestamps(value.equals("1"));
            case "tcp_sack" -> config = config.withSack(value.equals("1"));
            case "tcp_window_scaling" -> config = config.withWindowScaling(value.equals("1"));
            default -> throw new IllegalArgumentException(name + ": unknown option " + line);
        }
    }

    /** Runs the script; throws AssertionError naming the line that failed. */
    void run(final String text)
    {
        device = new ScriptDevice(sim);
        device.answerArp = !text.contains("--arp=off");
        stack = new NetworkStack(sim, new HostCpu(sim, CpuCosts.free(), "sut.cpu"), config, "sut");
        final NetworkInterface eth = stack.addInterface(device, LOCAL, 24);
        stack.routes().addDefault(GATEWAY, eth);
        process = stack.newProcess(1 << 20);
        for (final Step step : steps)
        {
            if (step.text.startsWith("<"))
            {
                final Step inject = step;
                sim.schedule(new Event("script.inject", Component.EXTERNAL, () -> inject(inject)), step.start);
            }
        }
        for (final Step step : steps)
        {
            try
            {
                execute(step);
            }
            catch (final AssertionError | RuntimeException e)
            {
                throw new AssertionError(name + " line " + step.line + " (" + step.text + "): " + e.getMessage(), e);
            }
        }
        final long last = steps.isEmpty() ? 0 : steps.get(steps.size() - 1).end;
        sim.run(Math.max(sim.now(), last));
        if (matched < device.sent().size())
        {
            throw new AssertionError(name + ": unexpected packet at " + Time.format(device.sent().get(matched).time()) +
                ": " + describe(device.sent().get(matched).bytes()));
        }
    }

    private void execute(final Step step)
    {
        if (step.text.startsWith("<"))
        {
            sim.run(Math.max(sim.now(), step.start));
            return;
        }
        if (step.start > sim.now())
        {
            sim.run(step.start);
        }
        noUnexpected(step.start);
        if (step.text.startsWith(">"))
        {
            expect(step);
            return;
        }
        call(step);
    }

    private void noUnexpected(final long before)
    {
        if (matched < device.sent().size() && device.sent().get(matched).time() < before)
        {
            final ScriptDevice.Sent extra = device.sent().get(matched);
            throw new AssertionError("unexpected packet at " + Time.format(extra.time()) + ": " +
                describe(extra.bytes()));
        }
    }

    /* ---------------------------------------------------------------------------------------------------------- */
    /* System calls                                                                                                 */

    private void call(final Step step)
    {
        final String text = step.text;
        final int equals = text.lastIndexOf(" = ");
        final String invocation = text.substring(0, equals).strip();
        final String expected = text.substring(equals + 3).strip();
        final String callName = invocation.substring(0, invocation.indexOf('('));
        final List<String> args = arguments(invocation.substring(invocation.indexOf('(') + 1,
            invocation.lastIndexOf(')')));
        final int result = invoke(callName, args);
        if (sim.now() != step.end)
        {
            throw new AssertionError(callName + " returned at " + Time.format(sim.now()) + ", script says " +
                Time.format(step.end));
        }
        if (callName.equals("poll"))
        {
            final int want = pollBits(expected);
            if (result != want)
            {
                throw new AssertionError("revents " + SocketConstants.pollBits(result) + ", expected " +
                    SocketConstants.pollBits(want));
            }
            return;
        }
        final String[] parts = expected.split(" ");
        final int want = Integer.parseInt(parts[0]);
        final String got = result + (result < 0 ? " " + Errno.name(process.errno()) : "");
        final String wanted = want + (parts.length > 1 ? " " + parts[1] : "");
        if (!got.equals(wanted))
        {
            throw new AssertionError(callName + " returned " + got + ", expected " + wanted);
        }
    }

    private static List<String> arguments(final String text)
    {
        final List<String> args = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '[' || c == '{')
            {
                depth++;
            }
            else if (c == ']' || c == '}')
            {
                depth--;
            }
            else if (c == ',' && depth == 0)
            {
                args.add(text.substring(start, i).strip());
                start = i + 1;
            }
        }
        args.add(text.substring(start).strip());
        return args;
    }

    private int invoke(final String call, final List<String> args)
    {
        return switch (call)
        {
            case "socket" -> process.socket(SocketConstants.AF_INET, constant(args.get(1)), constant(args.get(2)));
            case "pipe" -> pipe();
            case "connect" -> process.connect(constant(args.get(0)), address(args.get(1)), constant(args.get(2)));
            case "bind" -> process.bind(constant(args.get(0)), address(args.get(1)), constant(args.get(2)));
            case "listen" -> process.listen(constant(args.get(0)), constant(args.get(1)));
            case "close" -> process.close(constant(args.get(0)));
            case "shutdown" -> process.shutdown(constant(args.get(0)), constant(args.get(1)));
            case "fcntl" -> process.fcntl(constant(args.get(0)), constant(args.get(1)), constant(args.get(2)));
            case "write" -> process.write(constant(args.get(0)), buffer(constant(args.get(1))),
                constant(args.get(1)));
            case "read" -> process.read(constant(args.get(0)), buffer(constant(args.get(1))), constant(args.get(1)));
            case "getsockopt" -> getsockopt(args);
            case "setsockopt" -> setsockopt(args);
            case "getpeername" -> process.getpeername(constant(args.get(0)), process.memory().allocate(16),
                lengthPointer(16));
            case "poll" -> poll(constant(args.get(0)));
            default -> throw new IllegalArgumentException("unknown call " + call);
        };
    }

    private int pipe()
    {
        final long fds = process.memory().allocate(8);
        return process.pipe(fds);
    }

    private long buffer(final int length)
    {
        return process.memory().allocate(Math.max(length, 1));
    }

    private long lengthPointer(final int value)
    {
        final long at = process.memory().allocate(4);
        process.memory().putInt(at, value);
        return at;
    }

    private int getsockopt(final List<String> args)
    {
        final long value = process.memory().allocate(4);
        final long length = lengthPointer(4);
        final int result = process.getsockopt(constant(args.get(0)), constant(args.get(1)), constant(args.get(2)),
            value, length);
        final String wanted = args.get(3).substring(1, args.get(3).length() - 1);
        final int want = Errno.byName(wanted) >= 0 ? Errno.byName(wanted) : constant(wanted);
        if (result == 0 && process.memory().getInt(value) != want)
        {
            throw new AssertionError("getsockopt value " + Errno.name(process.memory().getInt(value)) + " (" +
                process.memory().getInt(value) + "), expected " + wanted);
        }
        return result;
    }

    private int setsockopt(final List<String> args)
    {
        final String value = args.get(3);
        if (value.startsWith("{"))
        {
            final String[] fields = value.substring(1, value.length() - 1).split(",");
            final long at = process.memory().allocate(16);
            final int option = constant(args.get(2));
            if (option == SocketConstants.SO_LINGER)
            {
                process.memory().putInt(at, Integer.parseInt(fields[0].strip()));
                process.memory().putInt(at + 4, Integer.parseInt(fields[1].strip()));
            }
            else
            {
                process.memory().putLong(at, Long.parseLong(fields[0].strip()));
                process.memory().putLong(at + 8, Long.parseLong(fields[1].strip()));
            }
            return process.setsockopt(constant(args.get(0)), constant(args.get(1)), option, at,
                constant(args.get(4)));
        }
        final long at = process.memory().allocate(4);
        process.memory().putInt(at, Integer.parseInt(value.substring(1, value.length() - 1)));
        return process.setsockopt(constant(args.get(0)), constant(args.get(1)), constant(args.get(2)), at,
            constant(args.get(4)));
    }

    private int poll(final int fd)
    {
        final long entry = process.memory().allocate(8);
        process.memory().putInt(entry, fd);
        process.memory().putShort(entry + 4, (short) 0xFFFF);
        process.poll(entry, 1, 0);
        return process.memory().getShort(entry + 6) & 0xFFFF;
    }

    private static int pollBits(final String text)
    {
        int bits = 0;
        for (final String part : text.split("\\|"))
        {
            bits |= constant(part.strip());
        }
        return bits;
    }

    /** An address argument: NULL, a bad pointer, or ip:port / AF_UNSPEC / AF_INET6 written into memory. */
    private long address(final String text)
    {
        if (text.equals("NULL"))
        {
            return 0;
        }
        if (text.equals("BAD"))
        {
            return 0x7FFF_FFFF_0000L;
        }
        final long at = process.memory().allocate(SocketConstants.SOCKADDR_STORAGE_SIZE);
        if (text.equals("AF_UNSPEC"))
        {
            process.memory().putSockaddrIn(at, SocketConstants.AF_UNSPEC, 0, 0);
            return at;
        }
        final boolean inet6 = text.startsWith("AF_INET6 ");
        final String spec = inet6 ? text.substring(9) : text;
        final int colon = spec.lastIndexOf(':');
        process.memory().putSockaddrIn(at, inet6 ? SocketConstants.AF_INET6 : SocketConstants.AF_INET,
            Ipv4Address.parse(spec.substring(0, colon)), Integer.parseInt(spec.substring(colon + 1)));
        return at;
    }

    /** A number or a constant of {@link SocketConstants} ("SOCK_STREAM", "O_NONBLOCK"). */
    static int constant(final String text)
    {
        if (text.equals("..."))
        {
            return SocketConstants.AF_INET;
        }
        if (text.matches("-?\\d+"))
        {
            return Integer.parseInt(text);
        }
        final Integer value = CONSTANTS.get(text);
        if (value == null)
        {
            throw new IllegalArgumentException("unknown constant " + text + "; known: " + CONSTANTS.keySet());
        }
        return value;
    }

    private static final Map<String, Integer> CONSTANTS = Map.ofEntries(
        Map.entry("SOCK_STREAM", SocketConstants.SOCK_STREAM), Map.entry("SOCK_DGRAM", SocketConstants.SOCK_DGRAM),
        Map.entry("IPPROTO_TCP", SocketConstants.IPPROTO_TCP), Map.entry("IPPROTO_UDP", SocketConstants.IPPROTO_UDP),
        Map.entry("SOL_SOCKET", SocketConstants.SOL_SOCKET), Map.entry("SO_ERROR", SocketConstants.SO_ERROR),
        Map.entry("SO_REUSEADDR", SocketConstants.SO_REUSEADDR),
        Map.entry("SO_BROADCAST", SocketConstants.SO_BROADCAST), Map.entry("SO_LINGER", SocketConstants.SO_LINGER),
        Map.entry("SO_SNDTIMEO", SocketConstants.SO_SNDTIMEO), Map.entry("TCP_MAXSEG", SocketConstants.TCP_MAXSEG),
        Map.entry("SO_KEEPALIVE", SocketConstants.SO_KEEPALIVE), Map.entry("TCP_KEEPIDLE", SocketConstants.TCP_KEEPIDLE),
        Map.entry("TCP_KEEPINTVL", SocketConstants.TCP_KEEPINTVL), Map.entry("TCP_KEEPCNT", SocketConstants.TCP_KEEPCNT),
        Map.entry("TCP_SYNCNT", SocketConstants.TCP_SYNCNT), Map.entry("TCP_NODELAY", SocketConstants.TCP_NODELAY),
        Map.entry("F_SETFL", SocketConstants.F_SETFL), Map.entry("F_GETFL", SocketConstants.F_GETFL),
        Map.entry("O_NONBLOCK", SocketConstants.O_NONBLOCK), Map.entry("SHUT_WR", SocketConstants.SHUT_WR),
        Map.entry("SHUT_RDWR", SocketConstants.SHUT_RDWR), Map.entry("POLLIN", SocketConstants.POLLIN),
        Map.entry("POLLOUT", SocketConstants.POLLOUT), Map.entry("POLLERR", SocketConstants.POLLERR),
        Map.entry("POLLHUP", SocketConstants.POLLHUP), Map.entry("POLLRDNORM", SocketConstants.POLLRDNORM),
        Map.entry("POLLWRNORM", SocketConstants.POLLWRNORM), Map.entry("POLLWRBAND", SocketConstants.POLLWRBAND),
        Map.entry("POLLRDHUP", SocketConstants.POLLRDHUP), Map.entry("POLLNVAL", SocketConstants.POLLNVAL));

    /* ---------------------------------------------------------------------------------------------------------- */
    /* Packets                                                                                                      */

    private void expect(final Step step)
    {
        if (matched >= device.sent().size())
        {
            throw new AssertionError("expected a packet at " + Time.format(step.start) + ", the stack sent none");
        }
        final ScriptDevice.Sent sent = device.sent().get(matched++);
        if (sent.time() != step.start)
        {
            throw new AssertionError("packet sent at " + Time.format(sent.time()) + ", expected at " +
                Time.format(step.start) + ": " + describe(sent.bytes()));
        }
        final String spec = step.text.substring(1).strip();
        final MemorySegment frame = MemorySegment.ofArray(sent.bytes());
        if (spec.startsWith("arp"))
        {
            final int target = Ipv4Address.parse(spec.substring(spec.lastIndexOf(' ') + 1));
            if (Bytes.u16(frame, 12) != EthernetFrame.TYPE_ARP || Bytes.i32(frame, 14 + 24) != target)
            {
                throw new AssertionError("expected ARP who-has " + Ipv4Address.format(target) + ", got " +
                    describe(sent.bytes()));
            }
            return;
        }
        learn();
        final int protocol = Bytes.u8(frame, 14 + 9);
        if (spec.startsWith("udp"))
        {
            final int length = Integer.parseInt(spec.substring(spec.indexOf('(') + 1, spec.indexOf(')')));
            if (protocol != Ipv4Packet.PROTOCOL_UDP || Bytes.u16(frame, 34 + 4) - 8 != length)
            {
                throw new AssertionError("expected udp(" + length + "), got " + describe(sent.bytes()));
            }
            return;
        }
        if (protocol != Ipv4Packet.PROTOCOL_TCP)
        {
            throw new AssertionError("expected TCP " + spec + ", got " + describe(sent.bytes()));
        }
        final SegmentSpec want = SegmentSpec.parse(spec);
        want.check(frame, 34, sent.bytes().length - 34, localIsn);
    }

    /** Learns the stack's ISN, port, last TSval and last IP packet from everything it has sent so far. */
    private void learn()
    {
        for (final ScriptDevice.Sent sent : device.sent())
        {
            final MemorySegment frame = MemorySegment.ofArray(sent.bytes());
            if (Bytes.u16(frame, 12) != EthernetFrame.TYPE_IPV4)
            {
                continue;
            }
            lastIpPacket = java.util.Arrays.copyOfRange(sent.bytes(), 14, sent.bytes().length);
            final int protocol = Bytes.u8(frame, 14 + 9);
            if (protocol == Ipv4Packet.PROTOCOL_UDP)
            {
                localPort = Bytes.u16(frame, 34);
            }
            if (protocol != Ipv4Packet.PROTOCOL_TCP)
            {
                continue;
            }
            final int flags = Bytes.u8(frame, 34 + 13);
            if ((flags & TcpSegment.SYN) != 0 || localPort == 0)
            {
                localIsn = Bytes.i32(frame, 34 + 4);
                localPort = Bytes.u16(frame, 34);
            }
            final long tsAt = SegmentSpec.timestampOffset(frame, 34);
            if (tsAt > 0)
            {
                lastTsVal = Bytes.i32(frame, tsAt);
            }
        }
    }

    private void inject(final Step step)
    {
        learn();
        final String spec = step.text.substring(1).strip();
        final MemorySegment buffer = device.injectBuffer();
        final EthernetFrame ethernet = new EthernetFrame();
        ethernet.wrap(buffer, 0, 14);
        ethernet.emit(device.macAddress(), ScriptDevice.REMOTE_MAC, EthernetFrame.TYPE_IPV4);
        final int transportLength;
        final int protocol;
        if (spec.startsWith("icmp"))
        {
            protocol = Ipv4Packet.PROTOCOL_ICMP;
            final int code = spec.contains("port_unreachable") ? 3 : spec.contains("net_unreachable") ? 0 : 1;
            final int quote = Math.min(lastIpPacket.length, 28);
            MemorySegment.copy(MemorySegment.ofArray(lastIpPacket), 0, buffer, 34 + 8, quote);
            final IcmpMessage icmp = new IcmpMessage();
            icmp.wrap(buffer, 34, 8 + quote);
            icmp.emit(IcmpMessage.TYPE_DEST_UNREACHABLE, code, 0);
            icmp.seal();
            transportLength = 8 + quote;
        }
        else if (spec.startsWith("udp"))
        {
            protocol = Ipv4Packet.PROTOCOL_UDP;
            final int length = Integer.parseInt(spec.substring(spec.indexOf('(') + 1, spec.indexOf(')')));
            final UdpDatagram udp = new UdpDatagram();
            udp.wrap(buffer, 34, 8 + length);
            udp.emit(REMOTE_PORT, localPort, 8 + length, 0);
            transportLength = 8 + length;
        }
        else
        {
            protocol = Ipv4Packet.PROTOCOL_TCP;
            transportLength = SegmentSpec.parse(spec).emit(buffer, 34, REMOTE_PORT, localPort, localIsn, lastTsVal);
            Bytes.put16(buffer, 34 + 16, Checksum.finish(Checksum.sum(buffer, 34, transportLength,
                Checksum.pseudoHeader(REMOTE, LOCAL, protocol, transportLength))));
        }
        final Ipv4Packet ip = new Ipv4Packet();
        ip.wrap(buffer, 14, 20 + transportLength);
        ip.emit(0, 20 + transportLength, 0, 0, 64, protocol, REMOTE, LOCAL);
        device.deliver(buffer, 34 + transportLength);
    }

    private static String describe(final byte[] bytes)
    {
        final MemorySegment frame = MemorySegment.ofArray(bytes);
        if (Bytes.u16(frame, 12) == EthernetFrame.TYPE_ARP)
        {
            return "ARP who-has " + Ipv4Address.format(Bytes.i32(frame, 38));
        }
        final int protocol = Bytes.u8(frame, 23);
        if (protocol == Ipv4Packet.PROTOCOL_TCP)
        {
            return SegmentSpec.describe(frame, 34, bytes.length - 34);
        }
        return "IP protocol " + protocol + " to " + Ipv4Address.format(Bytes.i32(frame, 30)) + ", " +
            (bytes.length - 34) + " bytes";
    }
}
