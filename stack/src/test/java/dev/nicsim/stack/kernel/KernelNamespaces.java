package dev.nicsim.stack.kernel;

import dev.nicsim.hw.testsupport.ExternalTool;
import dev.nicsim.stack.context.StackConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real-kernel side of the differentials: compiles a C program from {@code src/test/c} with gcc and runs it in
 * two fresh network namespaces joined by a veth pair (A 10.0.0.1/24 on veth0, B 10.0.0.2/24 on veth1, the addresses
 * of nicsim's TwoHosts), deleting them afterwards. The program gets A's and B's namespace paths as its first two
 * arguments and starts in A. Needs root, iproute2 and gcc: without them the test is skipped with the reason, and
 * under {@code NICSIM_REQUIRE_TOOLS=1} (CI) it fails. The segment differential uses one namespace with a TUN
 * device instead ({@link #runWithTun}), its program playing the peer.
 */
final class KernelNamespaces
{
    private static final Pattern CONFIG_HZ = Pattern.compile("(?m)^CONFIG_HZ=(\\d+)$");

    private KernelNamespaces()
    {
    }

    /**
     * The running kernel's CONFIG_HZ, from /proc/config.gz or /boot/config-RELEASE, so that nicsim's jiffy-counted
     * timers tick as the kernel's do; nicsim's default when the kernel does not tell.
     */
    static int kernelHz()
    {
        try
        {
            final String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
            final Path proc = Path.of("/proc/config.gz");
            final Path boot = Path.of("/boot/config-" + release);
            final String config;
            if (Files.isReadable(proc))
            {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(proc)))
                {
                    config = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                }
            }
            else if (Files.isReadable(boot))
            {
                config = Files.readString(boot, StandardCharsets.US_ASCII);
            }
            else
            {
                return StackConfig.defaults().hz();
            }
            final Matcher hz = CONFIG_HZ.matcher(config);
            return hz.find() ? Integer.parseInt(hz.group(1)) : StackConfig.defaults().hz();
        }
        catch (final IOException unreadable)
        {
            return StackConfig.defaults().hz();
        }
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

    /**
     * Runs {@code binary} with the two namespaces' paths and then {@code arguments}, with the sysctls
     * ("net.ipv4.x=v") of namespace A set first; returns its stdout lines.
     */
    static java.util.List<String> run(final Path dir, final Path binary, final java.util.List<String> sysctls,
        final String... arguments)
    {
        final String tag = "-" + ProcessHandle.current().pid() + "-" + binary.getFileName();
        final String a = "nicsim-a" + tag;
        final String b = "nicsim-b" + tag;
        final String[] command = new String[2 + arguments.length];
        command[0] = "/var/run/netns/" + a;
        command[1] = "/var/run/netns/" + b;
        System.arraycopy(arguments, 0, command, 2, arguments.length);
        return inNamespaces(dir, new String[] {a, b}, binary, command, () ->
        {
            ip(dir, "-n", a, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1", "netns", b);
            ip(dir, "-n", a, "addr", "add", "10.0.0.1/24", "dev", "veth0");
            ip(dir, "-n", b, "addr", "add", "10.0.0.2/24", "dev", "veth1");
            for (final String[] link : new String[][] {{a, "lo"}, {b, "lo"}, {a, "veth0"}, {b, "veth1"}})
            {
                ip(dir, "-n", link[0], "link", "set", link[1], "up");
            }
            for (final String sysctl : sysctls)
            {
                ip(dir, "netns", "exec", a, "sysctl", "-q", "-w", sysctl);
            }
        });
    }

    /**
     * Runs {@code binary} with {@code arguments} in one fresh namespace {@code nicsim-<name>} whose tun0 (a TUN
     * device the binary attaches to) is 10.0.0.1/24, with the namespace's {@code sysctls} ("net.ipv4.x=v") set first;
     * returns its stdout lines. Namespaces of different names may run at the same time.
     */
    static java.util.List<String> runWithTun(final Path dir, final Path binary, final String name,
        final java.util.List<String> sysctls, final String... arguments)
    {
        final String ns = "nicsim-" + ProcessHandle.current().pid() + "-" + name;
        return inNamespaces(dir, new String[] {ns}, binary, arguments, () ->
        {
            ip(dir, "-n", ns, "tuntap", "add", "dev", "tun0", "mode", "tun");
            ip(dir, "-n", ns, "addr", "add", "10.0.0.1/24", "dev", "tun0");
            ip(dir, "-n", ns, "link", "set", "lo", "up");
            ip(dir, "-n", ns, "link", "set", "tun0", "up");
            for (final String sysctl : sysctls)
            {
                ip(dir, "netns", "exec", ns, "sysctl", "-q", "-w", sysctl);
            }
        });
    }

    /** Makes the namespaces, sets them up, runs the binary in the first, and deletes them whatever happened. */
    private static java.util.List<String> inNamespaces(final Path dir, final String[] namespaces, final Path binary,
        final String[] arguments, final Runnable setUp)
    {
        try
        {
            for (final String ns : namespaces)
            {
                final ExternalTool.Result added = ExternalTool.run(dir, "ip", "netns", "add", ns);
                ExternalTool.require(added.exitCode() == 0, "cannot create a network namespace (" +
                    added.stderr().strip() + ")");
            }
            setUp.run();
            final String[] command = new String[5 + arguments.length];
            command[0] = "ip";
            command[1] = "netns";
            command[2] = "exec";
            command[3] = namespaces[0];
            command[4] = binary.toString();
            System.arraycopy(arguments, 0, command, 5, arguments.length);
            final ExternalTool.Result run = ExternalTool.run(dir, command);
            assertEquals(0, run.exitCode(), () -> binary.getFileName() + " failed: " + run.stderr());
            return run.stdout().lines().toList();
        }
        finally
        {
            for (final String ns : namespaces)
            {
                ExternalTool.run(dir, "ip", "netns", "del", ns);
            }
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
