package dev.nicsim.stack.context;

import dev.nicsim.hw.sim.Time;

/**
 * When an unanswered SYN is sent again, and when the attempt gives up with ETIMEDOUT. Linux and the RFCs differ
 * here, so each behaviour is a named profile:
 * <ul>
 *   <li>{@link #LINUX} (kernels 6.5 and later, the default): {@code tcp_syn_linear_timeouts} = 4 keeps the first
 *   retransmission timeouts at 1 s in SYN_SENT and adds 4 to the retry budget: SYNs at 0, 1, 2, 3, 4, 5, 7, 11, 19,
 *   35, 67 s and ETIMEDOUT at 131 s with 6 retries.</li>
 *   <li>{@link #RFC6298} (Linux before 6.5, or the sysctl at 0): 1 s initial RTO doubled each time (RFC 6298 §2.1,
 *   §5.5): SYNs at 0, 1, 3, 7, 15, 31, 63 s and ETIMEDOUT at 127 s.</li>
 *   <li>{@link #RFC9293}: doubling, with enough retries (8) to keep trying for more than the 3 minutes RFC 9293
 *   §3.8.3 MUST-23 asks for: ETIMEDOUT at 255 s.</li>
 * </ul>
 * As in Linux's {@code tcp_write_timeout}, an attempt also ends when the time since the first SYN reaches the time
 * pure doubling would take for the retry count ({@code tcp_model_timeout}); with {@code TCP_SYNCNT} = 2 on
 * {@link #LINUX} that gives up at 7 s.
 *
 * @param name            profile name for traces and reports
 * @param linearTimeouts  retransmissions that keep the initial RTO before doubling starts
 * @param defaultRetries  retries when the socket sets no {@code TCP_SYNCNT} ({@code tcp_syn_retries})
 * @param initialRtoPs    the first retransmission timeout ({@code TCP_TIMEOUT_INIT}, 1 s)
 * @param maxRtoPs        the cap on the doubled timeout ({@code TCP_RTO_MAX}, 120 s)
 */
public record SynRetransmitPolicy(String name, int linearTimeouts, int defaultRetries, long initialRtoPs,
                                  long maxRtoPs)
{
    public static final SynRetransmitPolicy LINUX = new SynRetransmitPolicy("linux-6.5", 4, 6, Time.S,
        120 * Time.S);
    public static final SynRetransmitPolicy RFC6298 = new SynRetransmitPolicy("rfc6298", 0, 6, Time.S, 120 * Time.S);
    public static final SynRetransmitPolicy RFC9293 = new SynRetransmitPolicy("rfc9293", 0, 8, Time.S, 120 * Time.S);

    public SynRetransmitPolicy
    {
        if (linearTimeouts < 0 || defaultRetries < 1 || defaultRetries > 127 || initialRtoPs <= 0 ||
            maxRtoPs < initialRtoPs)
        {
            throw new IllegalArgumentException("SYN policy '" + name + "': need linearTimeouts >= 0, retries in " +
                "[1, 127] and 0 < initialRto <= maxRto");
        }
    }

    /** The timeout after the {@code retransmits}-th retransmission (0 = after the first SYN). */
    public long rtoAfter(final int retransmits)
    {
        final int doublings = Math.max(0, retransmits - linearTimeouts);
        if (doublings >= 30)
        {
            return maxRtoPs;
        }
        return Math.min(initialRtoPs << doublings, maxRtoPs);
    }

    /**
     * True when a timer firing after {@code retransmits} retransmissions, {@code elapsedPs} after the first SYN, ends
     * the attempt. {@code synCount} is the socket's {@code TCP_SYNCNT}, or 0 for the default.
     */
    public boolean expired(final int retransmits, final long elapsedPs, final int synCount)
    {
        final int retries = synCount > 0 ? synCount : defaultRetries;
        return retransmits >= retries + linearTimeouts || retransmits > 0 && elapsedPs >= modelTimeout(retries);
    }

    /** Linux's {@code tcp_model_timeout}: how long {@code retries} doublings from the initial RTO take. */
    public long modelTimeout(final int retries)
    {
        final int threshold = 63 - Long.numberOfLeadingZeros(maxRtoPs / initialRtoPs);
        if (retries <= threshold)
        {
            return ((2L << retries) - 1) * initialRtoPs;
        }
        return ((2L << threshold) - 1) * initialRtoPs + (long) (retries - threshold) * maxRtoPs;
    }
}
