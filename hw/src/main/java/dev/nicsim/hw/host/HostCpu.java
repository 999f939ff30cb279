package dev.nicsim.hw.host;

import dev.nicsim.hw.sim.Simulator;

/**
 * A host's CPU as a resource: one activity (a system call, an interrupt handler, a poll) at a time. An activity that
 * starts while the CPU is busy waits for it; work inside an activity is charged with {@link #charge(long)}, which
 * advances the running code's local time (see {@link Simulator#consume(long)}).
 *
 * <p>Activities nest (an interrupt handler calling into the stack): only the outermost waits for the CPU and
 * releases it.
 */
public final class HostCpu
{
    private final Simulator sim;
    private final String name;
    private CpuCosts costs;
    private long busyUntil;
    private int depth;
    private long busyPs;
    private long activityStart;

    public HostCpu(final Simulator sim, final CpuCosts costs, final String name)
    {
        this.sim = sim;
        this.costs = costs;
        this.name = name;
    }

    public String name()
    {
        return name;
    }

    public Simulator sim()
    {
        return sim;
    }

    public CpuCosts costs()
    {
        return costs;
    }

    public void setCosts(final CpuCosts costs)
    {
        this.costs = costs;
    }

    /** Starts an activity, first waiting until the CPU is free. */
    public void begin()
    {
        if (depth++ == 0)
        {
            final long now = sim.now();
            if (busyUntil > now)
            {
                sim.consume(busyUntil - now);
            }
            activityStart = sim.now();
        }
    }

    /** Charges {@code ps} of work to the running activity. */
    public void charge(final long ps)
    {
        if (ps > 0)
        {
            sim.consume(ps);
        }
    }

    /** Ends an activity; the CPU is busy until the activity's local time. */
    public void end()
    {
        if (depth <= 0)
        {
            throw new IllegalStateException(name + ": end() without begin()");
        }
        if (--depth == 0)
        {
            busyUntil = sim.now();
            busyPs += busyUntil - activityStart;
        }
    }

    /** Total time the CPU spent in activities. */
    public long busyPs()
    {
        return busyPs;
    }

    public long busyUntil()
    {
        return busyUntil;
    }
}
