package dev.nicsim.tools.bridge;

import java.util.ArrayList;
import java.util.List;

/**
 * A sender's congestion window over one bulk transfer, sampled from TCP_INFO every few milliseconds, and what
 * RFC 9438 says about it: each reduction's beta, the W_max the window then grows back to (lowered by fast
 * convergence when the window shrank since the previous loss), the time K that takes, and the growth rate early in
 * an epoch, around W_max and late in it (concave, then flat, then convex).
 */
final class CwndTrace
{
    /** TCP_INFINITE_SSTHRESH: what TCP_INFO reports before the first loss. */
    static final int INFINITE = 0x7FFF_FFFF;
    /** RFC 9438 C and beta_cubic, in segments and seconds. */
    static final double C = 0.4;
    static final double BETA = 0.7;
    /** RFC 9438 §4.3 alpha_cubic: the Reno-friendly estimate's growth per round trip, in segments. */
    static final double ALPHA = 3 * (1 - BETA) / (1 + BETA);

    /** tcpi_ca_state TCP_CA_Open: not in recovery. */
    static final int OPEN = 0;
    /** tcpi_ca_state TCP_CA_CWR; Recovery (3) and Loss (4) follow: the states a window is reduced in. */
    static final int CWR = 2;

    /** One TCP_INFO reading: seconds since the connection was established, windows in segments. */
    record Sample(double seconds, int cwnd, int ssthresh, int rttMicros, int caState)
    {
    }

    /**
     * One multiplicative decrease: when ssthresh changed, the window just before (in slow start, where it grows too
     * fast for the samples, ssthresh / beta instead: {@code observed} false), the new ssthresh, the W_max the window
     * grows back to and the K RFC 9438 (2) gives for it; when recovery was over (cwnd down to ssthresh), and K as the
     * window shows it (NaN without samples to tell); the epoch ends at the next reduction or the end of the run.
     */
    record Reduction(double at, int cwndBefore, boolean observed, int ssthresh, double wMax, double k,
                     double recovered, double measuredK, double end)
    {
        /** ssthresh over the window before; NaN when that window was not observed (slow start). */
        double beta()
        {
            return observed ? ssthresh / (double) cwndBefore : Double.NaN;
        }

        boolean fastConvergence()
        {
            return wMax < cwndBefore;
        }
    }

    private final String name;
    private final List<Sample> samples = new ArrayList<>();

    CwndTrace(final String name)
    {
        this.name = name;
    }

    String name()
    {
        return name;
    }

    void add(final double seconds, final int cwnd, final int ssthresh, final int rttMicros, final int caState)
    {
        samples.add(new Sample(seconds, cwnd, ssthresh, rttMicros, caState));
    }

    List<Sample> samples()
    {
        return samples;
    }

    /**
     * Parses the lines "seconds cwnd ssthresh rtt_us ca_state" the kernel-side sampler prints; other lines are
     * skipped.
     */
    static CwndTrace parse(final String name, final String text)
    {
        final CwndTrace trace = new CwndTrace(name);
        for (final String line : text.split("\n"))
        {
            final String[] fields = line.trim().split(" ");
            if (fields.length == 5 && fields[0].matches("[0-9.]+"))
            {
                trace.add(Double.parseDouble(fields[0]), Integer.parseInt(fields[1]),
                    (int) Math.min(INFINITE, Long.parseLong(fields[2])), Integer.parseInt(fields[3]),
                    Integer.parseInt(fields[4]));
            }
        }
        return trace;
    }

