package dev.nicsim.hw.sim;

import java.util.Arrays;

/**
 * A record of every fired event: when it fired, which earlier record scheduled it, the local time at which it was
 * scheduled and the {@link Component} its wait is charged to. From it, the critical path that led to any event can be
 * walked back and its duration split exactly into components (see {@link CriticalPath}).
 *
 * <p>Records are kept in growing primitive arrays; recording is meant for demos and analysis runs, not benchmarks.
 */
public final class CausalityLog
{
    private long[] times = new long[4096];
    private long[] issuedAt = new long[4096];
    private int[] causes = new int[4096];
    private Component[] components = new Component[4096];
    private String[] names = new String[4096];
    private int size;

    int record(final Event event, final long time)
    {
        return append(event.name(), event.component(), time, event.causeRecord, event.issuedAt);
    }

    int recordExternal(final String name, final Component component, final long time, final int cause)
    {
        return append(name, component, time, cause, time);
    }

    int recordStage(final String name, final Component component, final long time, final int cause, final long issued)
    {
        return append(name, component, time, cause, issued);
    }

    private int append(final String name, final Component component, final long time, final int cause,
        final long issued)
    {
        if (size == times.length)
        {
            final int capacity = size * 2;
            times = Arrays.copyOf(times, capacity);
            issuedAt = Arrays.copyOf(issuedAt, capacity);
            causes = Arrays.copyOf(causes, capacity);
            components = Arrays.copyOf(components, capacity);
            names = Arrays.copyOf(names, capacity);
        }
        times[size] = time;
        issuedAt[size] = issued;
        causes[size] = cause;
        components[size] = component;
        names[size] = name;
        return size++;
    }

    public int size()
    {
        return size;
    }

    /** When the record's event fired. */
    public long time(final int record)
    {
        return times[check(record)];
    }

    /** The local time at which the cause scheduled this event (at or after the cause's own time). */
    public long issuedAt(final int record)
    {
        return issuedAt[check(record)];
    }

    /** The record that scheduled this one, or -1 for a root. */
    public int cause(final int record)
    {
        return causes[check(record)];
    }

    public Component component(final int record)
    {
        return components[check(record)];
    }

    public String name(final int record)
    {
        return names[check(record)];
    }

    private int check(final int record)
    {
        if (record < 0 || record >= size)
        {
            throw new IndexOutOfBoundsException("no causality record " + record + " (have " + size + ")");
        }
        return record;
    }
}
