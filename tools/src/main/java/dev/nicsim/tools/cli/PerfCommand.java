package dev.nicsim.tools.cli;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.tools.config.ConfigException;
import dev.nicsim.tools.report.Json;
import dev.nicsim.tools.report.OutputDirectory;
import dev.nicsim.tools.report.PerfReport;
import dev.nicsim.tools.sweep.PerfTarget;
import dev.nicsim.tools.sweep.SweepTarget;
import dev.nicsim.tools.workload.perf.PerfOptions;
import dev.nicsim.tools.workload.perf.PerfResult;
import dev.nicsim.tools.workload.perf.PerfRun;
import dev.nicsim.tools.workload.perf.PerfTest;
import dev.nicsim.tools.workload.perf.TrafficPattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.Console;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** netperf's tests through the full model. */
@Command(name = "perf",
    mixinStandardHelpOptions = true,
    description = {"Run a netperf test through the full model (stacks, drivers, NICs, PCIe, links): TCP_STREAM, " +
        "TCP_MAERTS, TCP_RR, TCP_CRR, UDP_STREAM or UDP_RR, for --duration simulated seconds after a --warmup.",
        "Prints goodput, transactions/s, latency percentiles and each host's CPU use; writes perf.json, stats.txt " +
            "(every counter) and PNG plots of the latency CDF and of throughput over time."},
    footer = {"", "Examples:",
        "  nicsim perf TCP_STREAM --duration 10",
        "  nicsim perf TCP_RR --duration 1 --set driver.itr_units=32",
        "  nicsim perf TCP_STREAM --hosts 9 --pattern incast --duration 0.5",
        "  nicsim perf UDP_RR -r 64,1024 --flows 4"})
final class PerfCommand implements Runnable
{
    private static final int BAR_WIDTH = 30;

    @Parameters(index = "0", paramLabel = "TEST",
        description = "TCP_STREAM, TCP_MAERTS, TCP_RR, TCP_CRR, UDP_STREAM or UDP_RR.")
    private String test;

    @Mixin
    private SettingsOptions settings;

