package dev.nicsim.tools.workload.perf;

import dev.nicsim.hw.host.CpuUse;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.measure.DeviceCounters;
import dev.nicsim.tools.measure.WireCensus;
import org.HdrHistogram.Histogram;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a perf run measured in its window (warm-up left out), and what crossed the wire over the whole run (for the
 * consistency checks). Throughput is goodput: bytes the receiving applications got.
 *
 * @param settings          the settings the run was built from
 * @param windowPs          the measurement window's length
 * @param bytes             bytes the receiving applications got in the window (stream tests)
 * @param transactions      transactions completed in the window (RR tests)
 * @param latencyNs         transaction latencies in the window, in nanoseconds
 * @param errors            unexpected errno names with their counts
 * @param cpu               per host, the share of the window its CPU spent on each use
 * @param counters          every device counter's count in the window
 * @param wire              frames on the wire over the whole run, counted where they leave their host
 * @param applicationBytes  bytes the receiving applications got over the whole run
 * @param applicationTransactions transactions completed over the whole run
 * @param sampleEndS        end of each throughput sample, in simulated seconds from the window's start
 * @param sampleGbps        goodput in each sample
 * @param sampleTps         transactions per second in each sample
 * @param eventsFired       simulation events fired over the whole run
 * @param eventsByName      those events by event name, most fired first (Simulator.firedByName)
 * @param notices           where the testbed ran otherwise than its settings asked (SetupNotices), one line each
 */
public record PerfResult(PerfOptions options, long seed, Settings settings, long windowPs, long bytes,
                         long transactions, Histogram latencyNs, double jainFairness, long[] connectionBytes,
                         Map<String, Long> errors, long datagramsSent, long sendFailures, long transactionsLost,
                         List<HostCpuShare> cpu, DeviceCounters counters, WireCensus wire, long applicationBytes,
                         long applicationTransactions, double[] sampleEndS, double[] sampleGbps, double[] sampleTps,
                         long eventsFired, Map<String, Long> eventsByName, List<String> notices)
{
    /**
     * One host's CPU use in the window: fraction of the window per use, averaged over the host's cores; idle is what
     * is left. {@code byCore} holds each core's own fractions.
     */
    public record HostCpuShare(String host, Map<CpuUse, Double> byUse, List<Map<CpuUse, Double>> byCore)
    {
        public double busy()
        {
            return busy(byUse);
        }

        /** Core {@code core}'s busy fraction. */
        public double busy(final int core)
        {
            return busy(byCore.get(core));
        }

        private static double busy(final Map<CpuUse, Double> byUse)
        {
            double busy = 0;
            for (final double share : byUse.values())
            {
                busy += share;
            }
            return Math.min(1, busy);
        }
    }

    public double windowSeconds()
    {
        return windowPs / (double) Time.S;
    }

    public double goodputGbps()
    {
        return bytes * 8 / windowSeconds() / 1e9;
    }

    public double transactionsPerSecond()
    {
        return transactions / windowSeconds();
    }

    /** Frames every host's NIC sent in the window, per second. */
    public double framesPerSecond()
    {
        long frames = 0;
        for (final HostCpuShare host : cpu)
        {
            frames += counters.get(host.host() + ".nic.gptc");
        }
        return frames / windowSeconds();
    }

    /** MSI-X interrupts every host's NIC sent in the window, per second. */
    public double interruptsPerSecond()
    {
        long interrupts = 0;
        for (final HostCpuShare host : cpu)
        {
            interrupts += counters.get(host.host() + ".nic.interrupts");
        }
        return interrupts / windowSeconds();
    }

    public long retransmissions()
    {
        long total = 0;
        for (final HostCpuShare host : cpu)
        {
            total += counters.get(host.host() + ".tcp.retransmissions");
        }
        return total;
    }

    /** Latency at {@code percentile} (0 to 100) in microseconds, or NaN without transactions. */
    public double latencyUs(final double percentile)
    {
        return latencyNs.getTotalCount() == 0 ? Double.NaN : latencyNs.getValueAtPercentile(percentile) / 1000.0;
    }

    public double meanLatencyUs()
    {
        return latencyNs.getTotalCount() == 0 ? Double.NaN : latencyNs.getMean() / 1000.0;
    }

    public double maxLatencyUs()
    {
        return latencyNs.getTotalCount() == 0 ? Double.NaN : latencyNs.getMaxValue() / 1000.0;
    }

    /**
     * The headline figures as one flat, ordered map of snake_case names with their unit: what a sweep tabulates and
     * plots per point.
     */
    public Map<String, Double> metrics()
    {
        final Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("goodput_gbps", goodputGbps());
        metrics.put("frames_per_s", framesPerSecond());
        metrics.put("transactions_per_s", transactionsPerSecond());
        metrics.put("latency_mean_us", meanLatencyUs());
        metrics.put("latency_p50_us", latencyUs(50));
        metrics.put("latency_p90_us", latencyUs(90));
        metrics.put("latency_p99_us", latencyUs(99));
        metrics.put("latency_p99_9_us", latencyUs(99.9));
        metrics.put("latency_max_us", maxLatencyUs());
        metrics.put("interrupts_per_s", interruptsPerSecond());
        metrics.put("retransmissions", (double) retransmissions());
        metrics.put("switch_tail_drops", (double) counters.get("switch.tail_drops"));
        metrics.put("jain_fairness", jainFairness);
        for (final HostCpuShare host : cpu)
        {
            metrics.put(host.host() + "_cpu_pct", 100 * host.busy());
        }
        return metrics;
    }
}
