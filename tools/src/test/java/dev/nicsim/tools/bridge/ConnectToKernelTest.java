package dev.nicsim.tools.bridge;

import dev.nicsim.hw.testsupport.ExternalTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nicsim connect --netdev tap,...} as a user runs it: the TAP interface made beforehand and configured in a
 * namespace with a daytime server in the kernel behind it, and the command run in that namespace (a JVM of its own,
 * since a namespace belongs to a process), attaching to the existing interface. Host A's connect() reaches the
 * kernel's server and prints what it sent, and the bridge's counters come at the end.
 */
class ConnectToKernelTest
{
    private static final String SERVER = """
        import socket
        listener = socket.socket()
        listener.bind(("10.0.0.254", 13))
        listener.listen(1)
        print("listening", flush=True)
        connection, _ = listener.accept()
        connection.sendall(b"daytime from the kernel\\r\\n")
        connection.close()
        """;

    @Test
    void shouldConnectFromTheSimulatedHostToAServerInTheKernel(@TempDir final Path dir) throws Exception
    {
        try (KernelNamespace kernel = KernelNamespace.create(dir, "cli"))
        {
            kernel.inside("ip", "tuntap", "add", kernel.tapName(), "mode", "tap");
            kernel.inside("ip", "addr", "add", KernelNamespace.ADDRESS + "/24", "dev", kernel.tapName());
            kernel.inside("ip", "link", "set", kernel.tapName(), "up");
            final Process server = kernel.python("server.py", SERVER);
            assertEquals("listening", new String(server.getInputStream().readNBytes(9), StandardCharsets.US_ASCII));
            final String java = ProcessHandle.current().info().command().orElseThrow();
            final Process nicsim = kernel.start(java, "--enable-native-access=ALL-UNNAMED,dev.nicsim.tools",
                "-p", System.getProperty("jdk.module.path"), "-m", "dev.nicsim.tools/dev.nicsim.tools.cli.Main",
                "connect", KernelNamespace.ADDRESS + ":13", "--netdev", "tap,ifname=" + kernel.tapName());
            final boolean ended = nicsim.waitFor(60, TimeUnit.SECONDS);
            final String output = new String(nicsim.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            server.destroy();
            assertTrue(ended, output);
            assertEquals(0, nicsim.exitValue(), output);
            assertTrue(output.contains("received: daytime from the kernel"), output);
            assertTrue(output.contains("tap-" + kernel.tapName() + ": ") && output.contains("0 bad FCS"), output);
        }
        catch (final IOException e)
        {
            throw new AssertionError(e);
        }
    }
}
