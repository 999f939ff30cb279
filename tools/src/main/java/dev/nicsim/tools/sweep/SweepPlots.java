package dev.nicsim.tools.sweep;

import de.erichseifert.vectorgraphics2d.Document;
import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.VectorHints;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plots of a sweep, each as {@code sweep-NAME.png} and {@code sweep-NAME.svg}. Numeric swept values get a numeric
 * x axis (logarithmic when they span more than a decade), other values one category each; each component keeps its
 * colour in every plot; the caption under the plot names the sweep and its fixed settings.
 */
final class SweepPlots
{
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 560;
    /* Rotated category labels need about this many pixels each to stay apart (measured on 100 points). */
    private static final int PIXELS_PER_CATEGORY = 16;
    private static final int ROTATE_ABOVE = 8;
    private static final Font CAPTION_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final int CAPTION_LINE = 16;

    private SweepPlots()
    {
    }

    /** Draws every chart over the rows that have results; nothing when no point has one yet. */
    static void write(final SweepFolder folder, final List<SweepReport.Row> rows, final List<Plot> charts)
    {
        final List<SweepReport.Row> done = rows.stream().filter(row -> row.result() != null).toList();
        if (done.isEmpty())
        {
            return;
        }
        for (final Plot chart : charts)
        {
            final Chart<?, ?> drawn = draw(folder.plan(), done, chart);
            final List<String> caption = caption(folder.plan(), drawn.getWidth());
            folder.write("sweep-" + chart.name() + ".png", png(drawn, caption));
            folder.write("sweep-" + chart.name() + ".svg", svg(drawn, caption));
        }
    }

    static Chart<?, ?> draw(final SweepPlan plan, final List<SweepReport.Row> rows,
        final Plot chart)
    {
        final String xKey = plan.keys().get(0);
        final boolean numeric = rows.stream().allMatch(row -> isNumber(row.point().values().get(xKey)));
        final boolean oneXPerPoint = !plan.grid() || plan.keys().size() == 1;
        if (numeric && (oneXPerPoint || chart.style() == Plot.Style.SERIES))
        {
            return numericChart(plan, rows, chart, xKey);
        }
        return categoryChart(plan, rows, chart, oneXPerPoint ? xKey : null);
    }

    /* A numeric x axis: lines for series; for parts of a whole, filled areas of the running sums, top part first. */
    private static XYChart numericChart(final SweepPlan plan, final List<SweepReport.Row> rows,
        final Plot chart, final String xKey)
    {
        final XYChart xy = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(chart.title())
            .xAxisTitle(xKey + pairedWith(plan)).yAxisTitle(PointResult.unit(chart.metrics().get(0))).build();
        style(xy.getStyler());
        final double min = rows.stream().mapToDouble(row -> x(row, xKey)).min().orElseThrow();
        final double max = rows.stream().mapToDouble(row -> x(row, xKey)).max().orElseThrow();
        xy.getStyler().setXAxisLogarithmic(min > 0 && max / min > 10);
        xy.getStyler().setXAxisDecimalPattern("#,##0.###");
        xy.getStyler().setYAxisMin(0.0);
        if (chart.style() == Plot.Style.STACKED)
        {
            final double[] xs = rows.stream().mapToDouble(row -> x(row, xKey)).toArray();
            final List<String> shown = nonZero(rows, chart.metrics());
            final Map<String, double[]> sums = new LinkedHashMap<>();
            final double[] running = new double[rows.size()];
            for (final String metric : shown)
            {
                for (int i = 0; i < rows.size(); i++)
                {
                    running[i] += value(rows.get(i), metric);
                }
                sums.put(metric, running.clone());
            }
            final Map<String, Color> colours = SeriesColours.of(shown);
            final List<String> topFirst = new ArrayList<>(sums.keySet()).reversed();
            for (final String metric : topFirst)
            {
                final XYSeries series = xy.addSeries(label(metric), xs, sums.get(metric));
                series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
                series.setFillColor(colours.get(metric));
                series.setLineColor(colours.get(metric).darker());
                series.setMarker(SeriesMarkers.NONE);
            }
            return xy;
        }
        final Map<String, List<SweepReport.Row>> groups = groupByOtherKeys(plan, rows, xKey);
        final Map<String, Color> colours = SeriesColours.of(chart.metrics());
        int group = 0;
        for (final Map.Entry<String, List<SweepReport.Row>> entry : groups.entrySet())
        {
            for (final String metric : chart.metrics())
            {
                final List<SweepReport.Row> members = entry.getValue();
                final XYSeries series = xy.addSeries(label(metric) + entry.getKey(),
                    members.stream().mapToDouble(row -> x(row, xKey)).toArray(),
                    members.stream().mapToDouble(row -> value(row, metric)).toArray());
                series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                series.setMarker(SeriesMarkers.CIRCLE);
                final Color colour = groups.size() == 1 ? colours.get(metric) : SeriesColours.nth(group);
                series.setLineColor(colour);
                series.setMarkerColor(colour);
            }
            group++;
        }
        return xy;
    }

