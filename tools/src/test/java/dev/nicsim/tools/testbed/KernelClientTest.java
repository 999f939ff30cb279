package dev.nicsim.tools.testbed;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.testsupport.ExternalTool;
import dev.nicsim.tools.bridge.TapBridge;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.config.TestbedParameters;
import dev.nicsim.tools.demo.DaytimeService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real Linux kernel as a client of the simulated daytime server: the kernel's TCP, in a network namespace, talks
 * through a TAP interface, the simulated switch and B's simulated NIC, driver and stack. It checks our handshake,
 * options, checksums and close against the real thing.
 */
class KernelClientTest
{
    @Test
    void shouldServeTheRealKernelsTcpThroughTheSimulatedNic(@TempDir final Path dir) throws IOException
    {
        ExternalTool.require("root".equals(System.getProperty("user.name")) && Files.exists(Path.of("/dev/net/tun")),
            "bridging to the kernel needs root and /dev/net/tun");
        final String namespace = "nicsim-bridge-" + ProcessHandle.current().pid();
        final String tap = "nsbr" + (ProcessHandle.current().pid() % 100000);
        assertEquals(0, ExternalTool.run(dir, "ip", "netns", "add", namespace).exitCode());
        try
        {
            final Settings settings = TestbedParameters.defaults().assign("link.switch=true");
            final Network network = Network.build(settings, 2);
            final DaytimeService service = DaytimeService.start(network.host('B'), 13, settings);
            final Path client = dir.resolve("client.py");
            Files.writeString(client, """
                import socket
                s = socket.create_connection(("10.0.0.2", 13), timeout=10)
                data = b""
                while True:
                    chunk = s.recv(256)
                    if not chunk:
                        break
                    data += chunk
                s.close()
                print(data.decode("ascii"), end="")
                """);
            try (TapBridge bridge = network.bridgeToKernel(tap))
            {
                run(dir, "ip", "link", "set", tap, "netns", namespace);
                run(dir, "ip", "netns", "exec", namespace, "ip", "addr", "add", "10.0.0.254/24", "dev", tap);
                run(dir, "ip", "netns", "exec", namespace, "ip", "link", "set", tap, "up");
                final Process python = new ProcessBuilder("ip", "netns", "exec", namespace, "python3",
                    client.toString()).redirectErrorStream(true).start();
                network.sim().runUntil(() -> !python.isAlive(), network.sim().now() + Time.seconds(15));
                final String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);

                assertTrue(output.matches("Tuesday, November 24, 2026 00:00:\\d\\d-UTC\r\n"),
                    "the kernel client read: " + output);
                assertEquals(1, service.served());
                assertEquals(0, bridge.badFcs());
            }
        }
        finally
        {
            ExternalTool.run(dir, "ip", "netns", "del", namespace);
        }
    }

    private static void run(final Path dir, final String... command)
    {
        final ExternalTool.Result result = ExternalTool.run(dir, command);
        assertEquals(0, result.exitCode(), String.join(" ", command) + ": " + result.stderr());
    }
}
