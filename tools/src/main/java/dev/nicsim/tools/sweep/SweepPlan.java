package dev.nicsim.tools.sweep;

import dev.nicsim.tools.config.ConfigException;
import dev.nicsim.tools.config.CrossKeyRules;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.config.TestbedParameters;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A whole sweep, fixed before anything runs: the target, the settings every point shares, and the swept keys with
 * their values, paired in lockstep ({@code --set a=1,2 --set b=3,4} gives a=1 b=3 and a=2 b=4) or crossed as a grid
 * (four points, the first key varying slowest). Points are numbered in that order; the plan is written into the
 * sweep's folder so that a point can run anywhere (another thread, a Slurm node, a Kubernetes pod) from the folder
 * alone, and give the same result.
 */
public final class SweepPlan
{
    private final SweepTargets targets;
    private final List<String> targetWords;
    private final Settings base;
    private final Map<String, List<String>> swept;
    private final boolean grid;
    private final List<Point> points;

    /** One point: its number in the plan and the value of each swept key, in the plan's key order. */
    public record Point(int index, Map<String, String> values)
    {
        /** {@code key=value} pairs separated by spaces, for tables and messages. */
        public String label()
        {
            final StringBuilder text = new StringBuilder();
            values.forEach((key, value) -> text.append(text.isEmpty() ? "" : " ").append(key).append('=')
                .append(value));
            return text.toString();
        }
    }

    private SweepPlan(final SweepTargets targets, final List<String> targetWords, final Settings base,
        final Map<String, List<String>> swept, final boolean grid)
    {
        this.targets = targets;
        this.targetWords = List.copyOf(targetWords);
        this.base = base;
        this.swept = swept;
        this.grid = grid;
        this.points = enumerate();
        for (final Point point : points)
        {
            settings(point);
        }
    }

    /** Whether a {@code --set} assignment lists several values, i.e. asks for a sweep of its key. */
    public static boolean listsValues(final String assignment)
    {
        return assignment.indexOf(',') >= 0;
    }

    /**
     * The plan for {@code sweeps} ({@code KEY=V1,V2,...} each) over {@code base}, running the target of {@code
     * targets} that {@code targetWords} name. Every value of every point is checked here, before anything runs.
     *
     * @throws ConfigException when nothing is swept, a key is swept twice, lockstep lists differ in length, or for
     *                         any bad key, value or target
     */
    public static SweepPlan of(final SweepTargets targets, final List<String> targetWords, final Settings base,
        final List<String> sweeps, final boolean grid)
    {
        if (sweeps.isEmpty())
        {
            throw new ConfigException("say what to sweep: --set KEY=V1,V2,... (e.g. --set " +
                "pcie.dma_read_latency_ns=400,500,600)");
        }
        targets.parse(targetWords);
        final Map<String, List<String>> swept = new LinkedHashMap<>();
        for (final String assignment : sweeps)
        {
            final int equals = assignment.indexOf('=');
            if (equals <= 0)
            {
                throw new ConfigException("'" + assignment + "' is not an assignment: write KEY=V1,V2,...");
            }
            final String key = base.catalog().require(assignment.substring(0, equals).trim()).key();
            final List<String> values = new ArrayList<>();
            for (final String value : assignment.substring(equals + 1).split(",", -1))
            {
                values.add(base.copy().set(key, value).text(key));
            }
            if (swept.put(key, values) != null)
            {
                throw new ConfigException(key + " is swept twice: give all its values in one --set " + key +
                    "=V1,V2,...");
            }
        }
        if (!grid)
        {
            final Map.Entry<String, List<String>> first = swept.entrySet().iterator().next();
            for (final Map.Entry<String, List<String>> other : swept.entrySet())
            {
                if (other.getValue().size() != first.getValue().size())
                {
                    throw new ConfigException("keys swept in lockstep need as many values each: " + first.getKey() +
                        " has " + first.getValue().size() + ", " + other.getKey() + " has " +
                        other.getValue().size() + " (or add --grid for every combination)");
                }
            }
        }
        final SweepPlan plan = new SweepPlan(targets, targetWords, base, swept, grid);
        // The rules between keys hold for each point's settings, not for the fixed ones alone (driver.queues=4 fixed
        // with nic.queues=4,8 swept is sound); every point is checked before any runs.
        for (final Point point : plan.points())
        {
            try
            {
                CrossKeyRules.check(plan.settings(point));
            }
            catch (final ConfigException e)
            {
                throw new ConfigException("point " + point.index() + " (" + point.label() + "): " + e.getMessage());
            }
        }
        return plan;
    }

