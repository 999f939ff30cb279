package dev.nicsim.tools.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values of every {@link Parameter} for one run: the catalog's defaults, overridden by a configuration file and then
 * by {@code --set key=value} flags. Every value is checked when it is set; an unknown key names the closest known one.
 */
public final class Settings
{
    private final ParameterCatalog catalog;
    private final Map<String, String> overrides = new LinkedHashMap<>();

    public Settings(final ParameterCatalog catalog)
    {
        this.catalog = catalog;
    }

    public ParameterCatalog catalog()
    {
        return catalog;
    }

    /** A copy with the same overrides, to vary one value without touching this one. */
    public Settings copy()
    {
        final Settings copy = new Settings(catalog);
        copy.overrides.putAll(overrides);
        return copy;
    }

    /**
     * Sets one value.
     *
     * @throws ConfigException for an unknown key or a value the key does not accept
     */
    public Settings set(final String key, final String value)
    {
        final Parameter template = catalog.require(key.trim());
        final Parameter parameter = template.perHost() ? template.ofHost(key.trim()) : template;
        overrides.put(parameter.key(), parameter.canonical(value));
        return this;
    }

    /** Applies a {@code key=value} assignment as given on a command line. */
    public Settings assign(final String assignment)
    {
        final int equals = assignment.indexOf('=');
        if (equals <= 0)
        {
            throw new ConfigException("'" + assignment + "' is not an assignment: write key=value, e.g. " +
                "pcie.dma_read_latency_ns=600 (run 'nicsim config' for the keys)");
        }
        return set(assignment.substring(0, equals), assignment.substring(equals + 1));
    }

    /**
     * Applies every line of a configuration file: {@code key = value}, blank lines, and comments from {@code #} to
     * the end of the line (a whole line, or after the value following a space). Nothing is applied if any line is
     * bad; the error names the file and the line.
     */
    public Settings load(final Path file)
    {
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        }
        catch (final NoSuchFileException e)
        {
            throw new ConfigException("configuration file " + file + " does not exist");
        }
        catch (final IOException | UncheckedIOException e)
        {
            throw new ConfigException("cannot read configuration file " + file + " as UTF-8 text: " + e.getMessage());
        }
        final Settings staged = copy();
        for (int number = 1; number <= lines.size(); number++)
        {
            // A byte order mark (Windows editors write one) starts the file; it is not part of the first key.
            final String raw = number == 1 && lines.get(0).startsWith("\uFEFF") ? lines.get(0).substring(1) :
                lines.get(number - 1);
            final String line = withoutComment(raw).strip();
            if (line.isEmpty())
            {
                continue;
            }
            try
            {
                if (line.indexOf('=') <= 0)
                {
                    throw new ConfigException("'" + line + "' is not a setting: write key = value, e.g. " +
                        "link.rate_gbps = 25 (# starts a comment)");
                }
                staged.assign(line);
            }
            catch (final ConfigException e)
            {
                throw new ConfigException(file + ":" + number + ": " + e.getMessage());
            }
        }
        overrides.putAll(staged.overrides);
        return this;
    }

    /* A '#' at the start of a line or after white space starts a comment; one inside a value (a#b) does not. */
    private static String withoutComment(final String line)
    {
        for (int i = 0; i < line.length(); i++)
        {
            if (line.charAt(i) == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1))))
            {
                return line.substring(0, i);
            }
        }
        return line;
    }

    /** The values that differ from the defaults, in the order they were set. */
    public Map<String, String> overrides()
    {
        return Collections.unmodifiableMap(overrides);
    }

    public String text(final String key)
    {
        final Parameter parameter = catalog.require(key);
        return overrides.getOrDefault(parameter.perHost() ? key : parameter.key(), parameter.defaultValue());
    }

    public long integer(final String key)
    {
        return Long.parseLong(text(key));
    }

    public int integer32(final String key)
    {
        return Math.toIntExact(integer(key));
    }

    public double decimal(final String key)
    {
        return Double.parseDouble(text(key));
    }

    public boolean bool(final String key)
    {
        return Boolean.parseBoolean(text(key));
    }

    /** The numbers of an {@link Parameter.Kind#ORDINALS} key, in order; none when it is empty. */
    public long[] ordinals(final String key)
    {
        return Parameter.parseOrdinals(text(key));
    }

    /** A duration given in nanoseconds (possibly fractional), in whole picoseconds. */
    public long picosFromNanos(final String key)
    {
        return Math.round(decimal(key) * 1000.0);
    }
}
