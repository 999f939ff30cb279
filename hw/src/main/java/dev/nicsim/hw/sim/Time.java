package dev.nicsim.hw.sim;

/**
 * Simulated time is a {@code long} count of picoseconds since the start of the simulation. A signed 64-bit
 * picosecond counter lasts about 106 days of simulated time, far beyond any run.
 */
public final class Time
{
    public static final long PS = 1L;
    public static final long NS = 1_000L;
    public static final long US = 1_000_000L;
    public static final long MS = 1_000_000_000L;
    public static final long S = 1_000_000_000_000L;

    /** A time later than any event: "no deadline". */
    public static final long NEVER = Long.MAX_VALUE;

    private Time()
    {
    }

    public static long ns(final long nanoseconds)
    {
        return Math.multiplyExact(nanoseconds, NS);
    }

    public static long us(final long microseconds)
    {
        return Math.multiplyExact(microseconds, US);
    }

    public static long ms(final long milliseconds)
    {
        return Math.multiplyExact(milliseconds, MS);
    }

    public static long seconds(final long seconds)
    {
        return Math.multiplyExact(seconds, S);
    }

    /**
     * Formats a time for people: the largest unit that keeps the value at or above 1, with up to three decimals
     * ({@code 67.2 ns}, {@code 1.000127 s} is shown as {@code 1.000 s}). Not for hot paths: it builds a string.
     */
    public static String format(final long ps)
    {
        if (ps == NEVER)
        {
            return "never";
        }
        final long abs = Math.abs(ps);
        if (abs >= S)
        {
            return scaled(ps, S, "s");
        }
        if (abs >= MS)
        {
            return scaled(ps, MS, "ms");
        }
        if (abs >= US)
        {
            return scaled(ps, US, "us");
        }
        if (abs >= NS)
        {
            return scaled(ps, NS, "ns");
        }
        return ps + " ps";
    }

    /** A fixed-width timestamp for timelines: seconds with picosecond resolution, {@code 0.000001234567}. */
    public static String stamp(final long ps)
    {
        return String.format("%d.%012d", ps / S, ps % S);
    }

    private static String scaled(final long ps, final long unit, final String name)
    {
        final String text = String.format("%.3f", (double) ps / unit);
        return stripZeros(text) + " " + name;
    }

    private static String stripZeros(final String decimal)
    {
        int end = decimal.length();
        while (decimal.charAt(end - 1) == '0')
        {
            end--;
        }
        if (decimal.charAt(end - 1) == '.')
        {
            end--;
        }
        return decimal.substring(0, end);
    }
}
