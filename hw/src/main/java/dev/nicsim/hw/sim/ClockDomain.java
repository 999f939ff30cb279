package dev.nicsim.hw.sim;

/**
 * A clock: a name and a period in whole picoseconds. Edges fall at every multiple of the period (all clocks start in
 * phase at time 0). A block in this domain does its work on edges: {@link #nextEdge(long)} aligns a time up to the
 * next edge, {@link #cycles(long)} turns cycle counts into time.
 */
public final class ClockDomain
{
    private final String name;
    private final long periodPs;

    public ClockDomain(final String name, final long periodPs)
    {
        if (periodPs <= 0)
        {
            throw new IllegalArgumentException("clock '" + name + "': period must be positive, got " + periodPs + " ps");
        }
        this.name = name;
        this.periodPs = periodPs;
    }

    /**
     * A clock from its frequency. The period is rounded to the nearest picosecond (250 MHz and 156.25 MHz are exact;
     * 3 GHz becomes 333 ps), which is the model's time resolution.
     */
    public static ClockDomain ofMegahertz(final String name, final double megahertz)
    {
        if (!(megahertz > 0) || megahertz > 1_000_000)
        {
            throw new IllegalArgumentException("clock '" + name + "': frequency must be in (0, 1000000] MHz, got " +
                megahertz);
        }
        return new ClockDomain(name, Math.round(1_000_000.0 / megahertz));
    }

    public String name()
    {
        return name;
    }

    public long periodPs()
    {
        return periodPs;
    }

    public double megahertz()
    {
        return 1_000_000.0 / periodPs;
    }

    /** The first edge at or after {@code time}. */
    public long nextEdge(final long time)
    {
        final long remainder = time % periodPs;
        return remainder == 0 ? time : time + (periodPs - remainder);
    }

    /** The edge {@code cycles} cycles after the first edge at or after {@code time}. */
    public long edgeAfter(final long time, final long cycles)
    {
        return nextEdge(time) + cycles(cycles);
    }

    /** The duration of {@code count} cycles. */
    public long cycles(final long count)
    {
        return Math.multiplyExact(count, periodPs);
    }

    /** The number of the cycle that contains {@code time}. */
    public long cycleAt(final long time)
    {
        return time / periodPs;
    }

    /** The cycles needed to move {@code bytes} over a datapath {@code widthBytes} wide (at least one). */
    public static long beats(final long bytes, final int widthBytes)
    {
        return Math.max(1, (bytes + widthBytes - 1) / widthBytes);
    }

    @Override
    public String toString()
    {
        return name + " (" + periodPs + " ps)";
    }
}
