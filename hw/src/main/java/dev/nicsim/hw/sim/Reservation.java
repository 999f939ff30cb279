package dev.nicsim.hw.sim;

/**
 * A place in the event order kept for an event without queueing it. A component whose event would most likely find
 * nothing to do (an engine's next step when no work is cached) {@link #hold(long) holds} the place that scheduling the
 * event would take, and {@link #commit() commits} it only if work arrives before that time: the event then fires
 * exactly where it would have, in time, in order among events at the same time, and with the same cause for critical
 * path analysis. A place whose time has passed without a commit has lapsed: the event would have done nothing.
 *
 * <p>The owner must commit whenever something happens that the event, had it been queued, would act on. Holding and
 * committing allocate nothing.
 */
public final class Reservation
{
    private final Simulator sim;
    private final Event event;
    private boolean held;
    private long time;
    private long sequence;
    private int causeRecord;
    private long issuedAt;

    public Reservation(final Simulator sim, final Event event)
    {
        this.sim = sim;
        this.event = event;
    }

    /** Holds the place {@code schedule(event, time)} would take now, replacing any place held before. */
    public void hold(final long time)
    {
        sim.reserve(this, event, time);
    }

    void held(final long time, final long sequence, final int causeRecord, final long issuedAt)
    {
        this.held = true;
        this.time = time;
        this.sequence = sequence;
        this.causeRecord = causeRecord;
        this.issuedAt = issuedAt;
    }

    /** Whether a place is held that has not passed yet. */
    public boolean isHeld()
    {
        if (held && sim.hasPassed(time, sequence))
        {
            held = false;
        }
        return held;
    }

    /** The held place's time. */
    public long time()
    {
        return time;
    }

    /** Gives the place up. */
    public void cancel()
    {
        held = false;
    }

    /** Queues the event at the held place, if one is held and has not passed. */
    public void commit()
    {
        if (isHeld())
        {
            held = false;
            sim.enqueueReserved(event, time, sequence, causeRecord, issuedAt);
        }
    }
}
