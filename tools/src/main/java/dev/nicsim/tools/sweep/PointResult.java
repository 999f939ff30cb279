package dev.nicsim.tools.sweep;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What one point of a sweep found: named numbers, in the order they are shown, and the target's own JSON summary.
 * A metric's name is snake_case and ends in its unit ({@code connect_latency_ns}, {@code rr_latency_p50_us},
 * {@code interrupts_per_s}), so a CSV column or a plot axis says what it holds.
 */
public record PointResult(Map<String, Double> metrics, String summaryJson)
{
    /* A CSV column and JSON key as it stands: letters, digits, underscores (host names are upper case: A_cpu_pct). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

    public PointResult
    {
        for (final Map.Entry<String, Double> metric : metrics.entrySet())
        {
            if (!NAME.matcher(metric.getKey()).matches())
            {
                throw new IllegalArgumentException("metric name '" + metric.getKey() + "' is not snake_case " +
                    "(e.g. connect_latency_ns)");
            }
            if (!Double.isFinite(metric.getValue()))
            {
                throw new IllegalArgumentException("metric " + metric.getKey() + " is " + metric.getValue());
            }
        }
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /**
     * The unit a metric's name ends with: {@code ns} for {@code connect_latency_ns}, {@code 1/s} for {@code _per_s};
     * a count without a unit ({@code retransmissions}) is its own.
     */
    public static String unit(final String metric)
    {
        if (metric.endsWith("_per_s"))
        {
            return "1/s";
        }
        return metric.substring(metric.lastIndexOf('_') + 1);
    }
}
