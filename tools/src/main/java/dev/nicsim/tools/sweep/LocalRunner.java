package dev.nicsim.tools.sweep;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;

/**
 * Runs points of a sweep on this machine, several at a time: each point is its own simulation with its own
 * simulator and testbed, so points share nothing and a parallel run stores the same results as a sequential one.
 * A point that fails is recorded as failed; the others carry on.
 */
public final class LocalRunner
{
    /** Told whenever a point starts or ends. */
    @FunctionalInterface
    public interface Listener
    {
        void progress(SweepStatus status);
    }

    private LocalRunner()
    {
    }

    /**
     * Runs {@code points} of the folder's plan on {@code threads} threads and stores each result (or failure) in
     * the folder.
     *
     * @param failureExitCode the exit code recorded with a failure: what the process running the points will exit
     *                        with (a batch task), or -1 when it is not a process of its own
     * @param log             the log a failed point's messages went to, recorded with its failure; null for none
     * @return the number of points that failed
     */
    public static int run(final SweepFolder folder, final List<SweepPlan.Point> points, final int threads,
        final int failureExitCode, final String log, final Listener listener)
    {
        final AtomicInteger done = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger running = new AtomicInteger();
        final Runnable report = () -> listener.progress(new SweepStatus(points.size(), done.get(), running.get(),
            points.size() - done.get() - failed.get() - running.get(), failed.get(), 0));
        final ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, points.size())));
        try
        {
            final List<Future<?>> futures = new ArrayList<>();
            for (final SweepPlan.Point point : points)
            {
                futures.add(pool.submit(() ->
                {
                    synchronized (listener)
                    {
                        running.incrementAndGet();
                        report.run();
                    }
                    final boolean ok = runPoint(folder, point, failureExitCode, log);
                    synchronized (listener)
                    {
                        running.decrementAndGet();
                        (ok ? done : failed).incrementAndGet();
                        report.run();
                    }
                }));
            }
            for (final Future<?> future : futures)
            {
                future.get();
            }
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the sweep was interrupted", e);
        }
        catch (final ExecutionException e)
        {
            throw new IllegalStateException("a sweep worker failed: " + e.getCause().getMessage(), e.getCause());
        }
        finally
        {
            pool.shutdownNow();
        }
        return failed.get();
    }

    /* One point: its own target and settings; any exception becomes the point's recorded failure. */
    private static boolean runPoint(final SweepFolder folder, final SweepPlan.Point point, final int exitCode,
        final String log)
    {
        final SweepPlan plan = folder.plan();
        folder.clearFailure(point.index());
        try
        {
            folder.store(point, plan.target().run(plan.settings(point)));
            return true;
        }
        catch (final RuntimeException e)
        {
            final String message = e.getMessage() == null ? e.toString() : e.getMessage();
            System.err.println("sweep: point " + point.index() + " (" + point.label() + ") failed: " + message);
            folder.fail(point, new SweepFolder.Failure(exitCode, message, log));
            return false;
        }
    }
}
