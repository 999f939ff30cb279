package dev.nicsim.tools.cli;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.tools.demo.LatencyBreakdown;
import dev.nicsim.tools.demo.Sweep;
import dev.nicsim.tools.report.OutputDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.Console;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Runs the demo for each value of one parameter and shows what it does to connect(). */
@Command(name = "sweep",
    mixinStandardHelpOptions = true,
    description = {"Run the demo once per value of one parameter (--set KEY=V1,V2,...) and show how connect()'s " +
        "latency and its breakdown change.",
        "Prints a table and writes sweep.csv, sweep.png (stacked bars of the breakdown per value) and one summary " +
            "per value. Other --set and --config options fix the rest of the configuration."},
    footer = {"", "Examples:", "  nicsim sweep --set pcie.dma_read_latency_ns=300,500,700,900",
        "  nicsim sweep --set driver.itr_units=0,4,16,64 --out /tmp/itr"})
final class SweepCommand implements Runnable
{
    private static final int BAR_WIDTH = 30;

    @Mixin
    private SettingsOptions options;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "out/sweep",
        description = "Folder for the results (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Override
    public void run()
    {
        final Sweep.Plan plan = options.sweep();
        final OutputDirectory output = OutputDirectory.open(out);
        final Console console = System.console();
        final List<Sweep.Point> points;
        try
        {
            points = Sweep.run(plan, output, (index, count, value) -> progress(console, index, count,
                plan.key() + "=" + value));
            progress(console, plan.values().size(), plan.values().size(), "done");
            output.commit();
        }
        catch (final RuntimeException e)
        {
            output.abandon();
            throw e;
        }
        if (console != null)
        {
            System.err.println();
        }
        printTable(plan.key(), points);
        System.out.printf("%nfiles in %s: %s, %s, and one summary per value%n", output.target(), Sweep.CSV,
            Sweep.PLOT);
    }

    /* A progress bar on the terminal only: nothing when the output is piped or captured. */
    private static void progress(final Console console, final int done, final int count, final String label)
    {
        if (console == null)
        {
            return;
        }
        final int filled = done * BAR_WIDTH / count;
        System.err.printf("\r[%s%s] %d/%d %-40s", "#".repeat(filled), " ".repeat(BAR_WIDTH - filled), done, count,
            label);
        System.err.flush();
    }

    private static void printTable(final String key, final List<Sweep.Point> points)
    {
        final Map<String, Long> first = points.get(0).result().breakdown().parts();
        System.out.printf("%-24s %12s", key, "connect()");
        for (final String part : first.keySet())
        {
            System.out.printf(" %12s", shortName(part));
        }
        System.out.println();
        for (final Sweep.Point point : points)
        {
            System.out.printf("%-24s %12s", point.value(), Time.format(point.result().connectLatencyPs()));
            for (final long part : point.result().breakdown().parts().values())
            {
                System.out.printf(" %12s", Time.format(part));
            }
            System.out.println();
        }
    }

    private static String shortName(final String part)
    {
        return switch (part)
        {
            case LatencyBreakdown.MODERATION -> "moderation";
            case LatencyBreakdown.NIC_PIPELINE -> "NIC";
            case LatencyBreakdown.MAC_WIRE -> "MAC+wire";
            default -> part;
        };
    }
}
