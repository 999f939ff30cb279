package dev.nicsim.tools.config;

import java.util.List;
import java.util.Locale;

/**
 * One configurable knob of the testbed: its key ({@code pcie.dma_read_latency_ns}), what kind of value it takes, its
 * default, its unit, the values it accepts and what it means. The unit is part of the key where there is one, so a
 * value is never ambiguous.
 */
public record Parameter(String key, Kind kind, String defaultValue, String unit, double min, double max,
                        List<String> choices, String meaning)
{
    /** The kinds of value a parameter takes. */
    public enum Kind
    {
        INTEGER, DECIMAL, BOOLEAN, CHOICE, TEXT
    }

    /** Stands for a host's letter in a per-host key ({@code host.<host>.driver} is set as {@code host.B.driver}). */
    public static final String HOST_PLACEHOLDER = "<host>";

    public static Parameter integer(final String key, final long defaultValue, final String unit, final long min,
        final long max, final String meaning)
    {
        return new Parameter(key, Kind.INTEGER, Long.toString(defaultValue), unit, min, max, List.of(), meaning);
    }

    public static Parameter decimal(final String key, final double defaultValue, final String unit, final double min,
        final double max, final String meaning)
    {
        return new Parameter(key, Kind.DECIMAL, plain(defaultValue), unit, min, max, List.of(), meaning);
    }

    /** A duration in nanoseconds (fractions allowed), from 0 to 1 ms, whose default is given in picoseconds. */
    public static Parameter nanos(final String key, final long defaultPs, final String meaning)
    {
        return decimal(key, defaultPs / 1000.0, "ns", 0, 1_000_000, meaning);
    }

    public static Parameter bool(final String key, final boolean defaultValue, final String meaning)
    {
        return new Parameter(key, Kind.BOOLEAN, Boolean.toString(defaultValue), "", 0, 1, List.of(), meaning);
    }

    public static Parameter choice(final String key, final String defaultValue, final List<String> choices,
        final String meaning)
    {
        return new Parameter(key, Kind.CHOICE, defaultValue, "", 0, 0, List.copyOf(choices), meaning);
    }

    /**
     * Free text in the given {@code form} (for help texts); the code that reads it checks it before the run and
     * names the key when it is wrong.
     */
    public static Parameter text(final String key, final String defaultValue, final String form, final String meaning)
    {
        return new Parameter(key, Kind.TEXT, defaultValue, "", 0, 0, List.of(form), meaning);
    }

    /** Whether this key is a per-host template holding {@link #HOST_PLACEHOLDER}. */
    public boolean perHost()
    {
        return key.contains(HOST_PLACEHOLDER);
    }

    /** What the parameter accepts, for help texts and errors: {@code integer in [1, 16]}, {@code one of a, b}. */
    public String accepted()
    {
        return switch (kind)
        {
            case INTEGER -> "an integer in [" + (long) min + ", " + (long) max + "]";
            case DECIMAL -> "a number in [" + plain(min) + ", " + plain(max) + "]";
            case BOOLEAN -> "true or false";
            case CHOICE -> "one of " + String.join(", ", choices);
            case TEXT -> choices.getFirst();
        };
    }

    /**
     * Parses and checks a value given as text; returns it in canonical form.
     *
     * @throws ConfigException naming the key, the value and what is accepted
     */
    public String canonical(final String text)
    {
        final String value = text.trim();
        try
        {
            switch (kind)
            {
                case INTEGER ->
                {
                    final long parsed = Long.parseLong(value.replace("_", ""));
                    if (parsed < min || parsed > max)
                    {
                        throw outOfRange(value);
                    }
                    return Long.toString(parsed);
                }
                case DECIMAL ->
                {
                    final double parsed = Double.parseDouble(value);
                    if (!(parsed >= min && parsed <= max))
                    {
                        throw outOfRange(value);
                    }
                    return plain(parsed);
                }
                case BOOLEAN ->
                {
                    final String lower = value.toLowerCase(Locale.ROOT);
                    if (!lower.equals("true") && !lower.equals("false"))
                    {
                        throw outOfRange(value);
                    }
                    return lower;
                }
                case TEXT ->
                {
                    return value;
                }
                default ->
                {
                    if (!choices.contains(value))
                    {
                        throw outOfRange(value);
                    }
                    return value;
                }
            }
        }
        catch (final NumberFormatException e)
        {
            throw outOfRange(value);
        }
    }

    private ConfigException outOfRange(final String value)
    {
        return new ConfigException("bad value '" + value + "' for " + key + ": it takes " + accepted() +
            (unit.isEmpty() ? "" : " (" + unit + ")") + "; default " + defaultValue);
    }

    private static String plain(final double value)
    {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) :
            Double.toString(value);
    }
}
