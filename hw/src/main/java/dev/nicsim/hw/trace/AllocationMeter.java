package dev.nicsim.hw.trace;

import java.lang.management.ManagementFactory;

/**
 * Bytes allocated by the current thread, from HotSpot's per-thread allocation counter. Tests use it to prove that a
 * steady-state path allocates nothing: warm up, read, run the path many times, read again.
 */
public final class AllocationMeter
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private AllocationMeter()
    {
    }

    /** Bytes this thread has allocated since it started. */
    public static long allocatedBytes()
    {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /**
     * Runs {@code work} {@code warmUps} times (so the JIT has compiled it and pools have grown), then once more, and
     * returns the bytes that last run allocated.
     */
    public static long steadyStateBytes(final int warmUps, final Runnable work)
    {
        for (int i = 0; i < warmUps; i++)
        {
            work.run();
        }
        final long before = allocatedBytes();
        work.run();
        return allocatedBytes() - before;
    }

    /**
     * Runs {@code work} {@code warmUps} times, then measures up to {@code runs} more runs and returns the fewest bytes
     * one of them allocated (stopping at the first that allocated nothing). A one-off JIT deoptimisation can allocate
     * in a single run; an allocation on the path itself shows in every run.
     */
    public static long leastSteadyStateBytes(final int warmUps, final int runs, final Runnable work)
    {
        long least = steadyStateBytes(warmUps, work);
        for (int run = 1; run < runs && least > 0; run++)
        {
            least = Math.min(least, steadyStateBytes(0, work));
        }
        return least;
    }
}
