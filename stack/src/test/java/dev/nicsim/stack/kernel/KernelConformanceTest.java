package dev.nicsim.stack.kernel;

import dev.nicsim.stack.TwoHosts;
import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.context.StackConfig;
import dev.nicsim.stack.device.NetDevice;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.wire.Ipv4Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.nicsim.stack.context.SocketConstants.AF_INET;
import static dev.nicsim.stack.context.SocketConstants.SOCK_DGRAM;
import static dev.nicsim.stack.context.SocketConstants.SOCK_NONBLOCK;
import static dev.nicsim.stack.context.SocketConstants.SOCK_STREAM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The connect() scenarios run on the real Linux kernel and on nicsim, compared line by line: non-blocking connect to
 * a closed port (EINPROGRESS, poll bits, SO_ERROR ECONNREFUSED then 0, ECONNABORTED), repeated non-blocking connect
 * to a listener, connect on a listening socket, a duplicate 4-tuple, bind conflicts, UDP and TCP to the subnet
 * broadcast, UDP ECONNREFUSED once after ICMP port unreachable, the argument checks in their order, and ephemeral
 * port exhaustion.
 *
 * <p>The kernel side is {@code src/test/c/connect_scenarios.c}, compiled with gcc at test time and run in two fresh
 * network namespaces joined by a veth pair (A 10.0.0.1/24, B 10.0.0.2/24, the addresses of {@link TwoHosts}); the
 * namespaces are deleted afterwards. It needs root, iproute2 and gcc: without them the test is skipped with the
 * reason, and under {@code NICSIM_REQUIRE_TOOLS=1} (CI) it fails instead.
 */
class KernelConformanceTest
{
    @Test
    void connectScenariosMatchTheKernel(@TempDir final Path dir) throws Exception
    {
        final Map<String, List<String>> kernel = byScenario(runOnKernel(dir));
        final Map<String, List<String>> nicsim = byScenario(NicsimScenarios.run());
        assertEquals(kernel.keySet(), nicsim.keySet(), "the same scenarios ran on both");
        for (final String scenario : kernel.keySet())
        {
            assertEquals(String.join("\n", kernel.get(scenario)), String.join("\n", nicsim.get(scenario)),
                "scenario " + scenario + ": kernel (expected) against nicsim (actual)");
        }
        assertTrue(kernel.size() >= 9, "scenarios compared: " + kernel.keySet());
    }

    private static List<String> runOnKernel(final Path dir)
    {
        return KernelNamespaces.run(dir, KernelNamespaces.compile(dir, "connect_scenarios.c"), List.of());
    }

    private static Map<String, List<String>> byScenario(final List<String> lines)
    {
        final Map<String, List<String>> grouped = new LinkedHashMap<>();
        for (final String line : lines)
        {
            grouped.computeIfAbsent(line.substring(0, line.indexOf(' ')), key -> new ArrayList<>()).add(line);
        }
        return grouped;
    }

    /** The same scenarios, step for step, on two nicsim stacks (see connect_scenarios.c). */
    private static final class NicsimScenarios
    {
        private final List<String> lines = new ArrayList<>();
        private final TwoHosts hosts;
        private final Posix pa;
        private final Posix pb;

        private NicsimScenarios(final TwoHosts hosts)
        {
            this.hosts = hosts;
            this.pa = hosts.pa;
            this.pb = hosts.pb;
        }

        static List<String> run()
        {
            final NicsimScenarios scenarios = new NicsimScenarios(new TwoHosts());
            scenarios.closedPort();
            scenarios.repeatedConnect();
            scenarios.listeningSocket();
            scenarios.duplicateTuple();
            scenarios.bindConflict();
            scenarios.broadcast();
            scenarios.udpRefused();
            scenarios.arguments();
            final NicsimScenarios small = new NicsimScenarios(new TwoHosts(
                StackConfig.defaults().withEphemeralRange(40000, 40001), StackConfig.defaults().withSeed(7),
                NetDevice.FEATURE_TX_CHECKSUM | NetDevice.FEATURE_RX_CHECKSUM));
            small.ephemeralExhaustion();
            scenarios.lines.addAll(small.lines);
            return scenarios.lines;
        }