    /** The reductions in order, each with the W_max and K that RFC 9438 §4.6-4.7 give from the windows seen. */
    List<Reduction> reductions()
    {
        final List<Reduction> found = new ArrayList<>();
        final List<Integer> at = new ArrayList<>();
        for (int i = 1; i < samples.size(); i++)
        {
            final int ssthresh = samples.get(i).ssthresh();
            // Linux's HyStart ends slow start by setting ssthresh to cwnd without a reduction, in the Open state or
            // in Disorder (the first duplicate ACKs of a loss): only a change in CWR, Recovery or Loss counts.
            if (ssthresh != samples.get(i - 1).ssthresh() && ssthresh != INFINITE &&
                samples.get(i).caState() >= CWR)
            {
                at.add(i);
            }
        }
        double previousWMax = 0;
        for (int r = 0; r < at.size(); r++)
        {
            final int i = at.get(r);
            final Sample before = samples.get(i - 1);
            final Sample after = samples.get(i);
            final double end = r + 1 < at.size() ? samples.get(at.get(r + 1)).seconds() : last().seconds();
            // In slow start the window may have grown a lot since the last sample: take it from ssthresh instead.
            final boolean observed = before.ssthresh() != INFINITE && before.cwnd() >= before.ssthresh();
            final int cwndBefore = observed ? before.cwnd() : (int) Math.round(after.ssthresh() / BETA);
            // §4.7 fast convergence: a window below the last W_max releases some of it.
            final double wMax = cwndBefore < previousWMax ? cwndBefore * (1 + BETA) / 2 : cwndBefore;
            final double k = Math.cbrt(Math.max(0, wMax - after.ssthresh()) / C);
            int epoch = i;
            while (epoch < samples.size() - 1 && !recovered(samples.get(epoch)))
            {
                epoch++;
            }
            found.add(new Reduction(after.seconds(), cwndBefore, observed, after.ssthresh(), wMax, k,
                samples.get(epoch).seconds(), measuredK(epoch, end, after.seconds(), wMax), end));
            previousWMax = wMax;
        }
        return found;
    }

    /** Recovery is over: TCP_CA_Open again (Linux's PRR leaves cwnd near, not at, ssthresh). */
    private static boolean recovered(final Sample sample)
    {
        return sample.caState() == OPEN;
    }

    /**
     * K as the window shows it, in seconds from the reduction at {@code at}: each sample after recovery whose window
     * is still at least two segments below W_max solves W_max - C(K - t)^3 = cwnd for K (where the curve is steep
     * enough for that to be well-conditioned); the median of those. NaN when there are fewer than 5.
     */
    private double measuredK(final int from, final double end, final double at, final double wMax)
    {
        final List<Double> estimates = new ArrayList<>();
        for (int j = from; j < samples.size() && samples.get(j).seconds() < end; j++)
        {
            final Sample sample = samples.get(j);
            if (sample.cwnd() > wMax - 2)
            {
                break;
            }
            estimates.add(sample.seconds() - at + Math.cbrt((wMax - sample.cwnd()) / C));
        }
        if (estimates.size() < 5)
        {
            return Double.NaN;
        }
        estimates.sort(null);
        return estimates.get(estimates.size() / 2);
    }

    /** The window at {@code seconds}: the last sample taken then or before. */
    int cwndAt(final double seconds)
    {
        int cwnd = samples.getFirst().cwnd();
        for (final Sample sample : samples)
        {
            if (sample.seconds() > seconds)
            {
                break;
            }
            cwnd = sample.cwnd();
        }
        return cwnd;
    }

    /** Growth in segments per second from {@code from} to {@code to}. */
    double growth(final double from, final double to)
    {
        return (cwndAt(to) - cwndAt(from)) / (to - from);
    }

    /** The time-weighted mean window from {@code from} to the end, in segments. */
    double meanCwnd(final double from)
    {
        double area = 0;
        for (int i = 1; i < samples.size(); i++)
        {
            final Sample previous = samples.get(i - 1);
            if (previous.seconds() >= from)
            {
                area += previous.cwnd() * (samples.get(i).seconds() - previous.seconds());
            }
        }
        return area / (last().seconds() - from);
    }

    /** The smallest RTT the sender measured, in seconds (what Linux's CUBIC calls delay_min). */
    double minRtt()
    {
        return samples.stream().mapToInt(Sample::rttMicros).filter(rtt -> rtt > 0).min().orElse(0) / 1e6;
    }

    /** The sender's smoothed RTT averaged over the samples that have one, in seconds. */
    double meanRtt()
    {
        return samples.stream().mapToInt(Sample::rttMicros).filter(rtt -> rtt > 0).average().orElse(0) / 1e6;
    }

    Sample last()
    {
        return samples.getLast();
    }
}
