package dev.nicsim.tools.report;

import dev.nicsim.hw.host.CpuUse;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.measure.DeviceCounters;
import dev.nicsim.tools.workload.perf.PerfOptions;
import dev.nicsim.tools.workload.perf.PerfResult;
import dev.nicsim.tools.workload.perf.PerfRun;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A perf run's results as people read them: a terminal table, {@code perf.json} (schema in docs/workloads.md), the
 * counters in gem5's {@code stats.txt} style, and PNG plots of the latency CDF and of goodput over simulated time.
 * Everything written depends only on the run's settings and seed: the same seed gives byte-identical files.
 */
public final class PerfReport
{
    public static final String JSON = "perf.json";
    public static final String STATS = "stats.txt";
    public static final String LATENCY_PLOT = "latency_cdf.png";
    public static final String THROUGHPUT_PLOT = "throughput.png";
    /** The schema version of perf.json; raised whenever a field changes meaning or goes away. */
    public static final int SCHEMA = 1;

    private static final Color SERIES_COLOUR = new Color(0x1f77b4);

    private PerfReport()
    {
    }

    /** Writes perf.json, stats.txt and the plots into {@code out}. */
    public static void write(final PerfResult result, final OutputDirectory out)
    {
        out.writeString(JSON, Json.write(json(result)));
        out.writeString(STATS, result.counters().text());
        if (result.options().test().transactional() && result.latencyNs().getTotalCount() > 0)
        {
            png(latencyCdf(result), out, LATENCY_PLOT);
        }
        png(throughput(result), out, THROUGHPUT_PLOT);
    }

    /** perf.json's content. */
    public static Map<String, Object> json(final PerfResult result)
    {
        final PerfOptions options = result.options();
        // The same head as every run's summary: version, command, outcome, every setting (typed, by section).
        final Map<String, Object> json = RunSummary.start("perf " + options.test().name(), result.settings());
        head(json, options);
        json.put("seed", result.seed());
        json.put("notices", new ArrayList<Object>(result.notices()));

        final Map<String, Object> results = new LinkedHashMap<>();
        results.put("window_s", result.windowSeconds());
        results.put("goodput_gbps", result.goodputGbps());
        results.put("bytes", result.bytes());
        results.put("frames_per_s", result.framesPerSecond());
        results.put("transactions", result.transactions());
        results.put("transactions_per_s", result.transactionsPerSecond());
        results.put("interrupts_per_s", result.interruptsPerSecond());
        results.put("retransmissions", result.retransmissions());
        results.put("datagrams_sent", result.datagramsSent());
        results.put("send_failures", result.sendFailures());
        results.put("transactions_lost", result.transactionsLost());
        results.put("errors", new LinkedHashMap<String, Object>(result.errors()));
        json.put("results", results);

        final Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("count", result.latencyNs().getTotalCount());
        latency.put("mean_us", orNull(result.meanLatencyUs()));
        latency.put("p50_us", orNull(result.latencyUs(50)));
        latency.put("p90_us", orNull(result.latencyUs(90)));
        latency.put("p99_us", orNull(result.latencyUs(99)));
        latency.put("p99_9_us", orNull(result.latencyUs(99.9)));
        latency.put("max_us", orNull(result.maxLatencyUs()));
        json.put("latency", latency);

        final Map<String, Object> fairness = new LinkedHashMap<>();
        fairness.put("jain_index", result.jainFairness());
        final List<Object> perConnection = new ArrayList<>();
        for (final long bytes : result.connectionBytes())
        {
            perConnection.add(bytes);
        }
        fairness.put("connection_bytes", perConnection);
        json.put("fairness", fairness);

        final Map<String, Object> cpu = new LinkedHashMap<>();
        for (final PerfResult.HostCpuShare host : result.cpu())
        {
            final Map<String, Object> shares = cpuShares(host.busy(), host.byUse());
            final List<Map<String, Long>> queues = queues(result, host.host());
            final List<Object> cores = new ArrayList<>();
            for (int core = 0; core < host.byCore().size(); core++)
            {
                final Map<String, Object> coreShares = cpuShares(host.busy(core), host.byCore().get(core));
                coreShares.put("core", core);
                final Map<String, Long> traffic = new LinkedHashMap<>();
                for (final Map<String, Long> queue : queues)
                {
                    if (queue.get("core") == core)
                    {
                        QUEUE_COUNTERS.forEach(name -> traffic.merge(name, queue.get(name), Long::sum));
                    }
                }
                coreShares.putAll(traffic);
                cores.add(coreShares);
            }
            shares.put("cores", cores);
            shares.put("queues", queues);
            cpu.put(host.host(), shares);
        }
        json.put("cpu", cpu);
        json.put("counters", new LinkedHashMap<String, Object>(result.counters().values()));

        final Map<String, Object> wire = new LinkedHashMap<>();
        wire.put("frames", result.wire().frames());
        wire.put("arp_frames", result.wire().arpFrames());
        wire.put("tcp_data_segments", result.wire().tcpDataSegments());
        wire.put("tcp_payload_bytes", result.wire().tcpPayloadBytes());
        wire.put("tcp_pure_acks", result.wire().tcpPureAcks());
        wire.put("udp_datagrams", result.wire().udpDatagrams());
        wire.put("udp_payload_bytes", result.wire().udpPayloadBytes());
        wire.put("application_bytes", result.applicationBytes());
        wire.put("application_transactions", result.applicationTransactions());
        wire.put("events_fired", result.eventsFired());
        wire.put("events_by_name", new LinkedHashMap<String, Object>(result.eventsByName()));
        json.put("whole_run", wire);

        final Map<String, Object> series = new LinkedHashMap<>();
        series.put("end_s", list(result.sampleEndS()));
        series.put("goodput_gbps", list(result.sampleGbps()));
        series.put("transactions_per_s", list(result.sampleTps()));
        json.put("series", series);
        return json;
    }

