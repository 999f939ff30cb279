package dev.nicsim.stack.tcp;

/**
 * When the receive side acknowledges: Linux's {@code icsk_ack} state and the rules that read it (tcp_input.c,
 * tcp_output.c, tcp_timer.c of Linux 6.x). {@link TcpLayer} asks it whether an ACK goes now, later (the delayed-ACK
 * timer) or with the next segment, and tells it what was received and sent; it sends nothing itself.
 *
 * <ul>
 *   <li><b>Quick-ACK mode</b> ({@code tcp_incr_quickack}): the first data of a connection, a gap of more than an RTO,
 *   and data received twice each allow up to 16 ACKs at once, one per segment, so that the sender's slow start is
 *   not held back by delayed ACKs. Each ACK sent while one was due uses one ({@code tcp_dec_quickack_mode}).</li>
 *   <li><b>Ping-pong mode</b> ({@code tcp_event_data_sent}, {@code tcp_fin}): data sent within {@code ato} of the
 *   last data received, or the peer's FIN, means a reply will carry the ACK: quick ACKs stop and the ACK waits.</li>
 *   <li><b>ato</b> ({@code tcp_event_data_recv}): the delayed-ACK timeout follows the gaps between received data,
 *   from the configured minimum (Linux's TCP_ATO_MIN, 40 ms) up to the RTO; a delayed ACK that had to fire doubles
 *   it, or ends ping-pong mode ({@code tcp_delack_timer_handler}).</li>
 *   <li>Otherwise more than one full segment ({@code rcv_mss}) received since the last window sent goes at once
 *   ({@code __tcp_ack_snd_check}), and a short segment waits for the reader ({@code tcp_cleanup_rbuf}).</li>
 * </ul>
 *
 * <p>Not modelled: the window test of {@code __tcp_ack_snd_check} (whether the right edge would advance), which
 * needs Linux's {@code rcv_ssthresh} window; nicsim advertises its free buffer, so an ACK of two segments always goes
 * (the kernel segment scenarios {@code unread-data-delays-ack} and {@code delayed-ack-timer} show what that leaves out).
 */
final class AckTiming
{
    /** Linux's TCP_MAX_QUICKACKS. */
    static final int MAX_QUICK_ACKS = 16;
    /** Linux's TCP_DELACK_MAX (HZ/5): the longest delay in ping-pong mode or after a push. */
    static final long DELAYED_ACK_MAX_PS = 200_000_000_000L;
    /** Linux's max_ato otherwise (HZ/2). */
    static final long DELAYED_ACK_CEILING_PS = 500_000_000_000L;
    /** TCP_MSS_DEFAULT and TCP_MIN_MSS, and the TCP header without options, for tcp_measure_rcv_mss. */
    private static final int MSS_DEFAULT = 536;
    private static final int MIN_MSS = 88;
    private static final int TCP_HEADER = 20;

    /* icsk_ack.pending */
    private static final int SCHEDULED = 1;
    private static final int TIMER = 2;
    private static final int PUSHED = 4;
    private static final int PUSHED2 = 8;

    private int quick;
    private long atoPs;
    /** Linux marks "no data yet" with ato == 0; here the minimum may be 0, so it is a flag. */
    private boolean started;
    private long lastReceivePs;
    private boolean pingpong;
    private int pending;
    private long timeoutPs;
    /** The receive MSS estimate (icsk_ack.rcv_mss) and the last short segment's size (last_seg_size). */
    private int rcvMss;
    private int lastSegmentSize;

    void reset()
    {
        quick = 0;
        atoPs = 0;
        started = false;
        lastReceivePs = 0;
        pingpong = false;
        pending = 0;
        timeoutPs = 0;
        rcvMss = 0;
        lastSegmentSize = 0;
    }

    /**
     * The connection is established: Linux's {@code tcp_initialize_rcv_mss}, a guess at the peer's segment size
     * until data shows it (at most 536, at least 88).
     */
    void established(final int advertisedMss, final int sendMss, final int receiveWindow)
    {
        rcvMss = Math.max(MIN_MSS, Math.min(Math.min(advertisedMss, sendMss), Math.min(receiveWindow / 2,
            MSS_DEFAULT)));
    }

