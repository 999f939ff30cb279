package dev.nicsim.hw.trace;

import dev.nicsim.hw.sim.Time;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A structured log of what happened, in simulated time: MMIO accesses, DMA, interrupts, frames, socket calls and
 * state changes. Producers guard every call with {@link #enabled()}, so a disabled trace costs one branch and builds
 * no strings.
 *
 * <p>Entries are returned sorted by time and then by the order they were added: code running ahead in local time may
 * add an entry stamped later than one added after it.
 */
public final class EventTrace
{
    /** What kind of thing an entry records. */
    public enum Kind
    {
        MMIO, DMA, DESCRIPTOR, INTERRUPT, FRAME, SOCKET, STATE, NOTE
    }

    /** One traced happening. {@code source} names the block or host that did it. */
    public record Entry(long time, long order, String source, Kind kind, String detail)
    {
        /** {@code 0.000001234567  nicA        DMA        read 64 B at 0x100000000} */
        public String format()
        {
            return String.format("%s  %-12s %-10s %s", Time.stamp(time), source, kind, detail);
        }
    }

    private final List<Entry> entries = new ArrayList<>();
    private boolean enabled;

    public EventTrace(final boolean enabled)
    {
        this.enabled = enabled;
    }

    /** A trace that records nothing. */
    public static EventTrace off()
    {
        return new EventTrace(false);
    }

    public boolean enabled()
    {
        return enabled;
    }

    public void setEnabled(final boolean enabled)
    {
        this.enabled = enabled;
    }

    public void add(final long time, final String source, final Kind kind, final String detail)
    {
        if (enabled)
        {
            entries.add(new Entry(time, entries.size(), source, kind, detail));
        }
    }

    public int size()
    {
        return entries.size();
    }

    public void clear()
    {
        entries.clear();
    }

    /** All entries in time order. */
    public List<Entry> entries()
    {
        final List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::time).thenComparingLong(Entry::order));
        return sorted;
    }

    /** Writes every entry, one per line, in time order. */
    public void writeTo(final Writer out) throws IOException
    {
        for (final Entry entry : entries())
        {
            out.write(entry.format());
            out.write('\n');
        }
        out.flush();
    }
}