        private void report(final String scenario, final String step, final int result, final Posix process)
        {
            lines.add(scenario + " " + step + " = " + (result < 0 ? "-1 " + Errno.name(process.errno()) : result));
        }

        private long to(final Posix process, final String ip, final int port)
        {
            return TwoHosts.address(process, Ipv4Address.parse(ip), port);
        }

        private int listenOnB(final int port)
        {
            return hosts.listenOnB(port);
        }

        private String soError(final Posix process, final int fd)
        {
            final long value = process.memory().allocate(4);
            final long length = process.memory().allocate(4);
            process.memory().putInt(length, 4);
            process.getsockopt(fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_ERROR, value, length);
            final int error = process.memory().getInt(value);
            return error == 0 ? "0" : Errno.name(error);
        }

        private void reportPoll(final String scenario, final Posix process, final int fd, final int events)
        {
            final long entry = process.memory().allocate(8);
            process.memory().putInt(entry, fd);
            process.memory().putShort(entry + 4, (short) events);
            final int ready = process.poll(entry, 1, 3000);
            final int revents = ready == 1 ? process.memory().getShort(entry + 6) & 0xFFFF : 0;
            lines.add(scenario + " poll = " + SocketConstants.pollBits(revents));
        }

        private void setInt(final Posix process, final int fd, final int option)
        {
            final long one = process.memory().allocate(4);
            process.memory().putInt(one, 1);
            process.setsockopt(fd, SocketConstants.SOL_SOCKET, option, one, 4);
        }

        void closedPort()
        {
            final String s = "closed-port";
            final long to = to(pa, "10.0.0.2", 81);
            final int fd = pa.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            report(s, "connect", pa.connect(fd, to, 16), pa);
            reportPoll(s, pa, fd, SocketConstants.POLLIN | SocketConstants.POLLOUT | SocketConstants.POLLRDNORM |
                SocketConstants.POLLWRNORM | SocketConstants.POLLRDHUP);
            lines.add(s + " SO_ERROR = " + soError(pa, fd));
            lines.add(s + " SO_ERROR = " + soError(pa, fd));
            report(s, "connect-again", pa.connect(fd, to, 16), pa);
            pa.close(fd);
            final int blocking = pa.socket(AF_INET, SOCK_STREAM, 0);
            report(s, "blocking-connect", pa.connect(blocking, to, 16), pa);
            pa.close(blocking);
        }

        void repeatedConnect()
        {
            final String s = "repeated-connect";
            final int listener = listenOnB(82);
            final long to = to(pa, "10.0.0.2", 82);
            final int fd = pa.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            report(s, "connect", pa.connect(fd, to, 16), pa);
            final int second = pa.connect(fd, to, 16);
            final boolean done = second == 0;
            lines.add(s + " connect-at-once = " + (done || pa.errno() == Errno.EALREADY ? "0 or -1 EALREADY"
                : Errno.name(pa.errno())));
            reportPoll(s, pa, fd, SocketConstants.POLLOUT);
            lines.add(s + " SO_ERROR = " + soError(pa, fd));
            if (!done)
            {
                report(s, "connect-when-writable", pa.connect(fd, to, 16), pa);
            }
            else
            {
                lines.add(s + " connect-when-writable = 0");
            }
            report(s, "connect-after", pa.connect(fd, to, 16), pa);
            pa.close(fd);
            pb.close(listener);
        }

        void listeningSocket()
        {
            final int listener = listenOnB(83);
            report("listening-socket", "connect", pb.connect(listener, to(pb, "10.0.0.1", 83), 16), pb);
            pb.close(listener);
        }

        void duplicateTuple()
        {
            final String s = "duplicate-4-tuple";
            final int listener = listenOnB(84);
            final long local = to(pa, "10.0.0.1", 5000);
            final long to = to(pa, "10.0.0.2", 84);
            final int first = pa.socket(AF_INET, SOCK_STREAM, 0);
            final int second = pa.socket(AF_INET, SOCK_STREAM, 0);
            setInt(pa, first, SocketConstants.SO_REUSEADDR);
            setInt(pa, second, SocketConstants.SO_REUSEADDR);
            report(s, "bind-first", pa.bind(first, local, 16), pa);
            report(s, "bind-second", pa.bind(second, local, 16), pa);
            report(s, "connect-first", pa.connect(first, to, 16), pa);
            report(s, "connect-second", pa.connect(second, to, 16), pa);
            pa.close(first);
            pa.close(second);
            pb.close(listener);
        }