    /**
     * In-sequence data was taken ({@code tcp_event_data_recv}): an ACK is due; the receive MSS, ato and quick ACKs
     * follow the segment. {@code segmentSize} is one wire segment's payload (a coalesced packet's MSS), {@code length}
     * all of it, {@code headerLength} its TCP header with options.
     */
    void dataReceived(final long now, final int length, final int segmentSize, final boolean push,
        final int headerLength, final int fixedHeaderLength, final int receiveWindow, final long rtoPs,
        final long atoMinPs, final int advertisedMss)
    {
        pending |= SCHEDULED;
        measureRcvMss(length, segmentSize, push, headerLength, fixedHeaderLength, advertisedMss);
        if (!started)
        {
            started = true;
            addQuickAcks(receiveWindow, MAX_QUICK_ACKS);
            atoPs = atoMinPs;
        }
        else
        {
            final long gap = now - lastReceivePs;
            if (gap <= atoMinPs / 2)
            {
                atoPs = (atoPs >> 1) + atoMinPs / 2;
            }
            else if (gap < atoPs)
            {
                atoPs = Math.min((atoPs >> 1) + gap, rtoPs);
            }
            else if (gap > rtoPs)
            {
                // The sender seems not to have restarted its window: ACK quickly.
                addQuickAcks(receiveWindow, MAX_QUICK_ACKS);
            }
        }
        lastReceivePs = now;
    }

    /**
     * Linux's {@code tcp_measure_rcv_mss}: a segment at least as large as the estimate sets it; a short one marks a
     * push, which lets the reader ACK it ({@link #ackOnRead}), unless two short ones of one size show the peer's MSS.
     */
    private void measureRcvMss(final int length, final int segmentSize, final boolean push, final int headerLength,
        final int fixedHeaderLength, final int advertisedMss)
    {
        final int lastSize = lastSegmentSize;
        lastSegmentSize = 0;
        if (segmentSize >= rcvMss)
        {
            rcvMss = Math.min(segmentSize, advertisedMss);
            // A full segment with PSH ends a write: the reader should ACK it (Linux 6.6, "MSS boundary condition").
            if (length == rcvMss && push)
            {
                pending |= PUSHED;
            }
            return;
        }
        final int withHeader = segmentSize + headerLength;
        if (withHeader >= MSS_DEFAULT + TCP_HEADER || withHeader >= MIN_MSS + TCP_HEADER && !push)
        {
            final int size = withHeader - fixedHeaderLength;
            lastSegmentSize = size;
            if (size == lastSize)
            {
                rcvMss = size;
                return;
            }
        }
        if ((pending & PUSHED) != 0)
        {
            pending |= PUSHED2;
        }
        pending |= PUSHED;
    }

    /** Linux's {@code tcp_incr_quickack}: a window's worth of quick ACKs, two at least, at most {@code max}. */
    private void addQuickAcks(final int receiveWindow, final int max)
    {
        int acks = rcvMss > 0 ? receiveWindow / (2 * rcvMss) : 0;
        if (acks == 0)
        {
            acks = 2;
        }
        quick = Math.max(quick, Math.min(acks, max));
    }

    /** Linux's {@code tcp_enter_quickack_mode}: data came twice, or out of the window; ACK the next ones at once. */
    void enterQuickAckMode(final int receiveWindow, final long atoMinPs)
    {
        addQuickAcks(receiveWindow, MAX_QUICK_ACKS);
        pingpong = false;
        atoPs = atoMinPs;
    }

    /** The peer's FIN moved the connection to CLOSE_WAIT ({@code tcp_fin}): an ACK is due, and may wait. */
    void finReceived()
    {
        pending |= SCHEDULED;
        pingpong = true;
    }

    /** TCP_QUICKACK 0, and the end of an even TCP_QUICKACK value ({@code inet_csk_enter_pingpong_mode}). */
    void enterPingPongMode()
    {
        pingpong = true;
    }

