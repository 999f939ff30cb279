package dev.nicsim.hw.sim;

/**
 * Something that happens at a point of simulated time. Events are created once, when the component that owns them is
 * built, and then scheduled, cancelled and rescheduled as often as needed: scheduling allocates nothing.
 *
 * <p>An event is either given an action at construction (a method reference taken once) or subclassed with
 * {@link #fire()} overridden. Its {@link Component} says what the time spent waiting for it is attributed to.
 */
public class Event
{
    private final String name;
    private final Component component;
    private final Runnable action;

    /* Owned by the Simulator's queue. */
    long time;
    int id = -1;
    boolean scheduled;
    /* Causality: who scheduled this event and when (local time of the scheduler), for critical-path analysis. */
    int causeRecord = -1;
    long issuedAt;
    /* Times fired, for Simulator.firedByName. */
    long fired;

    public Event(final String name, final Component component, final Runnable action)
    {
        this.name = name;
        this.component = component;
        this.action = action;
    }

    /** For subclasses that override {@link #fire()}. */
    protected Event(final String name, final Component component)
    {
        this(name, component, null);
    }

    /** Does the event's work. Runs inside {@link Simulator}'s loop at {@link #time()}. */
    protected void fire()
    {
        action.run();
    }

    public final String name()
    {
        return name;
    }

    public final Component component()
    {
        return component;
    }

    public final boolean isScheduled()
    {
        return scheduled;
    }

    /** The time the event is (or was last) scheduled for. */
    public final long time()
    {
        return time;
    }

    @Override
    public String toString()
    {
        return name + (isScheduled() ? " @" + Time.format(time) : " (idle)");
    }
}
