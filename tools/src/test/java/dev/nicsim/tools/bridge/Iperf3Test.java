package dev.nicsim.tools.bridge;

import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.testsupport.ExternalTool;
import dev.nicsim.stack.wire.Ipv4Address;
import dev.nicsim.tools.config.TestbedParameters;
import dev.nicsim.tools.iperf.Iperf3Client;
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
 * The simulated host B as an iperf3 client of a stock {@code iperf3 -s} (Debian's) in the kernel's namespace, over
 * the TAP bridge: the test completes, and the server's own JSON report counts the bytes B says it sent.
 */
class Iperf3Test
{
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
                sim.runUntil(() -> false, sim.now() + Time.MS * 300); // the server binds its port meanwhile
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
