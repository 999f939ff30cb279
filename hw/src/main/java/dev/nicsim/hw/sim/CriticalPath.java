package dev.nicsim.hw.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The chain of events that led to one event, walked back through a {@link CausalityLog}, with the time between a
 * start instant and that event split into contiguous segments. Each hop from a cause to its effect contributes two
 * segments: the time the cause's code consumed before scheduling the effect (always {@link Component#HOST_CPU}:
 * only software consumes time inside an event) and the wait from then until the effect fired (the effect's own
 * component). The segments tile the interval exactly, so their sum is the interval.
 */
public final class CriticalPath
{
    /** One contiguous piece of the path: {@code [from, to)} spent in {@code component} by the named event. */
    public record Segment(long from, long to, Component component, String event)
    {
        public long duration()
        {
            return to - from;
        }
    }

    private final List<Segment> segments;

    private CriticalPath(final List<Segment> segments)
    {
        this.segments = segments;
    }

    /**
     * Walks back from {@code endRecord} to {@code start}. Time before {@code start} is cut off; if the chain reaches
     * a root after {@code start}, the remaining head of the interval is charged to that root's component.
     */
    public static CriticalPath of(final CausalityLog log, final int endRecord, final long start)
    {
        return of(log, endRecord, start, log.time(endRecord));
    }

    /**
     * As {@link #of(CausalityLog, int, long)}, for an interval that ends {@code end - time(endRecord)} after the end
     * record fired: the code running in that record consumed the rest (a woken caller finishing its system call).
     */
    public static CriticalPath of(final CausalityLog log, final int endRecord, final long start, final long end)
    {
        if (end < log.time(endRecord))
        {
            throw new IllegalArgumentException("the interval ends at " + Time.format(end) + ", before its end record " +
                "fired at " + Time.format(log.time(endRecord)));
        }
        final List<Segment> reversed = new ArrayList<>();
        add(reversed, Math.max(start, log.time(endRecord)), end, Component.HOST_CPU, log.name(endRecord));
        int record = endRecord;
        long to = log.time(record);
        while (to > start)
        {
            final int cause = log.cause(record);
            final long issued = Math.max(start, log.issuedAt(record));
            add(reversed, issued, to, log.component(record), log.name(record));
            if (cause < 0)
            {
                add(reversed, start, issued, log.component(record), log.name(record));
                break;
            }
            final long causeTime = Math.max(start, log.time(cause));
            add(reversed, causeTime, issued, Component.HOST_CPU, log.name(cause));
            record = cause;
            to = causeTime;
        }
        Collections.reverse(reversed);
        return new CriticalPath(List.copyOf(reversed));
    }

    private static void add(final List<Segment> into, final long from, final long to, final Component component,
        final String event)
    {
        if (to > from)
        {
            into.add(new Segment(from, to, component, event));
        }
    }

    public List<Segment> segments()
    {
        return segments;
    }

    public long total()
    {
        long total = 0;
        for (final Segment segment : segments)
        {
            total += segment.duration();
        }
        return total;
    }

    /** Total time per component, in {@link Component} order, components with no time left out. */
    public Map<Component, Long> byComponent()
    {
        final Map<Component, Long> totals = new EnumMap<>(Component.class);
        for (final Segment segment : segments)
        {
            totals.merge(segment.component(), segment.duration(), Long::sum);
        }
        return totals;
    }
}