    /**
     * Writes the evidence of a run that {@code failure} ended into {@code out} and moves it into place: {@value
     * RunEvidence#SUMMARY} (perf.json's head, outcome "failed", the error and the simulated time reached) and, when the
     * testbed was built, {@value #STATS} with every counter up to the failure. A problem writing them is added to the
     * failure as suppressed, so that its own message still reaches the user.
     *
     * @param run the run, or null when the testbed could not be built
     */
    public static void writeFailed(final OutputDirectory out, final PerfOptions options, final Settings settings,
        final PerfRun run, final RuntimeException failure)
    {
        try
        {
            final Map<String, Object> json = RunSummary.start("perf " + options.test().name(), settings);
            RunSummary.failed(json, failure.getMessage() != null ? failure.getMessage() : failure.toString());
            head(json, options);
            if (run != null)
            {
                json.put("failed_at_ps", run.sim().now());
                out.writeString(STATS, DeviceCounters.of(run.network()).text());
            }
            out.writeString(RunEvidence.SUMMARY, Json.write(json));
            out.commit();
        }
        catch (final RuntimeException writing)
        {
            failure.addSuppressed(writing);
        }
    }

    /* perf.json's and a failed run's summary's fields after the common head: the schema, the test and its options. */
    private static void head(final Map<String, Object> json, final PerfOptions options)
    {
        json.put("schema", SCHEMA);
        json.put("test", options.test().name());
        final Map<String, Object> run = new LinkedHashMap<>();
        run.put("duration_s", options.durationS());
        run.put("warmup_s", options.warmupS());
        run.put("message_bytes", options.messageBytes());
        run.put("request_bytes", options.requestBytes());
        run.put("response_bytes", options.responseBytes());
        run.put("flows", options.flows());
        run.put("hosts", options.hosts());
        run.put("pattern", options.pattern().label());
        run.put("samples", options.samples());
        json.put("options", run);
    }

