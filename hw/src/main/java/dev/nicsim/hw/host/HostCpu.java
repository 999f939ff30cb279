package dev.nicsim.hw.host;

import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Simulator;

/**
 * A host's processor: one or more cores, each a resource that runs one activity (a system call, an interrupt handler,
 * a poll) at a time. An activity starts on a core and waits for that core if it is busy; work inside an activity is
 * charged with {@link #charge(long)}, which advances the running code's local time (see
 * {@link Simulator#consume(long)}). Cores run in parallel: an activity on core 1 does not wait for core 0.
 *
 * <p>Activities nest (an interrupt handler calling into the stack): only the outermost waits for its core and releases
 * it, and a nested activity runs on the outer one's core, whatever core it names. The simulation runs one event at a
 * time, so at most one activity is open at any moment and charges go to its core.
 *
 * <p>Where work runs, as on a Linux host with IRQ affinity set per queue (Intel's {@code set_irq_affinity} layout):
 * the interrupt of queue {@code i} and the softirq work it starts run on core {@link #irqCore(int) i mod cores};
 * a program's system calls run on the core it is placed on; a caller may name a core for other work (the stack runs
 * a connection's timers where its protocol work last ran); work that names no core (the host's other interrupts,
 * ARP and TIME_WAIT timers) runs on core 0.
 *
 * <p>Busy time is split by {@link CpuUse}, per core: each activity has a use, and a charge made for another use
 * inside it counts there; whatever else the activity's time holds (an MMIO read the CPU stalls on, say) counts for
 * the activity's own use. A core's uses add up exactly to its {@link #busyPs(int)}, and the host's figures are the
 * sums over its cores.
 */
public final class HostCpu
{
    /** Most cores a host may have (a two-socket server's worth of physical cores). */
    public static final int MAX_CORES = 256;

    private final Simulator sim;
    private final String name;
    private final int cores;
    private CpuCosts costs;
    private final long[] busyUntil;
    private final long[] coreBusyPs;
    /* Per core, per use: total time, in picoseconds. */
    private final long[][] usePs;
    /* The open activity: its core, start, use, and per use the time charged to another use than its own. */
    private int depth;
    private int activityCore;
    private long activityStart;
    private CpuUse activityUse = CpuUse.SYSCALL;
    private final long[] chargedElsewherePs = new long[CpuUse.ALL.length];
    private long chargedAwayPs;
    /* Per core, its activities that end ahead of the clock of the event that ran them. */
    private final ActivitiesAhead[] ahead;
    private ActivityListener activityListener;

    /** Told of each finished activity (a timeline's CPU track); one branch when nobody listens. */
    @FunctionalInterface
    public interface ActivityListener
    {
        void activity(HostCpu cpu, int core, CpuUse use, long start, long end);
    }

    /** A single-core host. */
    public HostCpu(final Simulator sim, final CpuCosts costs, final String name)
    {
        this(sim, costs, name, 1);
    }

    /**
     * A host with {@code cores} cores.
     *
     * @throws IllegalArgumentException if {@code cores} is not in [1, {@value #MAX_CORES}]
     */
    public HostCpu(final Simulator sim, final CpuCosts costs, final String name, final int cores)
    {
        if (cores < 1 || cores > MAX_CORES)
        {
            throw new IllegalArgumentException(name + ": a host has 1 to " + MAX_CORES + " cores, got " + cores);
        }
        this.sim = sim;
        this.costs = costs;
        this.name = name;
        this.cores = cores;
        this.busyUntil = new long[cores];
        this.coreBusyPs = new long[cores];
        this.usePs = new long[cores][CpuUse.ALL.length];
        this.ahead = new ActivitiesAhead[cores];
        for (int core = 0; core < cores; core++)
        {
            ahead[core] = new ActivitiesAhead();
        }
    }

    public String name()
    {
        return name;
    }

    /** A core's name for reports: the host CPU's own name with one core, {@code "A.cpu3"} with several. */
    public String coreName(final int core)
    {
        checkCore(core);
        return cores == 1 ? name : name + core;
    }

    public Simulator sim()
    {
        return sim;
    }

    public CpuCosts costs()
    {
        return costs;
    }

    public int cores()
    {
        return cores;
    }

    /**
     * The core that queue {@code queue}'s interrupt reaches, and so where its NAPI poll and the protocol work of the
     * frames it receives run: {@code queue mod cores}, one queue per core in turn, as Linux drivers spread their
     * queue vectors and {@code set_irq_affinity} pins them.
     */
    public int irqCore(final int queue)
    {
        if (queue < 0)
        {
            throw new IllegalArgumentException(name + ": queue " + queue + " is negative");
        }
        return queue % cores;
    }

    /**
     * Starts queue {@code queue}'s driver work (its interrupts, poll, transmits) as an activity on the core its
     * vectors reach ({@link #irqCore}), as Linux runs a queue's NAPI poll on the CPU its IRQ hits.
     */
    public void beginOnIrqCore(final int queue, final CpuUse use)
    {
        begin(irqCore(queue), use);
    }

