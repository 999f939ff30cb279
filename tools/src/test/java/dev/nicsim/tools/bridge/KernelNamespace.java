package dev.nicsim.tools.bridge;

import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.testsupport.ExternalTool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A network namespace made for one test, holding the kernel's end of a TAP bridge at {@link #ADDRESS}/24, so the
 * test touches none of the machine's own interfaces. Skips (or fails under NICSIM_REQUIRE_TOOLS=1) without root,
 * /dev/net/tun, ip or python3. Programs run in it as child processes while the simulation runs paced.
 */
public final class KernelNamespace implements AutoCloseable
{
    public static final String ADDRESS = "10.0.0.254";

    private final Path dir;
    private final String name;
    private final String tap;

    private KernelNamespace(final Path dir, final String name, final String tap)
    {
        this.dir = dir;
        this.name = name;
        this.tap = tap;
    }

    /** Makes the namespace; {@link #take} then moves the bridge's TAP interface into it. */
    public static KernelNamespace create(final Path dir, final String purpose)
    {
        ExternalTool.require("root".equals(System.getProperty("user.name")) && Files.exists(Path.of("/dev/net/tun")),
            "bridging to the kernel needs root and /dev/net/tun");
        ExternalTool.require(ExternalTool.installed("ip"), "ip is not installed (Debian: apt-get install iproute2)");
        ExternalTool.require(ExternalTool.installed("python3"), "python3 is not installed (Debian: apt-get install " +
            "python3)");
        final long pid = ProcessHandle.current().pid();
        final KernelNamespace namespace = new KernelNamespace(dir, "nicsim-" + purpose + "-" + pid,
            "ns" + purpose.substring(0, Math.min(4, purpose.length())) + (pid % 100000));
        namespace.run("ip", "netns", "add", namespace.name);
        return namespace;
    }

    /** The TAP interface's name the bridge must be opened with. */
    public String tapName()
    {
        return tap;
    }

    /** Moves the (already open) TAP interface into the namespace, gives it {@link #ADDRESS}/24 and {@code mtu}. */
    public void take(final int mtu)
    {
        run("ip", "link", "set", tap, "netns", name);
        inside("ip", "addr", "add", ADDRESS + "/24", "dev", tap);
        inside("ip", "link", "set", tap, "mtu", Integer.toString(mtu), "up");
    }

    /** Runs a command in the namespace to completion and checks its exit code. */
    public String inside(final String... command)
    {
        return run(namespaced(command));
    }

    private String[] namespaced(final String... command)
    {
        final String[] full = new String[command.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = name;
        System.arraycopy(command, 0, full, 4, command.length);
        return full;
    }

    /**
     * Runs the simulation in 10 ms steps until a TCP socket in the namespace listens on {@code port} (as {@code ss}
     * lists it): a server started with {@link #start} binds when the kernel gets to it, later on a loaded machine.
     */
    public void awaitListening(final Simulator sim, final int port)
    {
        for (int step = 0; step < 1000; step++)
        {
            if (!inside("ss", "-Hltn", "sport = :" + port).isBlank())
            {
                return;
            }
            sim.runUntil(() -> false, sim.now() + 10 * Time.MS);
        }
        throw new AssertionError("nothing listens on port " + port + " in " + name + " after 10 simulated seconds");
    }

    /** Starts a program in the namespace (stderr joined to stdout). */
    public Process start(final String... command)
    {
        try
        {
            return new ProcessBuilder(namespaced(command)).directory(dir.toFile()).redirectErrorStream(true).start();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code source} to a file and starts python3 on it in the namespace with {@code args}. */
    public Process python(final String script, final String source, final String... args)
    {
        final Path file = dir.resolve(script);
        try
        {
            Files.writeString(file, source);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        final String[] command = new String[args.length + 2];
        command[0] = "python3";
        command[1] = file.toString();
        System.arraycopy(args, 0, command, 2, args.length);
        return start(command);
    }

    /**
     * Runs the paced simulation until {@code process} ends (at most {@code seconds} of wall-clock time) and returns
     * what it printed; fails if it did not end or exited non-zero.
     */
    public static String finish(final Simulator sim, final Process process, final int seconds)
    {
        sim.runUntil(() -> !process.isAlive(), sim.now() + Time.seconds(seconds));
        try
        {
            final boolean ended = !process.isAlive();
            if (!ended)
            {
                process.destroyForcibly();
            }
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(ended, "the program did not finish in " + seconds + " s: " + output);
            assertEquals(0, process.exitValue(), output);
            return output;
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    private String run(final String... command)
    {
        final ExternalTool.Result result = ExternalTool.run(dir, command);
        assertEquals(0, result.exitCode(), String.join(" ", command) + ": " + result.stderr());
        return result.stdout();
    }

    @Override
    public void close()
    {
        ExternalTool.run(dir, "ip", "netns", "del", name);
    }
}