    /* One category per point: the swept value, or every swept key's value for a grid. */
    private static CategoryChart categoryChart(final SweepPlan plan, final List<SweepReport.Row> rows,
        final Plot chart, final String xKey)
    {
        final int width = Math.max(WIDTH, 220 + PIXELS_PER_CATEGORY * rows.size());
        final CategoryChart bars = new CategoryChartBuilder().width(width).height(HEIGHT).title(chart.title())
            .xAxisTitle(xKey == null ? String.join(", ", plan.keys()) : xKey + pairedWith(plan))
            .yAxisTitle(PointResult.unit(chart.metrics().get(0))).build();
        style(bars.getStyler());
        final boolean stacked = chart.style() == Plot.Style.STACKED;
        bars.getStyler().setStacked(stacked);
        bars.getStyler().setOverlapped(false);
        final int longest = rows.stream().mapToInt(row -> category(row, xKey).length()).max().orElse(0);
        if (rows.size() > ROTATE_ABOVE || longest * rows.size() > 120)
        {
            bars.getStyler().setXAxisLabelRotation(90);
        }
        final List<String> categories = rows.stream().map(row -> category(row, xKey)).toList();
        final List<String> shown = stacked ? nonZero(rows, chart.metrics()) : chart.metrics();
        final Map<String, Color> colours = SeriesColours.of(shown);
        for (final String metric : shown)
        {
            final CategorySeries series = bars.addSeries(label(metric), categories,
                rows.stream().map(row -> (Number) value(row, metric)).toList());
            series.setFillColor(colours.get(metric));
            if (!stacked)
            {
                series.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
                series.setLineColor(colours.get(metric));
                series.setMarkerColor(colours.get(metric));
                series.setMarker(SeriesMarkers.CIRCLE);
            }
        }
        return bars;
    }

    private static void style(final AxesChartStyler styler)
    {
        styler.setLegendPosition(Styler.LegendPosition.OutsideE);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotGridLinesColor(new Color(0xDDDDDD));
        styler.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        styler.setAntiAlias(true);
    }

    /* With keys swept in lockstep the x axis shows the first; the title names the ones that move with it. */
    private static String pairedWith(final SweepPlan plan)
    {
        return plan.grid() || plan.keys().size() == 1 ? "" :
            "  (in lockstep with " + String.join(", ", plan.keys().subList(1, plan.keys().size())) + ")";
    }

    private static Map<String, List<SweepReport.Row>> groupByOtherKeys(final SweepPlan plan,
        final List<SweepReport.Row> rows, final String xKey)
    {
        final Map<String, List<SweepReport.Row>> groups = new LinkedHashMap<>();
        for (final SweepReport.Row row : rows)
        {
            final StringBuilder label = new StringBuilder();
            if (plan.grid())
            {
                row.point().values().forEach((key, value) ->
                {
                    if (!key.equals(xKey))
                    {
                        label.append(' ').append(key).append('=').append(value);
                    }
                });
            }
            groups.computeIfAbsent(label.toString(), any -> new ArrayList<>()).add(row);
        }
        return groups;
    }

