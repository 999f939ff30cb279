package dev.nicsim.hw.trace;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Records signal values over simulated time and writes them as a Value Change Dump (IEEE 1364 §18) with a 1 ps
 * timescale, for GTKWave or Surfer.
 *
 * <p>Declare signals first ({@link #signal}), record changes while the simulation runs ({@link Signal#set}), then
 * {@link #writeTo} a writer. Changes are kept in memory and sorted by time on output, because code running ahead in
 * local time (see {@code Simulator.consume}) may record a change before an earlier one; at one instant the last
 * value recorded wins. Unchanged values are not written.
 */
public final class VcdWriter
{
    /** One traced signal: a scope ("nicA.tx"), a name ("tail") and a width in bits (1 to 64). */
    public final class Signal
    {
        private final String scope;
        private final String name;
        private final int width;
        private final int index;
        private final String code;
        private long last = Long.MIN_VALUE;

        private Signal(final String scope, final String name, final int width, final int index)
        {
            this.scope = scope;
            this.name = name;
            this.width = width;
            this.index = index;
            this.code = identifier(index);
        }

        /** Records that the signal takes {@code value} at {@code time}; repeated values are ignored. */
        public void set(final long time, final long value)
        {
            if (value == last)
            {
                return;
            }
            last = value;
            record(time, index, value);
        }

        public String name()
        {
            return scope + "." + name;
        }
    }

    private final List<Signal> signals = new ArrayList<>();
    private long[] times = new long[1024];
    private long[] values = new long[1024];
    private int[] signalOf = new int[1024];
    private int changes;

    /** Declares a signal; all signals start undefined until first set. */
    public Signal signal(final String scope, final String name, final int width)
    {
        if (width < 1 || width > 64)
        {
            throw new IllegalArgumentException("VCD signal " + scope + "." + name + ": width must be 1 to 64 bits");
        }
        if (!scope.matches("[A-Za-z_][A-Za-z0-9_.]*") || !name.matches("[A-Za-z_][A-Za-z0-9_]*"))
        {
            throw new IllegalArgumentException("VCD signal '" + scope + "." + name + "': scope and name must be " +
                "identifiers (letters, digits, '_'; '.' separates nested scopes)");
        }
        final Signal signal = new Signal(scope, name, width, signals.size());
        signals.add(signal);
        return signal;
    }

    public int changes()
    {
        return changes;
    }

    private void record(final long time, final int signal, final long value)
    {
        if (changes == times.length)
        {
            times = Arrays.copyOf(times, changes * 2);
            values = Arrays.copyOf(values, changes * 2);
            signalOf = Arrays.copyOf(signalOf, changes * 2);
        }
        times[changes] = time;
        values[changes] = value;
        signalOf[changes] = signal;
        changes++;
    }

    /** Writes the whole dump. {@code date} goes into the header (pass a fixed string for reproducible files). */
    public void writeTo(final Writer out, final String date) throws IOException
    {
        out.write("$date " + date + " $end\n");
        out.write("$version nicsim $end\n");
        out.write("$timescale 1ps $end\n");
        writeScopes(out);
        out.write("$enddefinitions $end\n");

        final Integer[] order = new Integer[changes];
        for (int i = 0; i < changes; i++)
        {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Long.compare(times[x], times[y]));
        final long[] written = new long[signals.size()];
        final boolean[] defined = new boolean[signals.size()];
        out.write("$dumpvars\n");
        for (final Signal signal : signals)
        {
            out.write(signal.width == 1 ? "x" + signal.code + "\n" : "bx " + signal.code + "\n");
        }
        out.write("$end\n");
        int i = 0;
        while (i < changes)
        {
            final long time = times[order[i]];
            int end = i;
            while (end < changes && times[order[end]] == time)
            {
                end++;
            }
            boolean stamped = false;
            for (int k = i; k < end; k++)
            {
                final int change = order[k];
                if (!lastAtInstant(order, k, end))
                {
                    continue;
                }
                final int signal = signalOf[change];
                if (defined[signal] && written[signal] == values[change])
                {
                    continue;
                }
                if (!stamped)
                {
                    out.write("#" + time + "\n");
                    stamped = true;
                }
                writeValue(out, signals.get(signal), values[change]);
                defined[signal] = true;
                written[signal] = values[change];
            }
            i = end;
        }
        out.flush();
    }

    /** Whether change {@code order[k]} is the last one for its signal within {@code order[k..end)}. */
    private boolean lastAtInstant(final Integer[] order, final int k, final int end)
    {
        final int signal = signalOf[order[k]];
        for (int j = k + 1; j < end; j++)
        {
            if (signalOf[order[j]] == signal)
            {
                return false;
            }
        }
        return true;
    }

    private void writeScopes(final Writer out) throws IOException
    {
        final List<String> open = new ArrayList<>();
        final List<Signal> sorted = new ArrayList<>(signals);
        sorted.sort((x, y) -> x.scope.compareTo(y.scope));
        for (final Signal signal : sorted)
        {
            final List<String> path = List.of(signal.scope.split("\\."));
            int common = 0;
            while (common < open.size() && common < path.size() && open.get(common).equals(path.get(common)))
            {
                common++;
            }
            while (open.size() > common)
            {
                out.write("$upscope $end\n");
                open.remove(open.size() - 1);
            }
            for (int p = common; p < path.size(); p++)
            {
                out.write("$scope module " + path.get(p) + " $end\n");
                open.add(path.get(p));
            }
            out.write("$var wire " + signal.width + " " + signal.code + " " + signal.name +
                (signal.width > 1 ? " [" + (signal.width - 1) + ":0]" : "") + " $end\n");
        }
        while (!open.isEmpty())
        {
            out.write("$upscope $end\n");
            open.remove(open.size() - 1);
        }
    }

    private static void writeValue(final Writer out, final Signal signal, final long value) throws IOException
    {
        if (signal.width == 1)
        {
            out.write((value & 1) + signal.code + "\n");
        }
        else
        {
            out.write("b" + Long.toBinaryString(signal.width == 64 ? value : value & ((1L << signal.width) - 1)) +
                " " + signal.code + "\n");
        }
    }

    /* VCD identifiers: printable ASCII 33..126, shortest first. */
    private static String identifier(int index)
    {
        final StringBuilder code = new StringBuilder();
        do
        {
            code.append((char) (33 + index % 94));
            index = index / 94 - 1;
        }
        while (index >= 0);
        return code.toString();
    }
}
