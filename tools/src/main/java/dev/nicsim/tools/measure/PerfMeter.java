package dev.nicsim.tools.measure;

import dev.nicsim.hw.sim.Simulator;
import org.HdrHistogram.Histogram;

import java.util.Arrays;

/**
 * What the programs of a workload report as they run: bytes their applications received, transactions completed with
 * their latency, and errors. Counted always (for the run's consistency checks) and, separately, inside the measurement
 * window only (for the results). The latency histogram is HdrHistogram's, at 3 significant digits up to a minute, so
 * recording allocates nothing.
 */
public final class PerfMeter
{
    /** Latencies are recorded in nanoseconds, up to a minute. */
    private static final long HIGHEST_NS = 60_000_000_000L;
    private static final int ERRNO_LIMIT = 256;

    private final Simulator sim;
    private final Histogram latencyNs = new Histogram(1, HIGHEST_NS, 3);
    private final long[] errors = new long[ERRNO_LIMIT];
    private long[] connectionBytes = new long[16];
    private int connections;
    private boolean measuring;
    private long windowStart;
    private long windowEnd = -1;
    private long bytesTotal;
    private long bytesInWindow;
    private long transactionsTotal;
    private long transactionsInWindow;
    private long datagramsSent;
    private long sendFailures;
    private long transactionsLost;

    public PerfMeter(final Simulator sim)
    {
        this.sim = sim;
    }

    /** A new connection (or flow) whose received bytes are counted on their own, for fairness; returns its index. */
    public int newConnection()
    {
        if (connections == connectionBytes.length)
        {
            connectionBytes = Arrays.copyOf(connectionBytes, connections * 2);
        }
        return connections++;
    }

    /** An application received {@code bytes} on connection {@code connection}. */
    public void received(final int connection, final int bytes)
    {
        bytesTotal += bytes;
        if (measuring)
        {
            bytesInWindow += bytes;
            connectionBytes[connection] += bytes;
        }
    }

    /** A transaction completed after {@code latencyPs}. */
    public void transaction(final long latencyPs)
    {
        transactionsTotal++;
        if (measuring)
        {
            transactionsInWindow++;
            latencyNs.recordValue(Math.min(HIGHEST_NS, Math.max(1, latencyPs / 1000)));
        }
    }

    /** A datagram left the sending application. */
    public void datagramSent()
    {
        datagramsSent++;
    }

    /** A send the stack refused for room (ENOBUFS, EAGAIN): netperf's UDP_STREAM counts these too. */
    public void sendFailed()
    {
        sendFailures++;
    }

    /** A transaction whose request or response was lost, given up after a timeout (UDP_RR). */
    public void transactionLost()
    {
        transactionsLost++;
    }

    public long transactionsLost()
    {
        return transactionsLost;
    }

    /** A system call failed with {@code errno} in a way the workload did not expect. */
    public void error(final int errno)
    {
        errors[Math.min(errno, ERRNO_LIMIT - 1)]++;
    }

    /** Starts the measurement window now: what happened before (warm-up) is left out of the window's figures. */
    public void startWindow()
    {
        measuring = true;
        windowStart = sim.now();
        latencyNs.reset();
        Arrays.fill(connectionBytes, 0);
    }

    /** Ends the measurement window now. */
    public void endWindow()
    {
        measuring = false;
        windowEnd = sim.now();
    }

    public boolean measuring()
    {
        return measuring;
    }

    public long windowPs()
    {
        return (windowEnd < 0 ? sim.now() : windowEnd) - windowStart;
    }

    public Histogram latencyNs()
    {
        return latencyNs;
    }

    public long bytesTotal()
    {
        return bytesTotal;
    }

    public long bytesInWindow()
    {
        return bytesInWindow;
    }

    public long transactionsTotal()
    {
        return transactionsTotal;
    }

    public long transactionsInWindow()
    {
        return transactionsInWindow;
    }

    public long datagramsSent()
    {
        return datagramsSent;
    }

    public long sendFailures()
    {
        return sendFailures;
    }

    /** Unexpected failures by errno; index = errno. */
    public long errors(final int errno)
    {
        return errors[errno];
    }

    public int errnoLimit()
    {
        return ERRNO_LIMIT;
    }

    /** Bytes each connection's application received in the window. */
    public long[] connectionBytes()
    {
        return Arrays.copyOf(connectionBytes, connections);
    }

    /**
     * Jain's fairness index over the connections' bytes in the window: 1 when all got the same, 1/n when one got
     * everything (R. Jain, D. Chiu, W. Hawe, DEC-TR-301, 1984).
     */
    public double jainFairness()
    {
        double sum = 0;
        double squares = 0;
        for (int i = 0; i < connections; i++)
        {
            sum += connectionBytes[i];
            squares += (double) connectionBytes[i] * connectionBytes[i];
        }
        return squares == 0 ? 1 : sum * sum / (connections * squares);
    }
}
