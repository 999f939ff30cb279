package dev.nicsim.stack;

import dev.nicsim.hw.trace.AllocationMeter;

/**
 * Steady-state allocation as the project's other allocation tests measure it: after the warm-up, five measured runs,
 * of which at least one must allocate nothing. A one-off JIT deoptimisation can allocate in a single run; an
 * allocation on the path itself shows in every run.
 */
final class SteadyState
{
    private static final int RUNS = 5;

    private SteadyState()
    {
    }

    /** The fewest bytes one run of {@code work} allocated, over five runs after {@code warmUps} unmeasured ones. */
    static long leastBytes(final int warmUps, final Runnable work)
    {
        long least = AllocationMeter.steadyStateBytes(warmUps, work);
        for (int run = 1; run < RUNS && least > 0; run++)
        {
            least = Math.min(least, AllocationMeter.steadyStateBytes(0, work));
        }
        return least;
    }
}
