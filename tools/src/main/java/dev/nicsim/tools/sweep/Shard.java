package dev.nicsim.tools.sweep;

import dev.nicsim.tools.config.ConfigException;

import java.util.List;

/**
 * The I-th of N disjoint slices of a sweep's points ({@code --shard I/N}, I from 1): point p belongs to slice
 * {@code p mod N + 1}, so every slice gets points from the whole range and the slices together are the sweep. Any
 * batch system that starts N copies of one command with an index (Kubernetes Indexed Jobs, GNU parallel, a loop over
 * ssh) runs a sweep this way.
 */
public record Shard(int index, int count)
{
    public Shard
    {
        if (count < 1 || index < 1 || index > count)
        {
            throw new ConfigException("--shard " + index + "/" + count + " is not a slice: write I/N with 1 <= I <= N");
        }
    }

    /** Parses {@code I/N}. */
    public static Shard parse(final String text)
    {
        final int slash = text.indexOf('/');
        try
        {
            if (slash > 0)
            {
                return new Shard(Integer.parseInt(text.substring(0, slash).trim()),
                    Integer.parseInt(text.substring(slash + 1).trim()));
            }
        }
        catch (final NumberFormatException e)
        {
            // reported below, with what to write instead
        }
        throw new ConfigException("--shard '" + text + "' is not I/N (e.g. --shard 2/8 for the second of 8 slices)");
    }

    /** This slice's points, in order. */
    public List<SweepPlan.Point> of(final List<SweepPlan.Point> points)
    {
        return points.stream().filter(point -> point.index() % count == index - 1).toList();
    }
}
