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
}
