package dev.nicsim.hw.testsupport;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an outside program (tshark, vcd2fst) for an interop test. Where the program is missing the test is skipped
 * with the reason, unless the environment sets {@code NICSIM_REQUIRE_TOOLS=1} (CI does), where it fails.
 */
public final class ExternalTool
{
    /** What a finished program printed. */
    public record Result(int exitCode, String stdout, String stderr)
    {
    }

    private ExternalTool()
    {
    }

    public static Result run(final Path workingDirectory, final String... command)
    {
        requireInstalled(command[0]);
        try
        {
            final Process process = new ProcessBuilder(command).directory(workingDirectory.toFile()).start();
            final byte[] out = process.getInputStream().readAllBytes();
            final byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                Assertions.fail(command[0] + " did not finish within 60 s");
            }
            return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8),
                new String(err, StandardCharsets.UTF_8));
        }
        catch (final IOException | InterruptedException e)
        {
            throw new AssertionError("running " + String.join(" ", command) + " failed", e);
        }
    }

    /**
     * Skips the test (or fails it under {@code NICSIM_REQUIRE_TOOLS=1}) unless {@code available}; {@code missing}
     * says what is missing and how to get it.
     */
    public static void require(final boolean available, final String missing)
    {
        if (available)
        {
            return;
        }
        if ("1".equals(System.getenv("NICSIM_REQUIRE_TOOLS")))
        {
            Assertions.fail(missing + "; required by NICSIM_REQUIRE_TOOLS=1");
        }
        Assumptions.abort(missing + "; interop check skipped");
    }

    private static void requireInstalled(final String program)
    {
        require(onPath(program), program + " is not installed (Debian: apt-get install " +
            (program.equals("vcd2fst") ? "gtkwave" : program.equals("ip") ? "iproute2" : program) + ")");
    }

    /** Whether {@code program} is on the PATH. */
    public static boolean installed(final String program)
    {
        return onPath(program);
    }

    private static boolean onPath(final String program)
    {
        final List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        for (final String dir : dirs)
        {
            if (!dir.isEmpty() && Path.of(dir, program).toFile().canExecute())
            {
                return true;
            }
        }
        return false;
    }
}
