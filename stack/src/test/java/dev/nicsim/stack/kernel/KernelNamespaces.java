package dev.nicsim.stack.kernel;

import dev.nicsim.hw.testsupport.ExternalTool;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real-kernel side of the differentials: compiles a C program from {@code src/test/c} with gcc and runs it in
 * two fresh network namespaces joined by a veth pair (A 10.0.0.1/24 on veth0, B 10.0.0.2/24 on veth1, the addresses
 * of nicsim's TwoHosts), deleting them afterwards. The program gets A's and B's namespace paths as its first two
 * arguments and starts in A. Needs root, iproute2 and gcc: without them the test is skipped with the reason, and
 * under {@code NICSIM_REQUIRE_TOOLS=1} (CI) it fails.
 */
final class KernelNamespaces
{
    private KernelNamespaces()
    {
    }

    /** Compiles {@code src/test/c/<source>} into {@code dir} and returns the binary's path. */
    static Path compile(final Path dir, final String source)
    {
        final ExternalTool.Result uid = ExternalTool.run(dir, "id", "-u");
        ExternalTool.require(uid.stdout().strip().equals("0"), "not root: network namespaces need root (CI runs " +
            "as root)");
        final Path file = Path.of("src/test/c", source).toAbsolutePath();
        assertTrue(Files.isRegularFile(file), "missing " + file + " (tests run from the stack module's folder)");
        final String binary = source.replace(".c", "");
        final ExternalTool.Result compiled = ExternalTool.run(dir, "gcc", "-O1", "-Wall", "-Wextra", "-Werror", "-o",
            binary, file.toString());
        assertEquals(0, compiled.exitCode(), () -> "gcc failed: " + compiled.stderr());
        return dir.resolve(binary);
    }

    /** Runs {@code binary} with the two namespaces' paths and then {@code arguments}; returns its stdout lines. */
    static java.util.List<String> run(final Path dir, final Path binary, final String... arguments)
    {
        final String tag = "-" + ProcessHandle.current().pid() + "-" + binary.getFileName();
        final String a = "nicsim-a" + tag;
        final String b = "nicsim-b" + tag;
        try
        {
            final ExternalTool.Result added = ExternalTool.run(dir, "ip", "netns", "add", a);
            ExternalTool.require(added.exitCode() == 0, "cannot create a network namespace (" +
                added.stderr().strip() + ")");
            ip(dir, "netns", "add", b);
            ip(dir, "-n", a, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1", "netns", b);
            ip(dir, "-n", a, "addr", "add", "10.0.0.1/24", "dev", "veth0");
            ip(dir, "-n", b, "addr", "add", "10.0.0.2/24", "dev", "veth1");
            for (final String[] link : new String[][] {{a, "lo"}, {b, "lo"}, {a, "veth0"}, {b, "veth1"}})
            {
                ip(dir, "-n", link[0], "link", "set", link[1], "up");
            }
            final String[] command = new String[7 + arguments.length];
            command[0] = "ip";
            command[1] = "netns";
            command[2] = "exec";
            command[3] = a;
            command[4] = binary.toString();
            command[5] = "/var/run/netns/" + a;
            command[6] = "/var/run/netns/" + b;
            System.arraycopy(arguments, 0, command, 7, arguments.length);
            final ExternalTool.Result run = ExternalTool.run(dir, command);
            assertEquals(0, run.exitCode(), () -> binary.getFileName() + " failed: " + run.stderr());
            return run.stdout().lines().toList();
        }
        finally
        {
            ExternalTool.run(dir, "ip", "netns", "del", a);
            ExternalTool.run(dir, "ip", "netns", "del", b);
        }
    }

    private static void ip(final Path dir, final String... arguments)
    {
        final String[] command = new String[arguments.length + 1];
        command[0] = "ip";
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        final ExternalTool.Result result = ExternalTool.run(dir, command);
        assertEquals(0, result.exitCode(), () -> String.join(" ", command) + ": " + result.stderr());
    }
}
