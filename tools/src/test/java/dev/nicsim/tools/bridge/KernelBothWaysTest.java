package dev.nicsim.tools.bridge;

import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.eth.FrameTap;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.testsupport.ExternalTool;
import dev.nicsim.hw.trace.PcapWriter;
import dev.nicsim.stack.NetworkStack;
import dev.nicsim.tools.config.TestbedParameters;
import dev.nicsim.tools.demo.ChecksumSink;
import dev.nicsim.tools.demo.DaytimeService;
import dev.nicsim.tools.testbed.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real kernel, in a namespace made here, both ways through the TAP bridge: 100 kernel connects to B's daytime
 * and 10 MiB into B's checksum sink; then 100 connects from B to a daytime server in the kernel and 10 MiB from B
 * into a checksum sink there; tshark then reads the capture of the bridge's link. Prints the throughput each way and
 * the longest silence on the link while bulk data was flowing (docs/bridges.md records them).
 */
class KernelBothWaysTest
{
    private static final int TEN_MIB = 10 << 20;

    private static final String SERVERS = """
        import socket, threading, zlib
        def serve(port, handle):
            listener = socket.socket()
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("10.0.0.254", port))
            listener.listen(64)
            while True:
                connection, _ = listener.accept()
                handle(connection)
        def daytime(connection):
            connection.sendall(b"kernel daytime\\r\\n")
            connection.close()
        def sink(connection):
            count, crc = 0, 0
            while True:
                chunk = connection.recv(1 << 16)
                if not chunk:
                    break
                count += len(chunk)
                crc = zlib.crc32(chunk, crc)
            connection.sendall(count.to_bytes(4, "big") + crc.to_bytes(4, "big"))
            connection.close()
        threading.Thread(target=serve, args=(13, daytime), daemon=True).start()
        serve(5001, sink)
        """;

    private static final String CLIENT = """
        import random, socket, time, zlib
        ok = 0
        for _ in range(100):
            s = socket.create_connection(("10.0.0.2", 13), timeout=10)
            data = b""
            while True:
                chunk = s.recv(256)
                if not chunk:
                    break
                data += chunk
            s.close()
            ok += data.endswith(b"-UTC\\r\\n")
        print("connects %d/100" % ok)
        payload = random.Random(14).randbytes(10 << 20)
        start = time.monotonic()
        s = socket.create_connection(("10.0.0.2", 5001), timeout=10)
        s.sendall(payload)
        s.shutdown(socket.SHUT_WR)
        answer = b""
        while len(answer) < 8:
            chunk = s.recv(8)
            if not chunk:
                break
            answer += chunk
        seconds = time.monotonic() - start
        s.close()
        matched = answer == len(payload).to_bytes(4, "big") + zlib.crc32(payload).to_bytes(4, "big")
        print("bulk %s %.1f MB/s" % ("matched" if matched else "MISMATCH", len(payload) / seconds / 1e6))
        """;

