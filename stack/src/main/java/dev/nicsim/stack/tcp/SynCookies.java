package dev.nicsim.stack.tcp;

import dev.nicsim.hw.sim.Time;

/**
 * SYN cookies as Linux's {@code syncookies.c} makes them: when a listener's SYN queue is full, the SYN-ACK's
 * sequence number carries what the connection needs, so the SYN leaves no state and the final ACK rebuilds it.
 *
 * <pre>
 *   ISN = H0(tuple) + peer ISN + (minute &lt;&lt; 24) + ((H1(tuple, minute) + MSS index) mod 2^24)
 * </pre>
 * The minute counter lets a cookie be checked without remembering it: one older than 2 minutes is refused. The MSS
 * is one of four table values ({@code msstab}). The options the SYN offered travel in the low 6 bits of the
 * SYN-ACK's timestamp, which the final ACK echoes: the peer's window scale (15 = none) and SACK
 * ({@code cookie_init_timestamp}); without timestamps a cookie connection has none of them.
 */
final class SynCookies
{
    /** Linux's {@code msstab} for IPv4. */
    static final int[] MSS_TABLE = {536, 1300, 1440, 1460};
    /** {@code TCP_SYNCOOKIE_VALID}: cookies are checked only this long after the SYN queue last overflowed. */
    static final long VALID_PS = 2 * 60 * Time.S;
    private static final int COOKIE_BITS = 24;
    private static final int COOKIE_MASK = (1 << COOKIE_BITS) - 1;
    private static final int MAX_AGE = 2;
    private static final long MINUTE_PS = 60 * Time.S;
    private static final int TS_BITS = 6;
    static final int TS_WSCALE_MASK = 0xF;
    static final int TS_SACK = 0x10;

    private final SecretHash secret;

    SynCookies(final SecretHash secret)
    {
        this.secret = secret;
    }

    /** The table index for a peer MSS: the largest entry not above it ({@code __cookie_v4_init_sequence}). */
    static int mssIndex(final int mss)
    {
        int index = MSS_TABLE.length - 1;
        while (index > 0 && mss < MSS_TABLE[index])
        {
            index--;
        }
        return index;
    }

    /** {@code secure_tcp_syn_cookie}. */
    int cookie(final int local, final int remote, final int localPort, final int remotePort, final int peerIsn,
        final int mssIndex, final long now)
    {
        final int minute = (int) (now / MINUTE_PS);
        return (int) secret.hash(SecretHash.PURPOSE_COOKIE, local, remote, localPort, remotePort) + peerIsn +
            (minute << COOKIE_BITS) +
            ((int) secret.hash(SecretHash.PURPOSE_COOKIE_COUNT, local, remote, localPort, remotePort, minute) +
                mssIndex & COOKIE_MASK);
    }

    /** {@code check_tcp_syn_cookie}: the MSS index the cookie carries, or -1 when it is not one of ours or too old. */
    int check(final int cookie, final int local, final int remote, final int localPort, final int remotePort,
        final int peerIsn, final long now)
    {
        final int minute = (int) (now / MINUTE_PS);
        final int unhashed = cookie - (int) secret.hash(SecretHash.PURPOSE_COOKIE, local, remote, localPort,
            remotePort) - peerIsn;
        final int age = (minute - (unhashed >>> COOKIE_BITS)) & (-1 >>> COOKIE_BITS);
        if (age >= MAX_AGE)
        {
            return -1;
        }
        final int index = unhashed - (int) secret.hash(SecretHash.PURPOSE_COOKIE_COUNT, local, remote, localPort,
            remotePort, minute - age) & COOKIE_MASK;
        return index < MSS_TABLE.length ? index : -1;
    }

    /** {@code cookie_init_timestamp}: the timestamp clock with its low bits replaced by the options, never ahead. */
    static int timestamp(final int now, final boolean wscaleOk, final int peerWscale, final boolean sackOk)
    {
        final int options = (wscaleOk ? peerWscale : TS_WSCALE_MASK) | (sackOk ? TS_SACK : 0);
        int value = (now >>> TS_BITS << TS_BITS) | options;
        if (Integer.compareUnsigned(value, now) > 0)
        {
            value -= 1 << TS_BITS;
        }
        return value;
    }
}
