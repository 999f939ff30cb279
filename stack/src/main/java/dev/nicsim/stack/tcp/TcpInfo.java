package dev.nicsim.stack.tcp;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.context.StackConfig;
import dev.nicsim.stack.wire.TcpSegment;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * getsockopt(TCP_INFO): Linux's {@code struct tcp_info} (include/uapi/linux/tcp.h) as {@code tcp_get_info} fills it,
 * for the fields nicsim has; the others stay 0. A listener reports only its state, cwnd, reordering and its queue
 * (the accept queue's length in {@code unacked}), as Linux's does. {@code ca_state} is Open, Disorder (SACKed or
 * retransmitted data out) or Recovery: nicsim has no CWR or Loss state. {@code sacked}, {@code lost} and
 * {@code retrans} count the SACK scoreboard's segments (0 without SACK), {@code reordering} the degree RACK keeps.
 *
 * <pre>
 *   0  u8 state, ca_state, retransmits, probes, backoff, options, wscale (snd:4 | rcv:4 << 4), flags
 *   8  u32 rto (us), ato, snd_mss, rcv_mss, unacked, sacked, lost, retrans, fackets
 *  44  u32 last_data_sent, last_ack_sent, last_data_recv, last_ack_recv
 *  60  u32 pmtu, rcv_ssthresh, rtt (us), rttvar (us), snd_ssthresh, snd_cwnd, advmss, reordering
 *  92  u32 rcv_rtt, rcv_space, total_retrans ... (248 bytes in Linux 6.x)
 * </pre>
 */
public final class TcpInfo
{
    /** {@code sizeof(struct tcp_info)} in Linux 6.x. */
    public static final int SIZE = 248;

    /** Linux's TCP_* state numbers (include/net/tcp_states.h). */
    private static final int[] LINUX_STATE = new int[TcpState.values().length];
    /** TCP_MSS_DEFAULT: the MSS before a route or a peer said otherwise. */
    private static final int DEFAULT_MSS = 536;
    /** TCP_INFINITE_SSTHRESH. */
    private static final int INFINITE_SSTHRESH = 0x7FFF_FFFF;
    /** tcpi_ca_state TCP_CA_Disorder (include/net/tcp.h): SACKed or retransmitted data in flight. */
    private static final int CA_DISORDER = 1;
    /** tcpi_ca_state TCP_CA_Recovery: fast recovery (three duplicate ACKs, or a loss RACK found). */
    private static final int CA_RECOVERY = 3;
    private static final int OPTION_TIMESTAMPS = 1;
    private static final int OPTION_SACK = 2;
    private static final int OPTION_WSCALE = 4;

    static
    {
        LINUX_STATE[TcpState.ESTABLISHED.ordinal()] = 1;
        LINUX_STATE[TcpState.SYN_SENT.ordinal()] = 2;
        LINUX_STATE[TcpState.SYN_RECEIVED.ordinal()] = 3;
        LINUX_STATE[TcpState.FIN_WAIT_1.ordinal()] = 4;
        LINUX_STATE[TcpState.FIN_WAIT_2.ordinal()] = 5;
        LINUX_STATE[TcpState.TIME_WAIT.ordinal()] = 6;
        LINUX_STATE[TcpState.CLOSED.ordinal()] = 7;
        LINUX_STATE[TcpState.CLOSE_WAIT.ordinal()] = 8;
        LINUX_STATE[TcpState.LAST_ACK.ordinal()] = 9;
        LINUX_STATE[TcpState.LISTEN.ordinal()] = 10;
        LINUX_STATE[TcpState.CLOSING.ordinal()] = 11;
    }

    private TcpInfo()
    {
    }

    /** Writes the socket's {@code struct tcp_info} ({@link #SIZE} bytes) at {@code out}. */
    public static void write(final TcpSocket socket, final StackConfig config, final MemorySegment out)
    {
        out.asSlice(0, SIZE).fill((byte) 0);
        final Tcb tcb = socket.tcb;
        out.set(ValueLayout.JAVA_BYTE, 0, (byte) LINUX_STATE[tcb.state.ordinal()]);
        putInt(out, 80, tcb.cwnd > 0 && tcb.sendMss > 0 ? tcb.cwnd / tcb.sendMss
            : NewReno.INITIAL_WINDOW_SEGMENTS);
        putInt(out, 88, tcb.reordering);
        if (tcb.state == TcpState.LISTEN)
        {
            putInt(out, 24, socket.listenQueue.acceptCount());
            return;
        }
        out.set(ValueLayout.JAVA_BYTE, 1, (byte) (tcb.inRecovery ? CA_RECOVERY :
            tcb.disorder() ? CA_DISORDER : 0));
        out.set(ValueLayout.JAVA_BYTE, 2, (byte) Math.min(tcb.retransmits, 255));
        out.set(ValueLayout.JAVA_BYTE, 4, (byte) Math.min(tcb.retransmits, 255));
        out.set(ValueLayout.JAVA_BYTE, 5, (byte) ((tcb.timestampsOk ? OPTION_TIMESTAMPS : 0) |
            (tcb.sackOk ? OPTION_SACK : 0) | (tcb.wscaleOk ? OPTION_WSCALE : 0)));
        if (tcb.wscaleOk)
        {
            out.set(ValueLayout.JAVA_BYTE, 6, (byte) (tcb.sndWscale | tcb.rcvWscale << 4));
        }
        // Before the handshake sets an RTO, Linux reports TCP_TIMEOUT_INIT (1 s).
        final long rtoPs = tcb.rtoPs > 0 ? tcb.rtoPs : config.synPolicy().rtoAfter(0);
        putInt(out, 8, (int) (rtoPs / Time.US));
        // tcpi_ato: the delayed-ACK timeout, at most TCP_DELACK_MAX; tcpi_rcv_mss: the receive MSS estimate.
        putInt(out, 12, (int) (Math.min(tcb.ackTiming.atoPs(), AckTiming.DELAYED_ACK_MAX_PS) / Time.US));
        putInt(out, 16, sendMss(tcb));
        putInt(out, 20, tcb.ackTiming.rcvMss());
        putInt(out, 24, tcb.sndMax - tcb.sndUna > 0 ? (tcb.sndMax - tcb.sndUna + tcb.sendMss - 1) /
            Math.max(1, tcb.sendMss) : 0);
        if (tcb.sackOk && tcb.sendMss > 0)
        {
            putInt(out, 28, tcb.sentQueue.segments(tcb, RetransmitQueue.SACKED, tcb.sendMss));
            putInt(out, 32, tcb.sentQueue.segments(tcb, RetransmitQueue.LOST, tcb.sendMss));
            putInt(out, 36, tcb.sentQueue.segments(tcb, RetransmitQueue.RETRANSMITTED, tcb.sendMss));
        }
        putInt(out, 68, (int) (tcb.srttPs / Time.US));
        putInt(out, 72, (int) (tcb.rttvarPs / Time.US));
        putInt(out, 76, tcb.ssthresh == Integer.MAX_VALUE || tcb.ssthresh == 0 || tcb.sendMss == 0 ?
            INFINITE_SSTHRESH : tcb.ssthresh / tcb.sendMss);
        putInt(out, 84, tcb.advertisedMss);
    }

    /**
     * Linux's {@code mss_cache}: the MSS in use once the handshake set it; before, TCP_MSS_DEFAULT, less the
     * timestamp option a SYN_SENT socket offers.
     */
    private static int sendMss(final Tcb tcb)
    {
        if (tcb.sendMss > 0)
        {
            return tcb.sendMss;
        }
        final int mss = tcb.userMss > 0 ? Math.min(tcb.userMss, DEFAULT_MSS) : DEFAULT_MSS;
        return tcb.state == TcpState.SYN_SENT && tcb.timestampsOk ? mss - TcpSegment.TIMESTAMP_BLOCK : mss;
    }

    private static void putInt(final MemorySegment out, final long offset, final int value)
    {
        out.set(ValueLayout.JAVA_INT_UNALIGNED, offset, value);
    }
}
