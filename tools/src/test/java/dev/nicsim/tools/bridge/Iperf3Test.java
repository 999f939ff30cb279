package dev.nicsim.tools.bridge;

import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.testsupport.ExternalTool;
import dev.nicsim.stack.wire.Ipv4Address;
import dev.nicsim.tools.config.TestbedParameters;
import dev.nicsim.tools.iperf.Iperf3Client;
import dev.nicsim.tools.iperf.Iperf3Server;
import dev.nicsim.tools.testbed.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * iperf3 over the TAP bridge with Debian's stock iperf3 in the kernel's namespace, both roles: B as the client of
 * {@code iperf3 -s}, and B serving {@code iperf3 -c}. Each test completes, and each side's JSON report carries the
 * byte counts the other side measured (iperf3's results exchange).
 */
class Iperf3Test
{
    @Test
    void shouldServeAStockIperf3ClientsTest(@TempDir final Path dir)
    {
        ExternalTool.require(ExternalTool.installed("iperf3"), "iperf3 is not installed (Debian: apt-get install " +
            "iperf3)");
        try (KernelNamespace kernel = KernelNamespace.create(dir, "iperfs"))
        {
            final Network network = Network.build(TestbedParameters.defaults().assign("link.switch=true"), 2);
            final Simulator sim = network.sim();
            try (TapBridge bridge = network.bridgeToKernel(kernel.tapName()))
            {
                kernel.take(1500);
                final Iperf3Server server = new Iperf3Server(network.host('B').newProcess(), sim,
                    Iperf3Client.DEFAULT_PORT);
                final Process client = kernel.start("iperf3", "-c", "10.0.0.2", "-t", "2", "-J");
                final Iperf3Server.Result result = server.serveOne();
                server.close();
                final String report = KernelNamespace.finish(sim, client, 10);
                assertFalse(report.contains("\"error\""), report);
                final Matcher sent = Pattern.compile("\"sum_sent\":\\s*\\{[^}]*\"bytes\":\\s*(\\d+)[^}]*" +
                    "\"bits_per_second\":\\s*([0-9.e+]+)").matcher(report);
                final Matcher received = Pattern.compile("\"sum_received\":\\s*\\{[^}]*\"bytes\":\\s*(\\d+)")
                    .matcher(report);
                assertTrue(sent.find() && received.find(), report);
                assertEquals(result.bytesReceived(), Long.parseLong(received.group(1)), "the client's report " +
                    "carries what B received");
                assertEquals(Long.parseLong(sent.group(1)), result.clientBytes(), "B got the client's results");
                assertTrue(result.bytesReceived() > result.clientBytes() / 2, result.toString());
                System.out.printf("iperf3 -c -> simulated B: %.1f Mbit/s sent (iperf3 client's report), %.1f Mbit/s " +
                    "received (B); bridge: %s%n", Double.parseDouble(sent.group(2)) / 1e6, result.bitsPerSecond() / 1e6,
                    bridge.summary());
            }
        }
    }

    @Test
    void shouldRunAStockIperf3ServersTestFromTheSimulatedHost(@TempDir final Path dir) throws Exception
    {
        ExternalTool.require(ExternalTool.installed("iperf3"), "iperf3 is not installed (Debian: apt-get install " +
            "iperf3)");
        try (KernelNamespace kernel = KernelNamespace.create(dir, "iperf"))
        {
            final Network network = Network.build(TestbedParameters.defaults().assign("link.switch=true"), 2);
            final Simulator sim = network.sim();
            try (TapBridge bridge = network.bridgeToKernel(kernel.tapName()))
            {
                kernel.take(1500);
                final Process server = kernel.start("iperf3", "-s", "-1", "-J", "-B", KernelNamespace.ADDRESS);
                kernel.awaitListening(sim, Iperf3Client.DEFAULT_PORT);
                final Iperf3Client.Result result = new Iperf3Client(network.host('B').stack()).run(
                    Ipv4Address.parse(KernelNamespace.ADDRESS), Iperf3Client.DEFAULT_PORT, Time.seconds(2), 14);
                final String report = KernelNamespace.finish(sim, server, 10);
                assertFalse(report.contains("\"error\""), report);
                final Matcher received = Pattern.compile("\"sum_received\":\\s*\\{[^}]*\"bytes\":\\s*(\\d+)[^}]*" +
                    "\"bits_per_second\":\\s*([0-9.e+]+)").matcher(report);
                assertTrue(received.find(), report);
                final long serverBytes = Long.parseLong(received.group(1));
                assertEquals(serverBytes, result.bytesReceived(), "the results exchange carried the server's count");
                assertTrue(serverBytes > result.bytesSent() / 2 && serverBytes <= result.bytesSent(),
                    serverBytes + " of " + result.bytesSent());
                System.out.printf("simulated B -> iperf3 -s: %.1f Mbit/s sent (B), %.1f Mbit/s received (iperf3 " +
                    "server's report); bridge: %s%n", result.bitsPerSecond() / 1e6,
                    Double.parseDouble(received.group(2)) / 1e6, bridge.summary());
            }
        }
    }
}