    /** The results as a short table for the terminal. */
    public static String table(final PerfResult result)
    {
        final StringBuilder text = new StringBuilder();
        final PerfOptions options = result.options();
        text.append(String.format(Locale.ROOT, "%s: %s, %d host%s (%s), %d flow%s per pair, %.6g s measured after " +
                "%.6g s warm-up%n", options.test().name(), options.test().description(), options.hosts(),
            options.hosts() == 1 ? "" : "s", options.pattern().label(), options.flows(),
            options.flows() == 1 ? "" : "s", options.durationS(), options.warmupS()));
        // Above the figures, so that nobody reads them as the run the settings describe.
        result.notices().forEach(notice -> text.append("notice: ").append(notice).append('\n'));
        text.append('\n');
        if (options.test().transactional())
        {
            row(text, "transactions/s", "%.1f", result.transactionsPerSecond());
            if (result.latencyNs().getTotalCount() > 0)
            {
                row(text, "latency mean", "%.3f us", result.meanLatencyUs());
                row(text, "latency p50 / p90", "%.3f / %.3f us", result.latencyUs(50), result.latencyUs(90));
                row(text, "latency p99 / p99.9", "%.3f / %.3f us", result.latencyUs(99), result.latencyUs(99.9));
                row(text, "latency max", "%.3f us", result.maxLatencyUs());
            }
            if (result.transactionsLost() > 0)
            {
                row(text, "transactions lost", "%d", result.transactionsLost());
            }
        }
        else
        {
            row(text, "goodput", "%.3f Gb/s", result.goodputGbps());
            if (!options.test().tcp())
            {
                row(text, "datagrams sent", "%d (%d refused by the stack)", result.datagramsSent(),
                    result.sendFailures());
            }
            if (result.connectionBytes().length > 1 && result.bytes() > 0)
            {
                row(text, "Jain's fairness", "%.4f over %d connections", result.jainFairness(),
                    result.connectionBytes().length);
            }
        }
        if (result.bytes() == 0 && result.transactions() == 0)
        {
            // Said rather than left as a bare 0 (or latencies of no transaction): the run measured nothing.
            row(text, "nothing measured", "no data or transaction reached the programs in the %.6g s window; %d " +
                "frames crossed the links over the whole run", options.durationS(), result.wire().frames());
        }
        row(text, "frames/s (all NICs)", "%.0f", result.framesPerSecond());
        row(text, "interrupts/s", "%.0f", result.interruptsPerSecond());
        row(text, "TCP retransmissions", "%d", result.retransmissions());
        if (result.counters().get("switch.tail_drops") > 0)
        {
            row(text, "switch tail drops", "%d", result.counters().get("switch.tail_drops"));
        }
        if (!result.errors().isEmpty())
        {
            row(text, "errors", "%s", result.errors());
        }
        text.append(String.format(Locale.ROOT, "%nCPU       busy  syscall    stack   driver      irq     idle%n"));
        for (final PerfResult.HostCpuShare host : result.cpu())
        {
            cpuRow(text, host.host(), host.busy(), host.byUse());
            for (int core = 0; host.byCore().size() > 1 && core < host.byCore().size(); core++)
            {
                cpuRow(text, " cpu" + core, host.busy(core), host.byCore().get(core));
            }
        }
        return text.toString();
    }

    /* Per-queue counters (DeviceCounters: H.queueQ.*), present on a host whose driver uses several queues. */
    private static final List<String> QUEUE_COUNTERS =
        List.of("rx_frames", "rx_bytes", "tx_frames", "tx_bytes", "rx_interrupts", "tx_interrupts");

    /* Each queue's counters in the window, with the core its vectors reach (HostCpu.irqCore: queue mod cores). */
    private static List<Map<String, Long>> queues(final PerfResult result, final String host)
    {
        final int cores = result.cpu().stream().filter(share -> share.host().equals(host)).findFirst()
            .orElseThrow().byCore().size();
        final List<Map<String, Long>> queues = new ArrayList<>();
        for (int q = 0; result.counters().values().containsKey(host + ".queue" + q + ".rx_frames"); q++)
        {
            final Map<String, Long> queue = new LinkedHashMap<>();
            queue.put("queue", (long) q);
            queue.put("core", (long) (q % cores));
            for (final String name : QUEUE_COUNTERS)
            {
                queue.put(name, result.counters().get(host + ".queue" + q + "." + name));
            }
            queues.add(queue);
        }
        return queues;
    }