    /* Parts that are zero at every point would only clutter the legend. */
    private static List<String> nonZero(final List<SweepReport.Row> rows, final List<String> metrics)
    {
        return metrics.stream().filter(metric -> rows.stream().anyMatch(row -> value(row, metric) != 0)).toList();
    }

    private static String category(final SweepReport.Row row, final String xKey)
    {
        return xKey == null ? String.join(" ", row.point().values().values()) : row.point().values().get(xKey);
    }

    private static double x(final SweepReport.Row row, final String xKey)
    {
        return Double.parseDouble(row.point().values().get(xKey));
    }

    private static double value(final SweepReport.Row row, final String metric)
    {
        return row.result().metrics().getOrDefault(metric, 0.0);
    }

    /** {@code pcie_dma_ns} as {@code pcie dma}: the unit is on the axis. */
    private static String label(final String metric)
    {
        return SeriesColours.stem(metric).replace('_', ' ');
    }

    private static boolean isNumber(final String text)
    {
        try
        {
            return Double.isFinite(Double.parseDouble(text));
        }
        catch (final NumberFormatException e)
        {
            return false;
        }
    }

    /* The caption: what ran, what was swept, and every setting that differs from the defaults. */
    private static List<String> caption(final SweepPlan plan, final int width)
    {
        final List<String> words = new ArrayList<>();
        words.add("nicsim sweep of '" + String.join(" ", plan.targetWords()) + "', " + plan.points().size() +
            " points, " + (plan.grid() ? "grid" : "lockstep") + " over " + String.join(", ", plan.keys()) + ";");
        if (plan.fixedSettings().isEmpty())
        {
            words.add("all other settings at their defaults.");
        }
        else
        {
            words.add("fixed:");
            plan.fixedSettings().forEach((key, value) -> words.add(key + "=" + value));
            words.add("(others at their defaults).");
        }
        final int perLine = width / 7;
        final List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (final String word : words)
        {
            if (!line.isEmpty() && line.length() + 1 + word.length() > perLine)
            {
                lines.add(line.toString());
                line = new StringBuilder();
            }
            line.append(line.isEmpty() ? "" : " ").append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    private static void paint(final Chart<?, ?> chart, final List<String> caption, final Graphics2D g)
    {
        final int height = totalHeight(chart, caption);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, chart.getWidth(), height);
        chart.paint(g, chart.getWidth(), chart.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(CAPTION_FONT);
        g.setColor(Color.DARK_GRAY);
        for (int i = 0; i < caption.size(); i++)
        {
            g.drawString(caption.get(i), 10, chart.getHeight() + CAPTION_LINE * (i + 1));
        }
    }

    private static int totalHeight(final Chart<?, ?> chart, final List<String> caption)
    {
        return chart.getHeight() + CAPTION_LINE * caption.size() + 8;
    }

    private static byte[] png(final Chart<?, ?> chart, final List<String> caption)
    {
        final BufferedImage image = new BufferedImage(chart.getWidth(), totalHeight(chart, caption),
            BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = image.createGraphics();
        try
        {
            paint(chart, caption, g);
        }
        finally
        {
            g.dispose();
        }
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try
        {
            ImageIO.write(image, "png", bytes);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("encoding a PNG", e);
        }
        return bytes.toByteArray();
    }

    private static byte[] svg(final Chart<?, ?> chart, final List<String> caption)
    {
        final VectorGraphics2D g = new VectorGraphics2D();
        // Text as SVG text, not glyph outlines: a tenth of the size, and searchable.
        g.setRenderingHint(VectorHints.KEY_TEXT, VectorHints.VALUE_TEXT_DEFAULT);
        paint(chart, caption, g);
        final Document document = new SVGProcessor().getDocument(g.getCommands(),
            new PageSize(0, 0, chart.getWidth(), totalHeight(chart, caption)));
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try
        {
            document.writeTo(bytes);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("encoding an SVG", e);
        }
        return bytes.toByteArray();
    }
}
