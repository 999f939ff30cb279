package dev.nicsim.tools.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the JMH benchmarks in a child JVM on the same JDK, with the gc profiler and fail-on-error, writing JMH's JSON.
 * The launcher script builds the benchmarks module first and tells this command where the project is.
 */
@Command(name = "bench",
    mixinStandardHelpOptions = true,
    description = {"Run the JMH benchmarks (handshake fast path, simulation speed, event kernel) with the gc profiler.",
        "Writes JMH's JSON results; figures for docs/PERFORMANCE.md come from here."},
    footer = {"", "Examples:", "  nicsim bench --quick", "  nicsim bench --json out/bench/full.json",
        "  nicsim bench --quick Handshake", "  nicsim bench --quick --jfr out/bench/jfr HandshakeBenchmark.fullModel"})
final class BenchCommand implements Runnable
{
    /** Set by the launcher script: the project's root folder. */
    static final String HOME_PROPERTY = "nicsim.home";

    @Option(names = "--quick", description = "One fork, short iterations: a check in under 3 minutes, not a figure "
        + "to publish.")
    private boolean quick;

    @Option(names = "--json", paramLabel = "FILE", defaultValue = "out/bench/jmh-result.json",
        description = "Where to write JMH's JSON results (default: ${DEFAULT-VALUE}).")
    private Path json;

    @Option(names = "--jfr", paramLabel = "DIR", description = "Also record a Flight Recorder profile of each " +
        "benchmark into DIR (JMH's jfr profiler); 'jfr view hot-methods DIR/<benchmark>/profile.jfr' lists the top " +
        "costs.")
    private Path jfr;

    @Parameters(paramLabel = "REGEX", arity = "0..*", description = "Only benchmarks matching these patterns.")
    private List<String> include = new ArrayList<>();

    @Override
    public void run()
    {
        final String home = System.getProperty(HOME_PROPERTY);
        if (home == null)
        {
            throw new IllegalStateException("run benchmarks through the launcher ('./nicsim bench'), which builds them");
        }
        final Path target = Path.of(home, "benchmarks", "target");
        final Path jar = target.resolve("benchmarks.jar");
        if (!Files.isRegularFile(jar))
        {
            throw new IllegalStateException("benchmarks are not built (" + jar + " is missing); './nicsim bench' " +
                "builds them");
        }
        try
        {
            final Path output = json.toAbsolutePath();
            Files.createDirectories(output.getParent());
            final Process jmh = new ProcessBuilder(command(jar, target.resolve("lib"), output)).inheritIO().start();
            final int exit = jmh.waitFor();
            if (exit != 0)
            {
                throw new IllegalStateException("JMH failed with exit code " + exit + " (see its output above)");
            }
            System.out.println("JMH results: " + output);
        }
        catch (final IOException e)
        {
            throw new IllegalStateException("cannot run JMH: " + e.getMessage(), e);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while JMH ran", e);
        }
    }

    private List<String> command(final Path jar, final Path lib, final Path output)
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("--sun-misc-unsafe-memory-access=allow");
        command.add("-cp");
        command.add(jar + File.pathSeparator + lib.resolve("*"));
        command.add("org.openjdk.jmh.Main");
        command.addAll(List.of("-foe", "true", "-prof", "gc", "-rf", "json", "-rff", output.toString()));
        if (jfr != null)
        {
            command.addAll(List.of("-prof", "jfr:dir=" + jfr.toAbsolutePath()));
        }
        if (quick)
        {
            command.addAll(List.of("-f", "1", "-wi", "2", "-w", "1s", "-i", "3", "-r", "1s"));
        }
        command.addAll(include);
        return command;
    }
}
