package dev.nicsim.stack.tcp;

import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;

/**
 * RFC 9438 CUBIC, Linux's default ({@code tcp_cubic.c}): after a reduction the window follows
 * W_cubic(t) = C(t-K)^3 + W_max (concave up to the previous maximum, convex beyond), never below the Reno-friendly
 * estimate W_est; fast convergence lowers W_max when the window shrank since the last loss. Slow start is
 * Linux's {@code tcp_slow_start} ({@link NewReno#slowStart}; no HyStart). Time comes from the simulation clock; the
 * state lives in the {@link Tcb} fields {@code cubic*}, so an ACK allocates nothing. Windows are in bytes here, the
 * RFC's segments times the MSS.
 */
final class Cubic implements CongestionControl
{
    /** RFC 9438 §4.1 C, in segments per second cubed. */
    static final double C = 0.4;
    /** RFC 9438 §4.6 beta_cubic (Linux's 717/1024). */
    static final double BETA = 0.7;
    /** RFC 9438 §4.3 alpha_cubic: the same average rate as Reno's AIMD under beta_cubic. */
    static final double ALPHA = 3 * (1 - BETA) / (1 + BETA);

    private final Simulator clock;

    Cubic(final Simulator clock)
    {
        this.clock = clock;
    }

    @Override
    public String name()
    {
        return "cubic";
    }

    @Override
    public void start(final Tcb tcb)
    {
        NewReno.INSTANCE.start(tcb);
        init(tcb);
    }

    /** {@code cubictcp_init}: no epoch, no previous maximum. */
    @Override
    public void init(final Tcb tcb)
    {
        resetEpoch(tcb);
        tcb.cubicWMax = 0;
    }

    @Override
    public void acked(final Tcb tcb, final int bytes, final int flightBefore)
    {
        int left = bytes;
        if (tcb.cwnd < tcb.ssthresh)
        {
            // cubictcp_cong_avoid: Linux's slow start, then CUBIC's growth for what it leaves past ssthresh.
            left = NewReno.slowStart(tcb, bytes, flightBefore);
            if (left == 0)
            {
                return;
            }
        }
        else if (tcb.cwnd - flightBefore >= tcb.sendMss)
        {
            // Not cwnd-limited (Linux's tcp_is_cwnd_limited: packets_out >= cwnd, in whole segments). Counted in
            // bytes, a flight a part-segment short of cwnd (a small segment Nagle holds back) is still limited.
            return;
        }
        final double mss = tcb.sendMss;
        if (tcb.cubicEpochPs == 0)
        {
            // RFC 9438 §4.2: a new congestion avoidance epoch.
            tcb.cubicEpochPs = Math.max(1, clock.now());
            tcb.cubicWEst = tcb.cwnd;
            if (tcb.cwnd < tcb.cubicWMax)
            {
                tcb.cubicK = StrictMath.cbrt((tcb.cubicWMax - tcb.cwnd) / mss / C);
                tcb.cubicOrigin = tcb.cubicWMax;
            }
            else
            {
                tcb.cubicK = 0;
                tcb.cubicOrigin = tcb.cwnd;
            }
        }
        // The target one RTT ahead (RFC 9438 §4.2), kept within [cwnd, 1.5 cwnd].
        final double t = (clock.now() - tcb.cubicEpochPs + tcb.srttPs) / (double) Time.S;
        final double target = Math.min(Math.max(window(tcb.cubicOrigin, tcb.cubicK, t, mss), tcb.cwnd),
            1.5 * tcb.cwnd);
        // RFC 9438 §4.3: W_est grows by alpha segments per window, by one once past the window before the loss.
        final double alpha = tcb.cubicWEst >= tcb.cubicCwndPrior ? 1 : ALPHA;
        tcb.cubicWEst += alpha * mss * left / tcb.cwnd;
        if (target < tcb.cubicWEst)
        {
            tcb.cwnd = (int) Math.min(tcb.cubicWEst, Integer.MAX_VALUE / 2);
            tcb.cubicCarry = 0;
            return;
        }
        // RFC 9438 §4.4/4.5: (target - cwnd) / cwnd segments per segment acknowledged; fractions carried over.
        tcb.cubicCarry += (target - tcb.cwnd) * left / tcb.cwnd;
        final int grow = (int) tcb.cubicCarry;
        tcb.cwnd += grow;
        tcb.cubicCarry -= grow;
    }

    /** RFC 9438 (1): W_cubic(t) = C(t-K)^3 + W_max, in bytes, with t and K in seconds. */
    static double window(final double wMaxBytes, final double k, final double t, final double mss)
    {
        final double d = t - k;
        return C * d * d * d * mss + wMaxBytes;
    }

    /** RFC 9438 (2): K = cbrt(W_max (1 - beta) / C), in seconds, for a reduction at W_max bytes. */
    static double k(final double wMaxBytes, final double mss)
    {
        return StrictMath.cbrt(wMaxBytes / mss * (1 - BETA) / C);
    }

    @Override
    public void enterRecovery(final Tcb tcb)
    {
        reduce(tcb);
        tcb.cwnd = tcb.ssthresh;
    }

    /**
     * Linux's {@code tcp_enter_loss}: ssthresh from beta, one segment, and CUBIC's state reset
     * ({@code cubictcp_state} on TCP_CA_Loss clears W_max and the epoch), so growth after slow start is convex.
     */
    @Override
    public void timeout(final Tcb tcb)
    {
        reduce(tcb);
        tcb.cwnd = tcb.sendMss;
        tcb.cubicWMax = 0;
    }

    /** RFC 9438 §4.6 multiplicative decrease and §4.7 fast convergence ({@code cubictcp_recalc_ssthresh}). */
    private static void reduce(final Tcb tcb)
    {
        resetEpoch(tcb);
        tcb.cubicWMax = tcb.cwnd < tcb.cubicWMax ? tcb.cwnd * (1 + BETA) / 2 : tcb.cwnd;
        tcb.cubicCwndPrior = tcb.cwnd;
        tcb.ssthresh = Math.max((int) (tcb.cwnd * BETA), 2 * tcb.sendMss);
    }

    private static void resetEpoch(final Tcb tcb)
    {
        tcb.cubicEpochPs = 0;
        tcb.cubicCarry = 0;
    }
}