        void bindConflict()
        {
            final String s = "bind-conflict";
            final int listener = listenOnB(85);
            final int fd = pb.socket(AF_INET, SOCK_STREAM, 0);
            report(s, "bind", pb.bind(fd, to(pb, "0.0.0.0", 85), 16), pb);
            setInt(pb, fd, SocketConstants.SO_REUSEADDR);
            report(s, "bind-reuseaddr", pb.bind(fd, to(pb, "10.0.0.2", 85), 16), pb);
            pb.close(listener);
            report(s, "bind-after-close", pb.bind(fd, to(pb, "10.0.0.2", 85), 16), pb);
            pb.close(fd);
        }

        void broadcast()
        {
            final String s = "broadcast";
            final long to = to(pa, "10.0.0.255", 7000);
            final int udp = pa.socket(AF_INET, SOCK_DGRAM, 0);
            report(s, "udp-connect", pa.connect(udp, to, 16), pa);
            setInt(pa, udp, SocketConstants.SO_BROADCAST);
            report(s, "udp-connect-so-broadcast", pa.connect(udp, to, 16), pa);
            final int tcp = pa.socket(AF_INET, SOCK_STREAM, 0);
            report(s, "tcp-connect", pa.connect(tcp, to, 16), pa);
            pa.close(udp);
            pa.close(tcp);
        }

        void udpRefused()
        {
            final String s = "udp-refused";
            final long data = pa.memory().allocate(10);
            final int fd = pa.socket(AF_INET, SOCK_DGRAM, 0);
            report(s, "connect", pa.connect(fd, to(pa, "10.0.0.2", 9999), 16), pa);
            report(s, "send", pa.send(fd, data, 10, 0), pa);
            reportPoll(s, pa, fd, 0);
            report(s, "send", pa.send(fd, data, 10, 0), pa);
            report(s, "send", pa.send(fd, data, 10, 0), pa);
            pa.close(fd);
        }

        void arguments()
        {
            final String s = "arguments";
            final long to = to(pa, "10.0.0.2", 86);
            final long pipe = pa.memory().allocate(8);
            pa.pipe(pipe);
            final int readEnd = pa.memory().getInt(pipe);
            int fd = pa.socket(AF_INET, SOCK_STREAM, 0);
            pa.close(fd);
            report(s, "closed-fd", pa.connect(fd, to, 16), pa);
            report(s, "null-on-pipe", pa.connect(readEnd, 0, 16), pa);
            report(s, "bad-pointer-on-pipe", pa.connect(readEnd, 8, 16), pa);
            report(s, "too-long-on-pipe", pa.connect(readEnd, to, 129), pa);
            report(s, "pipe", pa.connect(readEnd, to, 16), pa);
            fd = pa.socket(AF_INET, SOCK_STREAM, 0);
            report(s, "length-negative", pa.connect(fd, to, -1), pa);
            report(s, "length-0", pa.connect(fd, to, 0), pa);
            report(s, "length-1", pa.connect(fd, to, 1), pa);
            report(s, "length-15", pa.connect(fd, to, 15), pa);
            final long inet6 = pa.memory().allocate(28);
            pa.memory().putShort(inet6, (short) SocketConstants.AF_INET6);
            report(s, "af-inet6", pa.connect(fd, inet6, 16), pa);
            pa.close(fd);
        }

        void ephemeralExhaustion()
        {
            final int listener = listenOnB(87);
            final long to = to(pa, "10.0.0.2", 87);
            for (int i = 0; i < 3; i++)
            {
                final int fd = pa.socket(AF_INET, SOCK_STREAM, 0);
                report("ephemeral-exhaustion", "connect", pa.connect(fd, to, 16), pa);
            }
            pb.close(listener);
        }
    }
}