    private List<Point> enumerate()
    {
        final List<String> keys = new ArrayList<>(swept.keySet());
        final List<Point> all = new ArrayList<>();
        final int count = grid ? swept.values().stream().mapToInt(List::size).reduce(1, Math::multiplyExact) :
            swept.get(keys.get(0)).size();
        for (int index = 0; index < count; index++)
        {
            final Map<String, String> values = new LinkedHashMap<>();
            int rest = index;
            int stride = count;
            for (final String key : keys)
            {
                final List<String> choices = swept.get(key);
                if (grid)
                {
                    stride /= choices.size();
                    values.put(key, choices.get(rest / stride));
                    rest %= stride;
                }
                else
                {
                    values.put(key, choices.get(index));
                }
            }
            all.add(new Point(index, Collections.unmodifiableMap(values)));
        }
        return List.copyOf(all);
    }

    public List<Point> points()
    {
        return points;
    }

    public Point point(final int index)
    {
        if (index < 0 || index >= points.size())
        {
            throw new ConfigException("point " + index + " is not in this sweep (it has points 0 to " +
                (points.size() - 1) + ")");
        }
        return points.get(index);
    }

    /** The swept keys, in the order given. */
    public List<String> keys()
    {
        return List.copyOf(swept.keySet());
    }

    public boolean grid()
    {
        return grid;
    }

    public List<String> targetWords()
    {
        return targetWords;
    }

    /** A fresh target for a point (targets keep no state, but a fresh one per point makes that hold by design). */
    public SweepTarget target()
    {
        return targets.parse(targetWords);
    }

    /** The settings every point shares (from --config and the single-valued --set). */
    public Map<String, String> fixedSettings()
    {
        return base.overrides();
    }

    /** The effective settings of one point. */
    public Settings settings(final Point point)
    {
        final Settings settings = base.copy();
        point.values().forEach(settings::set);
        return settings;
    }

    /** The plan as properties text, sorted, without a date: the same sweep gives the same bytes. */
    public String toText()
    {
        final Properties properties = new Properties();
        properties.setProperty("target", String.join(" ", targetWords));
        for (int i = 0; i < targetWords.size(); i++)
        {
            properties.setProperty("target." + i, targetWords.get(i));
        }
        properties.setProperty("target.words", Integer.toString(targetWords.size()));
        properties.setProperty("grid", Boolean.toString(grid));
        base.overrides().forEach((key, value) -> properties.setProperty("fixed." + key, value));
        int i = 0;
        for (final Map.Entry<String, List<String>> entry : swept.entrySet())
        {
            properties.setProperty("sweep." + i + ".key", entry.getKey());
            properties.setProperty("sweep." + i + ".values", String.join(",", entry.getValue()));
            i++;
        }
        properties.setProperty("sweep.keys", Integer.toString(swept.size()));
        final StringWriter text = new StringWriter();
        try
        {
            properties.store(text, null);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        final TreeMap<String, String> lines = new TreeMap<>();
        for (final String line : text.toString().split("\n"))
        {
            if (!line.startsWith("#"))
            {
                lines.put(line, line);
            }
        }
        return "# nicsim sweep plan: written by 'nicsim sweep', read by every point's run\n" +
            String.join("\n", lines.values()) + "\n";
    }

    /**
     * Reads a plan written by {@link #toText}.
     *
     * @throws ConfigException if the text is not a plan or names keys or values this version does not accept
     */
    public static SweepPlan parse(final String text, final String where, final SweepTargets targets)
    {
        final Properties properties = new Properties();
        try
        {
            properties.load(new StringReader(text));
            final List<String> words = new ArrayList<>();
            for (int i = 0; i < Integer.parseInt(required(properties, "target.words", where)); i++)
            {
                words.add(required(properties, "target." + i, where));
            }
            final Settings base = TestbedParameters.defaults();
            for (final String name : new TreeSet<>(properties.stringPropertyNames()))
            {
                if (name.startsWith("fixed."))
                {
                    base.set(name.substring("fixed.".length()), properties.getProperty(name));
                }
            }
            final List<String> sweeps = new ArrayList<>();
            for (int i = 0; i < Integer.parseInt(required(properties, "sweep.keys", where)); i++)
            {
                sweeps.add(required(properties, "sweep." + i + ".key", where) + "=" +
                    required(properties, "sweep." + i + ".values", where));
            }
            return of(targets, words, base, sweeps, Boolean.parseBoolean(required(properties, "grid", where)));
        }
        catch (final IOException | IllegalArgumentException e)
        {
            throw new ConfigException(where + " is not a sweep plan: " + e.getMessage());
        }
    }

    private static String required(final Properties properties, final String name, final String where)
    {
        final String value = properties.getProperty(name);
        if (value == null)
        {
            throw new ConfigException(where + " is not a complete sweep plan: it has no '" + name + "'");
        }
        return value;
    }
}