    private static void cpuRow(final StringBuilder text, final String name, final double busy,
        final Map<CpuUse, Double> byUse)
    {
        text.append(String.format(Locale.ROOT, "%-6s %6.1f %%", name, 100 * busy));
        for (final CpuUse use : CpuUse.ALL)
        {
            text.append(String.format(Locale.ROOT, " %6.1f %%", 100 * byUse.get(use)));
        }
        text.append(String.format(Locale.ROOT, " %6.1f %%%n", 100 * (1 - busy)));
    }

    private static Map<String, Object> cpuShares(final double busy, final Map<CpuUse, Double> byUse)
    {
        final Map<String, Object> shares = new LinkedHashMap<>();
        shares.put("busy_pct", 100 * busy);
        for (final CpuUse use : CpuUse.ALL)
        {
            shares.put(use.label() + "_pct", 100 * byUse.get(use));
        }
        shares.put("idle_pct", 100 * (1 - busy));
        return shares;
    }

    private static void row(final StringBuilder text, final String name, final String format, final Object... values)
    {
        text.append(String.format(Locale.ROOT, "  %-22s " + format + "%n", prepend(name, values)));
    }

    private static Object[] prepend(final String name, final Object[] values)
    {
        final Object[] all = new Object[values.length + 1];
        all[0] = name;
        System.arraycopy(values, 0, all, 1, values.length);
        return all;
    }

    /* No transactions, no latency: JSON's null rather than a number. */
    private static Double orNull(final double value)
    {
        return Double.isNaN(value) ? null : value;
    }

    private static List<Object> list(final double[] values)
    {
        final List<Object> list = new ArrayList<>(values.length);
        for (final double value : values)
        {
            list.add(value);
        }
        return list;
    }

    /* The latency CDF: for each recorded value, the fraction of transactions at or below it. */
    private static XYChart latencyCdf(final PerfResult result)
    {
        final XYChart chart = new XYChartBuilder().width(960).height(540)
            .title(result.options().test().name() + " latency CDF (" + result.latencyNs().getTotalCount() +
                " transactions)").xAxisTitle("latency (us)").yAxisTitle("fraction of transactions").build();
        style(chart);
        final List<Double> latency = new ArrayList<>();
        final List<Double> fraction = new ArrayList<>();
        final double total = result.latencyNs().getTotalCount();
        for (final HistogramIterationValue value : result.latencyNs().recordedValues())
        {
            latency.add(result.latencyNs().highestEquivalentValue(value.getValueIteratedTo()) / 1000.0);
            fraction.add(value.getTotalCountToThisValue() / total);
        }
        final XYSeries series = chart.addSeries("latency", latency, fraction);
        series.setLineColor(SERIES_COLOUR);
        series.setMarker(SeriesMarkers.NONE);
        series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
        return chart;
    }

    private static XYChart throughput(final PerfResult result)
    {
        final boolean transactional = result.options().test().transactional();
        final XYChart chart = new XYChartBuilder().width(960).height(540)
            .title(result.options().test().name() + (transactional ? " transactions" : " goodput") +
                " over simulated time").xAxisTitle("simulated time after warm-up (s)")
            .yAxisTitle(transactional ? "transactions/s" : "goodput (Gb/s)").build();
        style(chart);
        final XYSeries series = chart.addSeries(transactional ? "transactions/s" : "goodput",
            result.sampleEndS(), transactional ? result.sampleTps() : result.sampleGbps());
        series.setLineColor(SERIES_COLOUR);
        series.setMarker(SeriesMarkers.NONE);
        return chart;
    }

    private static void style(final XYChart chart)
    {
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesVisible(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    }

    private static void png(final XYChart chart, final OutputDirectory out, final String name)
    {
        try (OutputStream png = out.create(name))
        {
            BitmapEncoder.saveBitmap(chart, png, BitmapEncoder.BitmapFormat.PNG);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("writing " + name, e);
        }
    }
}