    /**
     * Whether queue {@code queue}'s {@code work} must wait because the queue's core is busy with another activity;
     * if so it is scheduled for when the core is free. Drivers' work waits this way rather than by running ahead in
     * local time, so that what it reads (descriptors) and writes (registers, which cross the PCIe link) happens when
     * it really runs.
     */
    public boolean waitsForIrqCore(final int queue, final Event work)
    {
        final long free = busyUntil(irqCore(queue));
        if (free <= sim.now())
        {
            return false;
        }
        if (!work.isScheduled())
        {
            sim.schedule(work, free);
        }
        return true;
    }

    /** The core the open activity runs on (0 when none is open). */
    public int runningCore()
    {
        return depth > 0 ? activityCore : 0;
    }

    public void setActivityListener(final ActivityListener listener)
    {
        this.activityListener = listener;
    }

    public void setCosts(final CpuCosts costs)
    {
        this.costs = costs;
    }

    /** {@link #begin(int, CpuUse)} on core 0, or on the open activity's core when nested. */
    public void begin(final CpuUse use)
    {
        begin(0, use);
    }

    /**
     * Starts an activity on {@code core}, first waiting until that core is free. Nested inside another activity, it
     * is part of that one: it keeps the outer activity's core and use.
     */
    public void begin(final int core, final CpuUse use)
    {
        if (depth++ == 0)
        {
            checkCore(core);
            final long now = sim.now();
            if (busyUntil[core] > now)
            {
                sim.consume(busyUntil[core] - now);
            }
            activityCore = core;
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

    /** Ends an activity; its core is busy until the activity's local time. */
    public void end()
    {
        if (depth <= 0)
        {
            throw new IllegalStateException(name + ": end() without begin()");
        }
        if (--depth == 0)
        {
            final int core = activityCore;
            final long end = sim.now();
            busyUntil[core] = end;
            final long activityPs = end - activityStart;
            coreBusyPs[core] += activityPs;
            final long[] uses = usePs[core];
            uses[activityUse.ordinal()] += activityPs - chargedAwayPs;
            // Later readings come at this event's time or after: what ended by then is never ahead again.
            ahead[core].record(sim.inEvent() ? sim.eventTime() : end, activityStart, end, activityUse.ordinal(),
                chargedAwayPs, chargedElsewherePs);
            if (chargedAwayPs > 0 || activityListener != null)
            {
                endRarely(core, end);
            }
        }
    }

    /** The parts of {@link #end()} most activities skip, kept out of it so that it stays small enough to inline. */
    private void endRarely(final int core, final long end)
    {
        if (chargedAwayPs > 0)
        {
            final long[] uses = usePs[core];
            for (int use = 0; use < uses.length; use++)
            {
                uses[use] += chargedElsewherePs[use];
                chargedElsewherePs[use] = 0;
            }
        }
        if (activityListener != null)
        {
            activityListener.activity(this, core, activityUse, activityStart, end);
        }
    }

    /*
     * The busy figures count time up to now: an activity is recorded whole when it ends, and its end may lie ahead of
     * the simulator's time (its code consumed time, or waited for activities queued on the core before it), so a
     * figure read at a window's edge leaves out the part still to come, by use ({@link ActivitiesAhead}); the next
     * window counts it. Without this a window could hold more than its length (550 % of one core).
     */

    /** Time all cores spent on {@code use} so far; the uses add up to {@link #busyPs()}. */
    public long busyPs(final CpuUse use)
    {
        long sum = 0;
        for (int core = 0; core < cores; core++)
        {
            sum += busyPs(core, use);
        }
        return sum;
    }

    /** Total time all cores spent in activities so far. */
    public long busyPs()
    {
        long sum = 0;
        for (int core = 0; core < cores; core++)
        {
            sum += busyPs(core);
        }
        return sum;
    }

    /** Time core {@code core} spent on {@code use} so far. */
    public long busyPs(final int core, final CpuUse use)
    {
        checkCore(core);
        return usePs[core][use.ordinal()] - aheadPs(core, use.ordinal());
    }

    /** Time core {@code core} spent in activities so far. */
    public long busyPs(final int core)
    {
        checkCore(core);
        return coreBusyPs[core] - aheadPs(core, -1);
    }

    /* Core's recorded busy time that lies after now, for one use or (-1) all. */
    private long aheadPs(final int core, final int use)
    {
        return ahead[core].after(sim.now(), use);
    }

    /** When core {@code core}'s last activity ended. */
    public long busyUntil(final int core)
    {
        checkCore(core);
        return busyUntil[core];
    }

    private void checkCore(final int core)
    {
        if (core < 0 || core >= cores)
        {
            throw new IllegalArgumentException(name + " has cores 0 to " + (cores - 1) + "; core " + core +
                " does not exist");
        }
    }
}
