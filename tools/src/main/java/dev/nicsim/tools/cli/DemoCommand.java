package dev.nicsim.tools.cli;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.trace.EventTrace;
import dev.nicsim.tools.demo.DaytimeDemo;
import dev.nicsim.tools.report.OutputDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/** The main job: the seed's daytime connect() end to end through two simulated NICs. */
@Command(name = "demo",
    mixinStandardHelpOptions = true,
    description = {"Run the seed's example, done right: host A (10.0.0.1) connects to a daytime server on host B " +
        "(10.0.0.2) port 13 through two simulated NS-1 NICs on a 10 Gb/s link, reads the date and closes.",
        "Prints a timeline, the connect() latency with its breakdown by component, and the daytime string; writes " +
            "connect.pcap, connect.vcd, timeline.txt and summary.json."},
    footer = {"", "Examples:", "  nicsim demo", "  nicsim demo --out /tmp/run1 --set pcie.dma_read_latency_ns=615.3",
        "", "Open the capture with 'tshark -r out/demo/connect.pcap' (or Wireshark) and the signals with " +
        "'gtkwave out/demo/connect.vcd' (or Surfer)."})
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
            output.commit();
        }
        catch (final RuntimeException e)
        {
            output.abandon();
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
        System.out.printf("connect() from %s to %s:%d took %s (simulated)%n", result.client(), result.server(),
            DaytimeDemo.DAYTIME_PORT, Time.format(result.connectLatencyPs()));
        for (final Map.Entry<String, Long> part : result.breakdown().parts().entrySet())
        {
            System.out.printf("  %-22s %12s  %5.1f %%%n", part.getKey(), Time.format(part.getValue()),
                100.0 * part.getValue() / result.connectLatencyPs());
        }
        System.out.printf("  %-22s %12s%n", "total", Time.format(result.breakdown().total()));
        System.out.println();
        System.out.println("daytime: " + result.daytime());
        System.out.printf("%d frames; files in %s: %s, %s, %s, %s%n", result.frames(), output.target(),
            DaytimeDemo.PCAP, DaytimeDemo.VCD, DaytimeDemo.TIMELINE, DaytimeDemo.SUMMARY);
    }
}
