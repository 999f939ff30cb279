package dev.nicsim.tools.sweep;

import java.util.List;

/**
 * One plot of a sweep: metrics against the swept values.
 *
 * @param name    file name stem: the plot is written as {@code sweep-NAME.png} and {@code sweep-NAME.svg}
 * @param title   what the plot shows
 * @param style   parts of a whole stacked on each other, or independent series
 * @param metrics the metrics drawn, in legend order; all in the same unit
 */
public record Plot(String name, String title, Style style, List<String> metrics)
{
    public enum Style
    {
        /** Components that sum to a total (a latency breakdown): stacked, each in its own fixed colour. */
        STACKED,
        /** Independent series (latency percentiles, a rate): one line each. */
        SERIES
    }

    public Plot
    {
        metrics = List.copyOf(metrics);
        if (metrics.isEmpty())
        {
            throw new IllegalArgumentException("plot " + name + " draws no metric");
        }
        final String unit = PointResult.unit(metrics.get(0));
        for (final String metric : metrics)
        {
            if (!PointResult.unit(metric).equals(unit))
            {
                throw new IllegalArgumentException("plot " + name + " mixes units: " + metrics);
            }
        }
    }
}