    @Option(names = {"-l", "--duration"}, paramLabel = "SECONDS", defaultValue = "10",
        description = "Simulated seconds measured (default: ${DEFAULT-VALUE}, as netperf).")
    private double duration;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "0.01",
        description = "Simulated seconds run first and left out of every figure (default: ${DEFAULT-VALUE}).")
    private double warmup;

    @Option(names = {"-m", "--message-size"}, paramLabel = "BYTES",
        description = "Bytes per send() of a stream test (default: 16384 for TCP, 1472 for UDP).")
    private Integer messageSize;

    @Option(names = {"-r", "--request-response"}, paramLabel = "REQ,RESP",
        description = "Request and response sizes of an RR test, as netperf's -r (default: 1,1).")
    private String requestResponse;

    @Option(names = "--flows", paramLabel = "N", defaultValue = "1",
        description = "Parallel connections per client/server pair (default: ${DEFAULT-VALUE}).")
    private int flows;

    @Option(names = "--hosts", paramLabel = "N", defaultValue = "2",
        description = "Hosts on the testbed; more than two are joined by the switch (default: ${DEFAULT-VALUE}).")
    private int hosts;

    @Option(names = "--pattern", paramLabel = "P", defaultValue = "pairs",
        description = "Who is whose client: pairs (A-B, C-D...), incast (all to A) or all-to-all " +
            "(default: ${DEFAULT-VALUE}).")
    private String pattern;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "100",
        description = "Intervals of the throughput-over-time series (default: ${DEFAULT-VALUE}).")
    private int samples;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "out/perf",
        description = "Folder for the run's files (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Override
    public void run()
    {
        final PerfOptions options = options();
        final var resolved = settings.resolve();
        final OutputDirectory output = OutputDirectory.open(out);
        final Console console = System.console();
        final long wallStart = System.nanoTime();
        PerfRun run = null;
        try
        {
            run = PerfRun.start(resolved, options);
            final PerfResult result = run.measure((simulated, total) -> progress(console, simulated, total,
                System.nanoTime() - wallStart));
            PerfReport.write(result, output);
            final double wallSeconds = (System.nanoTime() - wallStart) / 1e9;
            output.writeString("wall.json", Json.write(wall(options, wallSeconds)));
            output.commit();
            if (console != null)
            {
                System.err.println();
            }
            System.out.print(PerfReport.table(result));
            System.out.printf(Locale.ROOT, "%n%.6g simulated s (with warm-up) in %.1f s of wall time: %.2fx real " +
                    "time; files in %s%n", options.durationS() + options.warmupS(), wallSeconds,
                (options.durationS() + options.warmupS()) / wallSeconds, output.target());
        }
        catch (final RuntimeException e)
        {
            PerfReport.writeFailed(output, options, resolved, run, e);
            System.err.println("nicsim perf: the run failed; its summary and counters up to the failure are in " +
                output.target());
            throw e;
        }
    }

    /**
     * The perf target of a sweep ({@code sweep ... perf TCP_RR --duration 1}): the words after {@code perf} parsed as
     * this command's test and options. Settings and the output folder belong to the sweep, before the target.
     *
     * @throws ConfigException for words this command would refuse, or for --set, --config or --out among them
     */
    static SweepTarget sweepTarget(final List<String> words)
    {
        final PerfCommand command = new PerfCommand();
        final CommandLine.ParseResult parsed;
        try
        {
            parsed = new CommandLine(command).parseArgs(words.toArray(String[]::new));
        }
        catch (final CommandLine.ParameterException e)
        {
            throw new ConfigException("sweep target perf: " + e.getMessage());
        }
        for (final String option : List.of("--set", "--config", "--out"))
        {
            if (parsed.hasMatchedOption(option))
            {
                throw new ConfigException("sweep target perf: give " + option + " to sweep, before 'perf' (it " +
                    "applies to every point)");
            }
        }
        return new PerfTarget(words, command.options());
    }

    /** The options as netperf's test and sizes, each checked with the option's name in the message. */
    PerfOptions options()
    {
        final PerfTest parsed;
        try
        {
            parsed = PerfTest.valueOf(test.toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException e)
        {
            throw new ConfigException("unknown test '" + test + "': choose TCP_STREAM, TCP_MAERTS, TCP_RR, TCP_CRR, " +
                "UDP_STREAM or UDP_RR");
        }
        final TrafficPattern layout;
        try
        {
            layout = TrafficPattern.parse(pattern);
        }
        catch (final IllegalArgumentException e)
        {
            throw new ConfigException("--pattern: " + e.getMessage());
        }
        PerfOptions options = PerfOptions.defaults(parsed).withDuration(duration).withWarmup(warmup)
            .withFlows(flows).withHosts(hosts, layout).withSamples(samples);
        if (messageSize != null)
        {
            options = options.withMessage(messageSize);
        }
        if (requestResponse != null)
        {
            final String[] sizes = requestResponse.split(",", -1);
            try
            {
                final int request = Integer.parseInt(sizes[0].trim());
                final int response = sizes.length > 1 && !sizes[1].isBlank() ? Integer.parseInt(sizes[1].trim()) :
                    request;
                options = options.withTransaction(request, response);
            }
            catch (final NumberFormatException e)
            {
                throw new ConfigException("-r takes REQ,RESP in bytes (e.g. -r 64,1024), got '" + requestResponse +
                    "'");
            }
        }
        return options;
    }

    private static Map<String, Object> wall(final PerfOptions options, final double wallSeconds)
    {
        final Map<String, Object> wall = new LinkedHashMap<>();
        wall.put("wall_s", wallSeconds);
        wall.put("simulated_s", options.durationS() + options.warmupS());
        wall.put("simulated_per_wall", (options.durationS() + options.warmupS()) / wallSeconds);
        return wall;
    }

    /* A progress bar on the terminal only, with simulated time and the simulated/wall ratio. */
    private static void progress(final Console console, final long simulatedPs, final long totalPs,
        final long wallNanos)
    {
        if (console == null)
        {
            return;
        }
        final int filled = (int) (simulatedPs * BAR_WIDTH / Math.max(1, totalPs));
        final double ratio = wallNanos == 0 ? 0 : simulatedPs / 1e12 / (wallNanos / 1e9);
        System.err.printf(Locale.ROOT, "\r[%s%s] %s of %s simulated, %.2fx real time   ", "#".repeat(filled),
            " ".repeat(BAR_WIDTH - filled), Time.format(simulatedPs), Time.format(totalPs), ratio);
        System.err.flush();
    }
}
