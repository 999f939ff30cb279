package dev.nicsim.hw.sim;

import java.util.concurrent.locks.LockSupport;

/**
 * Ties simulated time to wall-clock time for runs attached to the real world. {@code speed} is simulated seconds per
 * wall second: 1.0 is real time, 0.5 runs the simulation at half speed (useful for a slow serial link).
 *
 * <h2>When the simulation falls behind</h2>
 * The machine may not keep up for a while (a JIT compilation, a GC pause, other processes on the cores). Racing to
 * catch up would be wrong for a bridged run: the events that fell due meanwhile would fire in a burst, among them the
 * simulated hosts' timers (a retransmission timeout fires although the peer's acknowledgement sits unread in the
 * bridge's queue), and outside input taken afterwards would be stamped at the wall-clock time, so the capture would
 * show the simulated side silent for as long as the stall lasted although it answered as soon as it ran again (what
 * docs/bridges.md measured as "silent gaps"). So a lateness beyond {@link #SLIP_TOLERANCE_NANOS} is not caught up:
 * the simulation slips, like a paused machine, and simulated time goes on from where it was. The same holds for wall
 * time spent outside the run loop (the caller busy between blocking calls): the simulated hosts were not running.
 * Each slip is counted; {@link #summary()} says how long the simulated hosts were paused in all.
 */
public final class Pacing
{
    /**
     * How late an event may fire and still be caught up rather than slipped. A millisecond is below what a peer's
     * timers can resolve (Linux's run on jiffies of 1 to 4 ms) and above the jitter of parking a thread.
     */
    public static final long SLIP_TOLERANCE_NANOS = 1_000_000;

    /** Where pacing reads and waits for wall-clock time: the system's, or a test's own. */
    interface WallClock
    {
        WallClock SYSTEM = new WallClock()
        {
            @Override
            public long nanoTime()
            {
                return System.nanoTime();
            }

            @Override
            public void park(final Object blocker, final long nanos)
            {
                LockSupport.parkNanos(blocker, nanos);
            }
        };

        long nanoTime();

        /** Waits up to {@code nanos} (less if woken by {@link LockSupport#unpark}). */
        void park(Object blocker, long nanos);
    }

    private final double speed;
    private final WallClock clock;
    private long simStart;
    private long wallStartNanos;
    private long longestLateNanos;
    private long slips;
    private long slippedNanos;

    public Pacing(final double speed)
    {
        this(speed, WallClock.SYSTEM);
    }

    Pacing(final double speed, final WallClock clock)
    {
        if (!(speed > 0) || Double.isInfinite(speed))
        {
            throw new IllegalArgumentException("pacing speed must be a positive, finite number of simulated seconds " +
                "per wall second; got " + speed);
        }
        this.speed = speed;
        this.clock = clock;
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
        wallStartNanos = clock.nanoTime();
    }

    /**
     * The longest the simulation has run behind the wall clock, in wall nanoseconds: the simulation thread was busy,
     * not scheduled, or out of the run loop past the simulated time it had reached.
     */
    public long longestLateNanos()
    {
        return longestLateNanos;
    }

    /** How many times the simulation slipped (fell behind by more than the tolerance). */
    public long slips()
    {
        return slips;
    }

    /** The wall time, in nanoseconds, given up by slipping: how long the simulated hosts were paused in all. */
    public long slippedNanos()
    {
        return slippedNanos;
    }

    /** One line for the end of a paced run. */
    public String summary()
    {
        return slips == 0 ? "kept pace with the wall clock" : String.format("fell behind the wall clock %d time(s) and " +
            "slipped %.1f ms in all (longest %.1f ms): the machine did not keep up, so the simulated hosts paused",
            slips, slippedNanos / 1e6, longestLateNanos / 1e6);
    }

    /**
     * Called whenever the simulation thread is about to wait for the wall clock, having just run up to
     * {@code simNow}: the thread was busy until now, so any wall time beyond {@code simNow} is lateness. Within the
     * tolerance it is caught up; beyond it, {@code simNow} is made to correspond to this instant (a slip).
     */
    void keepUp(final long simNow)
    {
        final long lateNanos = -wallNanosUntil(simNow);
        if (lateNanos > longestLateNanos)
        {
            longestLateNanos = lateNanos;
        }
        if (lateNanos > SLIP_TOLERANCE_NANOS)
        {
            slips++;
            slippedNanos += lateNanos;
            simStart = simNow;
            wallStartNanos = clock.nanoTime();
        }
    }

    /** Waits on the wall clock for at most {@code nanos}. */
    void park(final Object blocker, final long nanos)
    {
        clock.park(blocker, nanos);
    }

    /** The simulated time that corresponds to this wall-clock instant. */
    long simulatedNow()
    {
        final double wallPs = (clock.nanoTime() - wallStartNanos) * 1000.0;
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
        return dueWall - clock.nanoTime();
    }
}