    @Test
    void shouldConnectAndMoveBulkDataBothWaysWithTheRealKernel(@TempDir final Path dir) throws Exception
    {
        ExternalTool.require(ExternalTool.installed("tshark"), "tshark is not installed (Debian: apt-get install " +
            "tshark)");
        final Path capture = dir.resolve("bridge.pcap");
        try (KernelNamespace kernel = KernelNamespace.create(dir, "both");
             OutputStream file = Files.newOutputStream(capture))
        {
            final Network network = Network.build(TestbedParameters.defaults().assign("link.switch=true"), 2);
            final Simulator sim = network.sim();
            final NetworkStack b = network.host('B').stack();
            final DaytimeService daytime = DaytimeService.start(network.host('B'), 13, network.settings());
            final ChecksumSink sink = ChecksumSink.start(network.host('B'), 5001);
            final PcapWriter pcap = new PcapWriter(file);
            final Silences silences = new Silences();
            try (TapBridge bridge = network.bridgeToKernel(kernel.tapName()))
            {
                final EthernetLink kernelLink = network.links().get(network.links().size() - 1);
                kernelLink.addTap(pcap);
                kernelLink.addTap(silences);
                kernel.take(1500);
                final Process servers = kernel.python("servers.py", SERVERS);
                try
                {
                    silences.mark();
                    final String report = KernelNamespace.finish(sim, kernel.python("client.py", CLIENT), 120);
                    assertTrue(report.startsWith("connects 100/100\nbulk matched "), report);
                    assertEquals(100, daytime.served());
                    assertEquals(1, sink.served());
                    assertEquals(TEN_MIB, sink.bytes());
                    final long kernelGap = silences.longestInBulk();

                    for (int i = 0; i < 100; i++)
                    {
                        assertEquals("kernel daytime\r\n", Transfers.fetch(b, KernelNamespace.ADDRESS, 13));
                    }
                    final long bulkStart = sim.now();
                    silences.mark();
                    Transfers.sendChecked(b, KernelNamespace.ADDRESS, 5001, TEN_MIB);
                    final long bulkPs = sim.now() - bulkStart;
                    System.out.printf("kernel -> simulated: %s; simulated -> kernel: 10 MiB in %s = %.1f MB/s; " +
                        "longest silence during bulk: %s (kernel -> simulated), %s (simulated -> kernel); pacing: %s%n",
                        report.lines().skip(1).findFirst().orElseThrow(), Time.format(bulkPs),
                        TEN_MIB / (bulkPs / 1e12) / 1e6, Time.format(kernelGap), Time.format(silences.longestInBulk()),
                        sim.pacing().summary());
                    System.out.println("bridge: " + bridge.summary());
                    System.out.println("B: " + diagnosis(network));
                    System.out.println(kernel.inside("ip", "-s", "link", "show", kernel.tapName()));
                    System.out.println(kernel.inside("nstat", "-az", "TcpRetransSegs", "TcpExtTCPTimeouts", "TcpExtTCPLostRetransmit", "TcpExtTCPFastRetrans", "TcpExtTCPSackRecovery"));
                    assertEquals(0, bridge.badFcs());
                }
                finally
                {
                    servers.destroy();
                }
            }
            pcap.close();
        }
        // The bulk payload is random bytes: heuristic dissectors (Thrift, TLS) claim some of it and report it broken,
        // so the bulk port is decoded as plain data. Only the frames, IPv4 and TCP are this test's business.
        final ExternalTool.Result expert = ExternalTool.run(dir, "tshark", "-r", capture.toString(), "-q",
            "-d", "tcp.port==5001,data", "--disable-protocol", "thrift", "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE",
            "-z", "expert,error");
        assertEquals(0, expert.exitCode(), expert.stderr());
        assertTrue(!expert.stdout().contains("Malformed") && !expert.stdout().contains("Bad checksum") &&
            !expert.stdout().contains("Errors"), expert.stdout());
    }

    private static String diagnosis(final Network network)
    {
        final StringBuilder text = new StringBuilder();
        final var host = network.host('B');
        for (int c = 0; c < dev.nicsim.nic.regs.Counters.COUNT; c++)
        {
            if (host.nic().counter(c) != 0)
            {
                text.append(dev.nicsim.nic.regs.Counters.name(c)).append('=').append(host.nic().counter(c)).append(' ');
            }
        }
        final var stats = host.stack().stats();
        for (int r = 0; r < dev.nicsim.stack.wire.DropReason.COUNT; r++)
        {
            if (stats.drops(r) != 0)
            {
                text.append(dev.nicsim.stack.wire.DropReason.name(r)).append('=').append(stats.drops(r)).append(' ');
            }
        }
        return text.append("retransmissions=").append(stats.retransmissions).toString();
    }

    /**
     * Frame times on a link, and the longest silence while bulk data flowed: between the first and the last
     * full-sized frame after {@link #mark()}.
     */
    private static final class Silences implements FrameTap
    {
        private static final int FULL_SIZED = 1000;
        private long[] times = new long[1 << 16];
        private int[] lengths = new int[1 << 16];
        private int count;
        private int marked;

        @Override
        public void frameOnWire(final String direction, final long time, final MemorySegment frame,
            final long offset, final int length)
        {
            if (count == times.length)
            {
                times = java.util.Arrays.copyOf(times, count * 2);
                lengths = java.util.Arrays.copyOf(lengths, count * 2);
            }
            times[count] = time;
            lengths[count++] = length;
        }

        void mark()
        {
            marked = count;
        }

        long longestInBulk()
        {
            int first = marked;
            while (first < count && lengths[first] < FULL_SIZED)
            {
                first++;
            }
            int last = count - 1;
            while (last > first && lengths[last] < FULL_SIZED)
            {
                last--;
            }
            long longest = 0;
            for (int i = first + 1; i <= last; i++)
            {
                longest = Math.max(longest, times[i] - times[i - 1]);
            }
            return longest;
        }
    }
}
