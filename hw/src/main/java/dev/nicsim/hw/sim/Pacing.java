package dev.nicsim.hw.sim;

/**
 * Ties simulated time to wall-clock time for runs attached to the real world. {@code speed} is simulated seconds per
 * wall second: 1.0 is real time, 0.5 runs the simulation at half speed (useful for a slow serial link).
 */
public final class Pacing
{
    private final double speed;
    private long simStart;
    private long wallStartNanos;
    private long longestLateNanos;

    public Pacing(final double speed)
    {
        if (!(speed > 0) || Double.isInfinite(speed))
        {
            throw new IllegalArgumentException("pacing speed must be a positive, finite number of simulated seconds " +
                "per wall second; got " + speed);
        }
        this.speed = speed;
    }

    public static Pacing realTime()
    {
        return new Pacing(1.0);
    }

    public double speed()
    {
        return speed;
    }

    void start(final long simNow)
    {
        simStart = simNow;
        wallStartNanos = System.nanoTime();
    }

    /**
     * The longest the simulation has run behind the wall clock: how late, in wall nanoseconds, an event fired after
     * its due time (the simulation thread was busy or not scheduled). Outside input that came meanwhile is stamped
     * late by as much, so a silence on a bridged link this long says the host, not the model, stalled.
     */
    public long longestLateNanos()
    {
        return longestLateNanos;
    }

    void noteLate(final long nanos)
    {
        if (nanos > longestLateNanos)
        {
            longestLateNanos = nanos;
        }
    }

    /** The simulated time that corresponds to this wall-clock instant. */
    long simulatedNow()
    {
        final double wallPs = (System.nanoTime() - wallStartNanos) * 1000.0;
        return simStart + (long) (wallPs * speed);
    }

    /** Wall nanoseconds to wait before simulated time {@code simTime} is due; zero or less when it already is. */
    long wallNanosUntil(final long simTime)
    {
        if (simTime == Time.NEVER)
        {
            return Long.MAX_VALUE;
        }
        final long dueWall = wallStartNanos + (long) ((simTime - simStart) / 1000.0 / speed);
        return dueWall - System.nanoTime();
    }
}
