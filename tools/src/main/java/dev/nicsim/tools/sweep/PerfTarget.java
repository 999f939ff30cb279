package dev.nicsim.tools.sweep;

import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.report.Json;
import dev.nicsim.tools.report.PerfReport;
import dev.nicsim.tools.workload.perf.PerfOptions;
import dev.nicsim.tools.workload.perf.PerfResult;
import dev.nicsim.tools.workload.perf.PerfRun;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A netperf test at each point ({@code sweep ... perf TCP_RR --duration 1}): the test's headline metrics (goodput,
 * transactions/s, latency percentiles, interrupts/s, each host's CPU) and its perf.json as the point's summary.
 */
public final class PerfTarget implements SweepTarget
{
    public static final String NAME = "perf";
    private final List<String> arguments;
    private final PerfOptions options;

    /**
     * @param arguments the words after {@code perf} that gave {@code options}, kept to rebuild the target on a node
     * @param options   the test and its sizes, already checked
     */
    public PerfTarget(final List<String> arguments, final PerfOptions options)
    {
        this.arguments = List.copyOf(arguments);
        this.options = options;
    }

    @Override
    public List<String> arguments()
    {
        final List<String> words = new ArrayList<>(List.of(NAME));
        words.addAll(arguments);
        return words;
    }

    /* A stream test has no transactions, so no latency: those metrics are left out rather than written as NaN. */
    @Override
    public PointResult run(final Settings settings)
    {
        final PerfResult result = PerfRun.run(settings, options, (simulated, total) -> { });
        final Map<String, Double> metrics = new LinkedHashMap<>();
        result.metrics().forEach((name, value) ->
        {
            if (Double.isFinite(value))
            {
                metrics.put(name, value);
            }
        });
        return new PointResult(metrics, Json.write(PerfReport.json(result)));
    }

    @Override
    public List<Plot> plots()
    {
        final List<String> cpu = new ArrayList<>();
        for (int host = 0; host < options.hosts(); host++)
        {
            cpu.add((char) ('A' + host) + "_cpu_pct");
        }
        final List<Plot> plots = new ArrayList<>();
        if (options.test().transactional())
        {
            plots.add(new Plot("latency", options.test() + " latency", Plot.Style.SERIES,
                List.of("latency_mean_us", "latency_p50_us", "latency_p99_us")));
            plots.add(new Plot("transactions", options.test() + " transactions per second", Plot.Style.SERIES,
                List.of("transactions_per_s")));
        }
        else
        {
            plots.add(new Plot("goodput", options.test() + " goodput", Plot.Style.SERIES, List.of("goodput_gbps")));
        }
        plots.add(new Plot("interrupts", "interrupts per second", Plot.Style.SERIES, List.of("interrupts_per_s")));
        plots.add(new Plot("cpu", "CPU use by host", Plot.Style.SERIES, cpu));
        return plots;
    }
}
