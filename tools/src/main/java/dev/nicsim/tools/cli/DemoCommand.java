package dev.nicsim.tools.cli;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.trace.EventTrace;
import dev.nicsim.tools.demo.DaytimeDemo;
import dev.nicsim.tools.report.OutputDirectory;
import dev.nicsim.tools.report.RunEvidence;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/** The main job: the seed's daytime connect() end to end through two simulated NICs. */
@Command(name = "demo",
    mixinStandardHelpOptions = true,
    description = {"Run the seed's example, done right: host A (10.0.0.1) connects to a daytime server on host B " +
        "(10.0.0.2) port 13 through two simulated NS-1 NICs on a 10 Gb/s link, reads the date and closes; then " +
        "connects again.",
        "Prints a timeline and both connect() latencies with their breakdowns by component: cold (ARP first) and " +
            "warm (ARP cached). Writes frames.pcapng, signals.vcd, timeline.txt, trace.json (Perfetto) and " +
            "summary.json, also when the run fails."},
    footer = {"", "Examples:", "  nicsim demo", "  nicsim demo --out /tmp/run1 --set pcie.dma_read_latency_ns=615.3",
        "", "Open the files with:", "  tshark -r out/demo/frames.pcapng     (or Wireshark)",
        "  gtkwave out/demo/signals.vcd         (or Surfer)", "  ui.perfetto.dev: open out/demo/trace.json"})
final class DemoCommand implements Runnable
{
    @Mixin
    private SettingsOptions options;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "out/demo",
        description = "Folder for the run's files (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Option(names = "--quiet", description = "Print only the latency, its breakdown and the daytime string.")
    private boolean quiet;

    @Override
    public void run()
    {
        final var settings = options.resolve();
        final OutputDirectory output = OutputDirectory.open(out);
        final DaytimeDemo.Result result;
        try
        {
            result = DaytimeDemo.run(settings, output);
        }
        catch (final RuntimeException e)
        {
            System.err.println("nicsim demo: the run failed; its files up to the failure are in " + output.target());
            throw e;
        }
        if (!quiet)
        {
            System.out.println("Timeline (simulated time, s)");
            for (final EventTrace.Entry entry : result.timeline())
            {
                System.out.println("  " + entry.format());
            }
            System.out.println();
        }
        System.out.printf("connect() from %s to %s:%d, simulated; cold: ARP resolves %s first; warm: cached%n",
            result.client(), result.server(), DaytimeDemo.DAYTIME_PORT, result.server());
        System.out.printf("  %-22s %12s %7s %12s%n", "", "cold", "", "warm");
        final Map<String, Long> warm = result.warmBreakdown().parts();
        for (final Map.Entry<String, Long> part : result.breakdown().parts().entrySet())
        {
            final long warmPart = warm.get(part.getKey());
            System.out.printf("  %-22s %12s %5.1f %% %12s %5.1f %%%n", part.getKey(), Time.format(part.getValue()),
                100.0 * part.getValue() / result.connectLatencyPs(), Time.format(warmPart),
                100.0 * warmPart / result.warmLatencyPs());
        }
        System.out.printf("  %-22s %12s %7s %12s%n", "total", Time.format(result.breakdown().total()), "",
            Time.format(result.warmBreakdown().total()));
        System.out.println();
        System.out.println("daytime: " + result.daytime());
        System.out.printf("%d frames; files in %s: %s, %s, %s, %s, %s%n", result.frames(), output.target(),
            RunEvidence.CAPTURE, RunEvidence.SIGNALS, RunEvidence.TIMELINE, RunEvidence.TRACE, RunEvidence.SUMMARY);
    }
}
