package dev.nicsim.tools.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A timeline in the Chrome trace-event JSON format, which ui.perfetto.dev and chrome://tracing open: processes
 * (a host, a link, the critical path) hold named tracks, and tracks hold slices (complete events, {@code "ph": "X"})
 * and instants ({@code "ph": "i"}). Times are simulated picoseconds, written as the format's microseconds.
 *
 * <p>Slices on one track must nest, so overlapping slices (two DMA reads in flight) are spread over numbered lanes of
 * the track ({@code "PCIe read"}, {@code "PCIe read #2"}), each slice on the first lane free at its start.
 */
public final class TraceEvents
{
    private record Slice(String process, String track, String name, String category, long start, long end,
                         Map<String, Object> args)
    {
    }

    private final Map<String, Integer> processes = new LinkedHashMap<>();
    private final Map<String, Map<String, Integer>> tracks = new LinkedHashMap<>();
    private final List<Slice> slices = new ArrayList<>();

    /** A slice from {@code start} to {@code end} (ps) on {@code track} of {@code process}. */
    public void slice(final String process, final String track, final String name, final String category,
        final long start, final long end, final Map<String, Object> args)
    {
        if (end < start)
        {
            throw new IllegalArgumentException("slice " + name + " ends (" + end + " ps) before it starts (" + start +
                " ps)");
        }
        declare(process, track);
        slices.add(new Slice(process, track, name, category, start, end, args));
    }

    /** A moment on {@code track}: drawn as an instant (zero-length slices are instants). */
    public void instant(final String process, final String track, final String name, final String category,
        final long time, final Map<String, Object> args)
    {
        slice(process, track, name, category, time, time, args);
    }

    /** The trace as a JSON object: {@code {"displayTimeUnit": "ns", "traceEvents": [...]}}. */
    public Map<String, Object> toJson()
    {
        final List<Object> events = new ArrayList<>();
        final Map<String, List<Long>> laneEnds = new LinkedHashMap<>();
        final List<Object> timed = new ArrayList<>();
        final List<Slice> ordered = new ArrayList<>(slices);
        ordered.sort(Comparator.comparingLong(Slice::start).thenComparingLong(Slice::end));
        for (final Slice slice : ordered)
        {
            final String trackKey = slice.process + "\u0000" + slice.track;
            final List<Long> ends = laneEnds.computeIfAbsent(trackKey, k -> new ArrayList<>());
            int lane = 0;
            while (lane < ends.size() && ends.get(lane) > slice.start)
            {
                lane++;
            }
            if (lane == ends.size())
            {
                ends.add(slice.end);
            }
            else if (slice.end > ends.get(lane))
            {
                ends.set(lane, slice.end);
            }
            final Map<String, Object> event = new LinkedHashMap<>();
            event.put("name", slice.name);
            event.put("cat", slice.category);
            event.put("ph", slice.start == slice.end ? "i" : "X");
            event.put("pid", processes.get(slice.process));
            event.put("tid", thread(slice.process, lane == 0 ? slice.track : slice.track + " #" + (lane + 1)));
            event.put("ts", micros(slice.start));
            if (slice.start == slice.end)
            {
                event.put("s", "t");
            }
            else
            {
                event.put("dur", micros(slice.end - slice.start));
            }
            if (!slice.args.isEmpty())
            {
                event.put("args", slice.args);
            }
            timed.add(event);
        }
        for (final Map.Entry<String, Integer> process : processes.entrySet())
        {
            events.add(metadata("process_name", process.getValue(), 0, process.getKey()));
            events.add(metadata("process_sort_index", process.getValue(), 0, process.getValue()));
            for (final Map.Entry<String, Integer> track : tracks.get(process.getKey()).entrySet())
            {
                events.add(metadata("thread_name", process.getValue(), track.getValue(), track.getKey()));
                events.add(metadata("thread_sort_index", process.getValue(), track.getValue(), track.getValue()));
            }
        }
        events.addAll(timed);
        final Map<String, Object> trace = new LinkedHashMap<>();
        trace.put("displayTimeUnit", "ns");
        trace.put("traceEvents", events);
        return trace;
    }

    private void declare(final String process, final String track)
    {
        processes.computeIfAbsent(process, k -> processes.size() + 1);
        thread(process, track);
    }

    private int thread(final String process, final String track)
    {
        final Map<String, Integer> threads = tracks.computeIfAbsent(process, k -> new LinkedHashMap<>());
        return threads.computeIfAbsent(track, k -> threads.size() + 1);
    }

    private static Map<String, Object> metadata(final String name, final int pid, final int tid, final Object value)
    {
        final Map<String, Object> event = new LinkedHashMap<>();
        event.put("name", name);
        event.put("ph", "M");
        event.put("pid", pid);
        event.put("tid", tid);
        event.put("args", Map.of(name.endsWith("sort_index") ? "sort_index" : "name", value));
        return event;
    }

    /* Trace-event times are microseconds; a double keeps picoseconds exactly up to about 9 simulated seconds. */
    private static double micros(final long ps)
    {
        return ps / 1e6;
    }
}
