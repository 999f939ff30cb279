package dev.nicsim.hw.host;

import dev.nicsim.hw.sim.Simulator;

/**
 * A host's CPU as a resource: one activity (a system call, an interrupt handler, a poll) at a time. An activity that
 * starts while the CPU is busy waits for it; work inside an activity is charged with {@link #charge(long)}, which
 * advances the running code's local time (see {@link Simulator#consume(long)}).
 *
 * <p>Activities nest (an interrupt handler calling into the stack): only the outermost waits for the CPU and
 * releases it.
 *
 * <p>Busy time is split by {@link CpuUse}: each activity has a use, and a charge made for another use inside it
 * counts there; whatever else the activity's time holds (an MMIO read the CPU stalls on, say) counts for the
 * activity's own use. The uses add up exactly to {@link #busyPs()}.
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
    private CpuUse activityUse = CpuUse.SYSCALL;
    /* Per use: time charged to it inside activities of other uses, and the total, both in picoseconds. */
    private final long[] chargedElsewherePs = new long[CpuUse.ALL.length];
    private final long[] usePs = new long[CpuUse.ALL.length];
    private ActivityListener activityListener;

    /** Told of each finished activity (a timeline's CPU track); one branch when nobody listens. */
    @FunctionalInterface
    public interface ActivityListener
    {
        void activity(HostCpu cpu, CpuUse use, long start, long end);
    }
    private long chargedAwayPs;

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

    public void setActivityListener(final ActivityListener listener)
    {
        this.activityListener = listener;
    }

    public void setCosts(final CpuCosts costs)
    {
        this.costs = costs;
    }

    /**
     * Starts an activity, first waiting until the CPU is free. Nested inside another activity, it is part of that
     * one and keeps its use.
     */
    public void begin(final CpuUse use)
    {
        if (depth++ == 0)
        {
            final long now = sim.now();
            if (busyUntil > now)
            {
                sim.consume(busyUntil - now);
            }
            activityStart = sim.now();
            activityUse = use;
            chargedAwayPs = 0;
        }
    }

    /** Charges {@code ps} of work to the running activity, for the activity's own use. */
    public void charge(final long ps)
    {
        if (ps > 0)
        {
            sim.consume(ps);
        }
    }

    /** Charges {@code ps} of work done for {@code use} to the running activity. */
    public void charge(final CpuUse use, final long ps)
    {
        if (ps > 0)
        {
            sim.consume(ps);
            if (use != activityUse && depth > 0)
            {
                chargedElsewherePs[use.ordinal()] += ps;
                chargedAwayPs += ps;
            }
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
            final long activityPs = busyUntil - activityStart;
            busyPs += activityPs;
            usePs[activityUse.ordinal()] += activityPs - chargedAwayPs;
            if (chargedAwayPs > 0)
            {
                for (int use = 0; use < usePs.length; use++)
                {
                    usePs[use] += chargedElsewherePs[use];
                    chargedElsewherePs[use] = 0;
                }
            }
            if (activityListener != null)
            {
                activityListener.activity(this, activityUse, activityStart, busyUntil);
            }
        }
    }

    /** Time the CPU spent on {@code use}; the uses add up to {@link #busyPs()}. */
    public long busyPs(final CpuUse use)
    {
        return usePs[use.ordinal()];
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
