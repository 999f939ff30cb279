package dev.nicsim.tools.sweep;

import dev.nicsim.tools.report.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Merges a sweep's folder into its results: {@code sweep.csv}, {@code sweep.json} and the plots. It reads only the
 * folder, so a sweep run locally, as a Slurm array or as shards gives the same files, byte for byte. A point that
 * failed or never ran is a row that says so, not a hole.
 */
public final class SweepReport
{
    public static final String CSV = "sweep.csv";
    public static final String JSON = "sweep.json";
    private static final int LOG_TAIL_LINES = 5;

    /** One point as merged: its result, or why there is none. */
    public record Row(SweepPlan.Point point, PointResult result, SweepFolder.Failure failure)
    {
        public String status()
        {
            return result != null ? "ok" : failure != null ? "failed" : "missing";
        }
    }

    private final SweepFolder folder;
    private final List<Row> rows = new ArrayList<>();
    private final List<String> metrics;

    private SweepReport(final SweepFolder folder)
    {
        this.folder = folder;
        final LinkedHashSet<String> names = new LinkedHashSet<>();
        for (final SweepPlan.Point point : folder.plan().points())
        {
            final Optional<PointResult> result = folder.result(point.index());
            result.ifPresent(found -> names.addAll(found.metrics().keySet()));
            rows.add(new Row(point, result.orElse(null), result.isPresent() ? null :
                folder.failure(point.index()).orElse(null)));
        }
        this.metrics = List.copyOf(names);
    }

    /** Reads every point of the folder and writes the merged files into it. */
    public static SweepReport merge(final SweepFolder folder)
    {
        final SweepReport report = new SweepReport(folder);
        folder.write(CSV, report.csv());
        folder.write(JSON, Json.write(report.summary()));
        SweepPlots.write(folder, report.rows, folder.plan().target().plots());
        return report;
    }

    /** Reads the folder without writing anything (the merge job has written the files). */
    public static SweepReport read(final SweepFolder folder)
    {
        return new SweepReport(folder);
    }

    public List<Row> rows()
    {
        return List.copyOf(rows);
    }

    public List<Row> failures()
    {
        return rows.stream().filter(row -> row.result() == null).toList();
    }

    /** {@code point,<swept keys>,<metrics>,status}: one row per point in plan order, empty metrics when failed. */
    String csv()
    {
        final StringBuilder text = new StringBuilder("point");
        folder.plan().keys().forEach(key -> text.append(',').append(key));
        metrics.forEach(metric -> text.append(',').append(metric));
        text.append(",status\n");
        for (final Row row : rows)
        {
            text.append(row.point().index());
            row.point().values().values().forEach(value -> text.append(',').append(value));
            for (final String metric : metrics)
            {
                text.append(',');
                if (row.result() != null && row.result().metrics().containsKey(metric))
                {
                    text.append(format(row.result().metrics().get(metric)));
                }
            }
            text.append(',').append(row.status()).append('\n');
        }
        return text.toString();
    }

    private Map<String, Object> summary()
    {
        final SweepPlan plan = folder.plan();
        final Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("target", String.join(" ", plan.targetWords()));
        summary.put("mode", plan.grid() ? "grid" : "lockstep");
        summary.put("fixed_settings", new LinkedHashMap<String, Object>(plan.fixedSettings()));
        final Map<String, Object> swept = new LinkedHashMap<>();
        for (final String key : plan.keys())
        {
            swept.put(key, plan.points().stream().map(point -> point.values().get(key)).distinct().toList());
        }
        summary.put("swept", swept);
        summary.put("points", rows.size());
        summary.put("ok", rows.stream().filter(row -> row.result() != null).count());
        summary.put("failed", rows.stream().filter(row -> row.failure() != null).count());
        summary.put("missing", rows.stream().filter(row -> row.result() == null && row.failure() == null).count());
        final List<Object> results = new ArrayList<>();
        for (final Row row : rows)
        {
            final Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("point", row.point().index());
            entry.put("settings", new LinkedHashMap<String, Object>(row.point().values()));
            entry.put("status", row.status());
            if (row.result() != null)
            {
                entry.put("metrics", new LinkedHashMap<String, Object>(row.result().metrics()));
                entry.put("summary", SweepFolder.POINTS + "/" + SweepFolder.name(row.point().index()) + "/summary" +
                    ".json");
            }
            else if (row.failure() != null)
            {
                entry.put("exit_code", row.failure().exitCode() < 0 ? null : row.failure().exitCode());
                entry.put("error", row.failure().error());
                entry.put("log", row.failure().log());
                entry.put("log_tail", logTail(row.failure().log()));
            }
            else
            {
                entry.put("error", "no result and no failure recorded: the point has not run, or its task was " +
                    "cancelled or lost before it could record anything");
            }
            results.add(entry);
        }
        summary.put("results", results);
        return summary;
    }

    /* The last lines of a failed point's log, relative to the folder, so the summary shows why without a search. */
    private List<Object> logTail(final String log)
    {
        if (log == null)
        {
            return List.of();
        }
        final Path file = folder.dir().resolve(log);
        try
        {
            final List<String> lines = Files.readAllLines(file);
            return List.copyOf(lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        }
        catch (final IOException | UncheckedIOException e)
        {
            return List.of("(log " + file + " not readable: " + e.getMessage() + ")");
        }
    }

    /** The rows as an aligned text table: swept values, then each metric; failures say so. */
    public String table()
    {
        final List<String> header = new ArrayList<>(folder.plan().keys());
        header.addAll(metrics);
        final List<List<String>> lines = new ArrayList<>();
        lines.add(header);
        for (final Row row : rows)
        {
            final List<String> cells = new ArrayList<>(row.point().values().values());
            for (final String metric : metrics)
            {
                cells.add(row.result() == null ? (metric.equals(metrics.get(0)) ? row.status() : "") :
                    display(row.result().metrics().getOrDefault(metric, Double.NaN)));
            }
            lines.add(cells);
        }
        final int[] widths = new int[header.size()];
        for (final List<String> cells : lines)
        {
            for (int i = 0; i < cells.size(); i++)
            {
                widths[i] = Math.max(widths[i], cells.get(i).length());
            }
        }
        final StringBuilder text = new StringBuilder();
        for (final List<String> cells : lines)
        {
            for (int i = 0; i < cells.size(); i++)
            {
                final String cell = cells.get(i);
                text.append(i == 0 ? "" : "  ").append(i < folder.plan().keys().size() ?
                    cell + " ".repeat(widths[i] - cell.length()) : " ".repeat(widths[i] - cell.length()) + cell);
            }
            text.append('\n');
        }
        return text.toString();
    }

    /** A metric for the terminal: six significant digits at most (the CSV keeps the exact value). */
    static String display(final double value)
    {
        if (Double.isNaN(value) || Double.isInfinite(value) || value == Math.rint(value))
        {
            return format(value);
        }
        return new BigDecimal(value).round(new MathContext(6)).stripTrailingZeros()
            .toPlainString();
    }

    /** A metric as text: whole numbers without a fraction, others in the shortest form that reads back exactly. */
    static String format(final double value)
    {
        if (Double.isNaN(value))
        {
            return "";
        }
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) :
            Double.toString(value);
    }
}
