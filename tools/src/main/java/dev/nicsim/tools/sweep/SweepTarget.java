package dev.nicsim.tools.sweep;

import dev.nicsim.tools.config.Settings;

import java.util.List;

/**
 * What runs at one point of a sweep: the demo, a perf test, anything that turns settings into numbers. A target is
 * named on the command line ({@code sweep ... demo}, {@code sweep ... perf TCP_RR --duration 1}) and rebuilt from
 * those words by {@link SweepTargets#parse} wherever a point runs, so it must keep no state between points: a point's
 * result depends only on its settings (the seed among them).
 */
public interface SweepTarget
{
    /** The words that name this target on the command line; {@link SweepTargets#parse} gives it back from them. */
    List<String> arguments();

    /**
     * Runs one point.
     *
     * @param settings the point's effective settings: the sweep's fixed ones with the point's values applied
     * @throws RuntimeException with a message saying what failed (the sweep records it as the point's failure)
     */
    PointResult run(Settings settings);

    /** The plots of a sweep of this target, each over metrics that {@link #run} reports. */
    List<Plot> plots();
}
