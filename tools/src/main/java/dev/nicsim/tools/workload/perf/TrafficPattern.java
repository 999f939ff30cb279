package dev.nicsim.tools.workload.perf;

import java.util.ArrayList;
import java.util.List;

/** Which hosts are clients of which: the connection matrix of a multi-host run. */
public enum TrafficPattern
{
    /** A is a client of B, C of D, and so on: independent pairs (an even number of hosts). */
    PAIRS,
    /** Every other host is a client of host A: with a stream test, N-1 senders converge on one receiver. */
    INCAST,
    /** Every host is a client of every other host. */
    ALL_TO_ALL;

    /** A client's host index and its server's. */
    public record Pair(int client, int server)
    {
    }

    /** The client/server pairs among {@code hosts} hosts (0 = A), in a fixed order. */
    public List<Pair> pairs(final int hosts)
    {
        final List<Pair> pairs = new ArrayList<>();
        switch (this)
        {
            case PAIRS ->
            {
                for (int client = 0; client + 1 < hosts; client += 2)
                {
                    pairs.add(new Pair(client, client + 1));
                }
            }
            case INCAST ->
            {
                for (int client = 1; client < hosts; client++)
                {
                    pairs.add(new Pair(client, 0));
                }
            }
            case ALL_TO_ALL ->
            {
                for (int client = 0; client < hosts; client++)
                {
                    for (int server = 0; server < hosts; server++)
                    {
                        if (client != server)
                        {
                            pairs.add(new Pair(client, server));
                        }
                    }
                }
            }
        }
        return pairs;
    }

    /** The name users write: {@code pairs}, {@code incast}, {@code all-to-all}. */
    public String label()
    {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The pattern a user wrote, or an exception listing the choices. */
    public static TrafficPattern parse(final String text)
    {
        for (final TrafficPattern pattern : values())
        {
            if (pattern.label().equals(text))
            {
                return pattern;
            }
        }
        throw new IllegalArgumentException("unknown pattern '" + text + "': choose pairs, incast or all-to-all");
    }
}