    /** TCP_QUICKACK other than 0 ({@code inet_csk_exit_pingpong_mode}). */
    void exitPingPongMode()
    {
        pingpong = false;
    }

    /** TCP_QUICKACK on a connection with an ACK due marks a push, so that the reader's rule may send it. */
    void pushed()
    {
        pending |= PUSHED;
    }

    /** An ACK is due: something arrived that this side has not acknowledged. */
    boolean scheduled()
    {
        return (pending & SCHEDULED) != 0;
    }

    boolean inPingPongMode()
    {
        return pingpong;
    }

    /**
     * The due ACK goes at once ({@code __tcp_ack_snd_check}): more than one full segment since the last window sent,
     * or quick-ACK mode.
     */
    boolean ackNow(final int unacknowledgedBytes)
    {
        return unacknowledgedBytes > rcvMss || quick > 0 && !pingpong;
    }

    /**
     * The application read {@code copied} bytes ({@code tcp_cleanup_rbuf}): the due ACK goes now when more than a
     * full segment waits for it, or when the read emptied the receive queue after a push (two, in ping-pong mode).
     */
    boolean ackOnRead(final int unacknowledgedBytes, final int copied, final boolean queueEmpty)
    {
        return scheduled() && (unacknowledgedBytes > rcvMss || copied > 0 && queueEmpty &&
            ((pending & PUSHED2) != 0 || (pending & PUSHED) != 0 && !pingpong));
    }

    /**
     * Linux's {@code tcp_send_delayed_ack}: when the delayed ACK is due, or {@link Long#MIN_VALUE} when it should go
     * now because a timer already armed would fire within a quarter of ato. An earlier timer is kept.
     */
    long delayedAckAt(final long now, final long srttPs, final long atoMinPs)
    {
        long ato = atoPs;
        if (ato > atoMinPs)
        {
            long max = pingpong || (pending & PUSHED) != 0 ? DELAYED_ACK_MAX_PS : DELAYED_ACK_CEILING_PS;
            if (srttPs > 0)
            {
                max = Math.min(max, Math.max(srttPs, atoMinPs));
            }
            ato = Math.min(ato, max);
        }
        ato = Math.min(ato, Math.max(DELAYED_ACK_MAX_PS, atoMinPs));
        long timeout = now + ato;
        if ((pending & TIMER) != 0)
        {
            if (timeoutPs <= now + (ato >> 2))
            {
                return Long.MIN_VALUE;
            }
            timeout = Math.min(timeout, timeoutPs);
        }
        pending |= SCHEDULED | TIMER;
        timeoutPs = timeout;
        return timeout;
    }

    /**
     * The delayed-ACK timer fired ({@code tcp_delack_timer_handler}): whether an ACK is still due. If so, the delay
     * was too short for a reply to carry it: ato doubles (up to the RTO), or ping-pong mode ends.
     */
    boolean timerFired(final long rtoPs, final long atoMinPs)
    {
        if ((pending & TIMER) == 0)
        {
            return false;
        }
        pending &= ~TIMER;
        if (!scheduled())
        {
            return false;
        }
        if (!pingpong)
        {
            atoPs = Math.min(atoPs << 1, rtoPs);
        }
        else
        {
            pingpong = false;
            atoPs = atoMinPs;
        }
        return true;
    }

    /**
     * A segment carrying an ACK of everything received went ({@code tcp_event_ack_sent}): one quick ACK used if one
     * was due, and nothing is pending any more.
     */
    void ackSent(final long atoMinPs)
    {
        if (quick > 0 && scheduled())
        {
            if (--quick == 0)
            {
                atoPs = atoMinPs;
            }
        }
        pending = 0;
    }

    /** Data went ({@code tcp_event_data_sent}): a reply within ato of the last data received counts toward ping-pong. */
    void dataSent(final long now)
    {
        if (started && now - lastReceivePs < atoPs)
        {
            pingpong = true;
        }
    }

    /** For TCP_INFO's tcpi_ato and tcpi_rcv_mss. */
    long atoPs()
    {
        return atoPs;
    }

    int rcvMss()
    {
        return rcvMss;
    }
}
