package dev.nicsim.tools.demo;

import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.report.Json;
import dev.nicsim.tools.report.OutputDirectory;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo run once per value of one parameter: the co-design question "what does this knob do to connect()?". Each
 * run's summary is kept; the sweep writes a CSV of latency and breakdown per value and a stacked-bar plot of the
 * breakdown.
 */
public final class Sweep
{
    public static final String CSV = "sweep.csv";
    public static final String PLOT = "sweep.png";

    /** What to sweep: the fixed settings, the key and its values (each already checked). */
    public record Plan(Settings base, String key, List<String> values)
    {
    }

    /** One point of the sweep. */
    public record Point(String value, DaytimeDemo.Result result)
    {
    }

    /** Told before each run, for progress display. */
    @FunctionalInterface
    public interface Progress
    {
        void starting(int index, int count, String value);
    }

    private Sweep()
    {
    }

    /** Runs every point, writes the per-point summaries, the CSV and the plot into {@code out}. */
    public static List<Point> run(final Plan plan, final OutputDirectory out, final Progress progress)
    {
        final List<Point> points = new ArrayList<>();
        for (int i = 0; i < plan.values().size(); i++)
        {
            final String value = plan.values().get(i);
            progress.starting(i, plan.values().size(), value);
            final Settings settings = plan.base().copy().set(plan.key(), value);
            final DaytimeDemo.Result result = DaytimeDemo.measure(settings);
            out.writeString("summary-" + plan.key() + "=" + value + ".json",
                Json.write(DaytimeDemo.summary(result, settings)));
            points.add(new Point(value, result));
        }
        out.writeString(CSV, csv(plan.key(), points));
        try (OutputStream png = out.create(PLOT))
        {
            BitmapEncoder.saveBitmap(plot(plan.key(), points), png, BitmapEncoder.BitmapFormat.PNG);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("writing " + PLOT, e);
        }
        return points;
    }

    /** {@code key,connect_latency_ns,<part>_ns...} with one row per value; nanoseconds to the picosecond. */
    static String csv(final String key, final List<Point> points)
    {
        final StringBuilder text = new StringBuilder(key).append(",connect_latency_ns");
        for (final String part : points.get(0).result().breakdown().parts().keySet())
        {
            text.append(',').append(part.replace(' ', '_').replace('/', '_')).append("_ns");
        }
        text.append('\n');
        for (final Point point : points)
        {
            text.append(point.value()).append(',').append(nanos(point.result().connectLatencyPs()));
            for (final long part : point.result().breakdown().parts().values())
            {
                text.append(',').append(nanos(part));
            }
            text.append('\n');
        }
        return text.toString();
    }

    private static CategoryChart plot(final String key, final List<Point> points)
    {
        final CategoryChart chart = new CategoryChartBuilder().width(960).height(540)
            .title("connect() latency by component").xAxisTitle(key).yAxisTitle("simulated latency (us)").build();
        chart.getStyler().setStacked(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setOverlapped(false);
        final List<String> values = new ArrayList<>();
        points.forEach(point -> values.add(point.value()));
        final Map<String, List<Double>> series = new LinkedHashMap<>();
        for (final Point point : points)
        {
            for (final Map.Entry<String, Long> part : point.result().breakdown().parts().entrySet())
            {
                series.computeIfAbsent(part.getKey(), name -> new ArrayList<>()).add(part.getValue() / 1e6);
            }
        }
        series.forEach((part, micros) ->
        {
            if (micros.stream().anyMatch(value -> value > 0))
            {
                chart.addSeries(part, values, micros);
            }
        });
        return chart;
    }

    private static String nanos(final long ps)
    {
        final String text = String.format("%d.%03d", ps / 1000, ps % 1000);
        return text.endsWith(".000") ? text.substring(0, text.length() - 4) : text;
    }
}
