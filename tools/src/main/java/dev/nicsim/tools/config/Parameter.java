package dev.nicsim.tools.config;

import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * One configurable knob of the testbed: its key ({@code pcie.dma_read_latency_ns}), what kind of value it takes, its
 * default, its unit, the values it accepts and what it means. The unit is part of the key where there is one, so a
 * value is never ambiguous. For a choice, {@code choices} lists the values; for a number, the words it takes besides
 * numbers ({@link #AUTO} for a value derived from other settings). Text is checked against its form when it is set.
 */
public record Parameter(String key, Kind kind, String defaultValue, String unit, double min, double max,
                        long step, List<String> choices, String meaning, Predicate<String> textForm)
{
    /** The value of a parameter derived from other settings unless given (e.g. the MAC clock from the line rate). */
    public static final String AUTO = "auto";

    /** The kinds of value a parameter takes. */
    public enum Kind
    {
        INTEGER, DECIMAL, BOOLEAN, CHOICE, TEXT,
        /** Strictly increasing integers in [min, max], comma-separated; empty for none. */
        ORDINALS
    }

    /** The form check of every kind but text: the kind's own parsing checks the value. */
    private static final Predicate<String> ANY_TEXT = value -> true;

    /** Stands for a host's letter in a per-host key ({@code host.<host>.driver} is set as {@code host.B.driver}). */
    public static final String HOST_PLACEHOLDER = "<host>";

    public static Parameter integer(final String key, final long defaultValue, final String unit, final long min,
        final long max, final String meaning)
    {
        return multipleOf(key, defaultValue, unit, min, max, 1, meaning);
    }

    /** An integer in [min, max] that must be a multiple of {@code step} (ring sizes in whole cache lines, say). */
    public static Parameter multipleOf(final String key, final long defaultValue, final String unit, final long min,
        final long max, final long step, final String meaning)
    {
        return new Parameter(key, Kind.INTEGER, Long.toString(defaultValue), unit, min, max, step, List.of(),
            meaning, ANY_TEXT);
    }

    public static Parameter decimal(final String key, final double defaultValue, final String unit, final double min,
        final double max, final String meaning)
    {
        return new Parameter(key, Kind.DECIMAL, plain(defaultValue), unit, min, max, 1, List.of(), meaning, ANY_TEXT);
    }

    /** A number that defaults to {@link #AUTO}: derived from other settings unless given. */
    public static Parameter derived(final String key, final String unit, final double min, final double max,
        final String meaning)
    {
        return new Parameter(key, Kind.DECIMAL, AUTO, unit, min, max, 1, List.of(AUTO), meaning, ANY_TEXT);
    }

    /** A duration in nanoseconds (fractions allowed), from 0 to 1 ms, whose default is given in picoseconds. */
    public static Parameter nanos(final String key, final long defaultPs, final String meaning)
    {
        return nanos(key, defaultPs, 0, 1_000_000, meaning);
    }

    /** A duration in nanoseconds in [minNanos, maxNanos], whose default is given in picoseconds. */
    public static Parameter nanos(final String key, final long defaultPs, final double minNanos,
        final double maxNanos, final String meaning)
    {
        return decimal(key, defaultPs / 1000.0, "ns", minNanos, maxNanos, meaning);
    }

    public static Parameter bool(final String key, final boolean defaultValue, final String meaning)
    {
        return new Parameter(key, Kind.BOOLEAN, Boolean.toString(defaultValue), "", 0, 1, 1, List.of(), meaning,
            ANY_TEXT);
    }

    public static Parameter choice(final String key, final String defaultValue, final List<String> choices,
        final String meaning)
    {
        return new Parameter(key, Kind.CHOICE, defaultValue, "", 0, 0, 1, List.copyOf(choices), meaning, ANY_TEXT);
    }

    /**
     * Free text in the given {@code form} (for help texts), accepted when {@code inForm} holds: a malformed value is
     * refused when it is set, before any run, naming the key.
     */
    public static Parameter text(final String key, final String defaultValue, final String form,
        final Predicate<String> inForm, final String meaning)
    {
        return new Parameter(key, Kind.TEXT, defaultValue, "", 0, 0, 1, List.of(form), meaning, inForm);
    }

    /** Places in a sequence (frame numbers, say): strictly increasing integers in [min, max]; none by default. */
    public static Parameter ordinals(final String key, final long min, final long max, final String meaning)
    {
        return new Parameter(key, Kind.ORDINALS, "", "", min, max, 1, List.of(), meaning, ANY_TEXT);
    }

    /** Whether this key is a per-host template holding {@link #HOST_PLACEHOLDER}. */
    public boolean perHost()
    {
        return key.contains(HOST_PLACEHOLDER);
    }

    /** This per-host parameter as one host's key ({@code host.B.driver}), so that its errors name that key. */
    public Parameter ofHost(final String hostKey)
    {
        return new Parameter(hostKey, kind, defaultValue, unit, min, max, step, choices, meaning, textForm);
    }

    /** What the parameter accepts, for help texts and errors: {@code integer in [1, 16]}, {@code one of a, b}. */
    public String accepted()
    {
        return switch (kind)
        {
            case INTEGER -> "an integer in [" + (long) min + ", " + (long) max + "]" +
                (step > 1 ? ", a multiple of " + step : "");
            case DECIMAL -> "a number in [" + plain(min) + ", " + plain(max) + "]" +
                (choices.isEmpty() ? "" : " or " + String.join(", ", choices));
            case BOOLEAN -> "true or false";
            case CHOICE -> "one of " + String.join(", ", choices);
            case TEXT -> choices.getFirst();
            case ORDINALS -> "strictly increasing integers in [" + (long) min + ", " + (long) max + "], " +
                "comma-separated, or nothing";
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
        if (kind != Kind.CHOICE && choices.contains(value))
        {
            return value;
        }
        try
        {
            switch (kind)
            {
                case INTEGER ->
                {
                    final long parsed = Long.parseLong(value.replace("_", ""));
                    if (parsed < min || parsed > max || parsed % step != 0)
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
                    if (!textForm.test(value))
                    {
                        throw outOfRange(value);
                    }
                    return value;
                }
                case ORDINALS ->
                {
                    final StringBuilder canonical = new StringBuilder();
                    long previous = Long.MIN_VALUE;
                    for (final long ordinal : parseOrdinals(value))
                    {
                        if (ordinal < min || ordinal > max || ordinal <= previous)
                        {
                            throw outOfRange(value);
                        }
                        previous = ordinal;
                        canonical.append(canonical.isEmpty() ? "" : ",").append(ordinal);
                    }
                    return canonical.toString();
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

    /** The numbers of an {@link Kind#ORDINALS} value, unchecked; an empty value has none. */
    static long[] parseOrdinals(final String value)
    {
        if (value.isBlank())
        {
            return new long[0];
        }
        final String[] parts = value.split(",");
        final long[] ordinals = new long[parts.length];
        for (int i = 0; i < parts.length; i++)
        {
            ordinals[i] = Long.parseLong(parts[i].trim().replace("_", ""));
        }
        return ordinals;
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
