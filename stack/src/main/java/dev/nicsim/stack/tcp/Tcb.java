package dev.nicsim.stack.tcp;

import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;

/**
 * A TCP control block (RFC 9293 §3.3.1): sequence variables, negotiated options (those the SYN exchange settled are
 * its {@link SynOptions}), RTT state and the connection's timers. Like {@link TcpSocket}, a plain record of state read
 * and written by {@link TcpLayer}; its timers are created once with the block and rescheduled, never allocated per
 * connection.
 */
public final class Tcb extends SynOptions
{
    public TcpState state = TcpState.CLOSED;
    /** The socket this block belongs to (set once when the pooled socket is built). */
    public TcpSocket socket;

    /* Send sequence space. sndMax is the highest sequence ever sent: ACKs up to it are valid after a go-back. */
    public int iss;
    public int sndUna;
    public int sndNxt;
    public int sndMax;
    public int sndWnd;
    public int maxSndWnd;
    public int sndWl1;
    public int sndWl2;

    /*
     * Receive sequence space. rcvAdvertisedEdge is RCV.NXT + the window last advertised, rcvWup RCV.NXT when it was
     * (Linux's rcv_wup): what lies between rcvWup and rcvNxt has not been acknowledged.
     */
    public int irs;
    public int rcvNxt;
    public int rcvAdvertisedEdge;
    public int rcvWup;
    /** When the receive side acknowledges (Linux's icsk_ack). */
    final AckTiming ackTiming = new AckTiming();

    /* Out-of-order data held in the receive ring, and a FIN that came after a gap. */
    public final OutOfOrderQueue outOfOrder = new OutOfOrderQueue();
    public boolean finAfterGap;
    public int finAfterGapSeq;
    /** Urgent data sent and received (MSG_OOB). */
    public final UrgentData urgent = new UrgentData();

    /* Options: those the SYN exchange settled are in SynOptions. */
    /** The congestion control the connection runs (TCP_CONGESTION, Linux's {@code icsk_ca_ops}). */
    CongestionControl congestion;
    private final CongestionControl defaultCongestion;
    /** TCP_CORK (TCP_NAGLE_CORK): a short tail waits for more data, whatever is in flight. */
    public boolean cork;
    /** A send with MSG_MORE is pushing: its short tail waits as under TCP_CORK ({@code tcp_push}). */
    boolean moreComing;
    /**
     * TCP_LINGER2 ({@code linger2}) in seconds: how long an orphan waits in FIN_WAIT_2; 0 for the stack's
     * {@code tcp_fin_timeout}, -1 to reset the connection instead of waiting.
     */
    public int linger2;
    /** TCP_NOTSENT_LOWAT: the unsent bytes (unsigned) below which the socket is writable; 0 for no limit. */
    public int notSentLowWater;
    /**
     * TCP_DEFER_ACCEPT ({@code rskq_defer_accept}) as SYN-ACK timeouts: a listener drops a handshake's bare final
     * ACK until that many have passed, waiting for the first data.
     */
    public int deferAcceptTimeouts;
    /** This side's window-scale shift (RFC 7323 Rcv.Wind.Shift), 0 without window scaling. */
    public int rcvWscale;
    /** Payload bytes per full segment, options excluded. */
    public int sendMss;
    /**
     * Linux's {@code mss_cache} until the peer's MSS is known: TCP_MSS_DEFAULT (536) on a new socket, then what
     * {@code tcp_connect_init} makes of the path and the MSS clamp (TCP_MAXSEG then, or 536), less the timestamps.
     */
    public int mssCache;
    /** TCP_SYNCNT, or 0 for the policy's default. */
    public int synCount;
    /** True when the connection came from a listener (passive open), for RST-in-SYN_RECEIVED handling. */
    public boolean passive;

    /* Retransmission (RFC 6298). */
    public long rtoPs;
    public long srttPs;
    public long rttvarPs;
    public boolean rttTiming;
    public int rttSeq;
    public long rttStart;
    public int retransmits;
    public long firstSynTime;
    public int firstSynTsVal;
    /* The last TSval the connection sent (when tsValSent): a later segment never carries a smaller one. */
    public int lastTsVal;
    public boolean tsValSent;
    public int cwnd;
    public int ssthresh;
    public int dupAcks;
    /** TCP_USER_TIMEOUT in ms (0: the retry counts decide). */
    public int userTimeoutMs;
    /**
     * Where TCP_USER_TIMEOUT counts from (Linux's retrans_stamp, or icsk_probes_tstamp for zero-window probes): when
     * the segment first retransmitted was sent, or when the first probe went; 0 while nothing is retransmitted.
     */
    public long retransStampPs;
    /** The retransmission timer is armed as a tail loss probe (Linux's ICSK_TIME_LOSS_PROBE), not as the RTO. */
    public boolean lossProbeArmed;
    /** A tail loss probe went and SND.NXT then (tlp_high_seq) is not yet acknowledged. */
    public boolean tlpOutstanding;
    public int tlpHighSeq;
    /** Zero-window probes sent since the window shut (Linux's icsk_backoff for probes): answers do not reset it. */
    public int probeBackoff;
    /** Bytes acknowledged in congestion avoidance towards the next one-segment increase (Linux's snd_cwnd_cnt). */
    public int cwndCount;
    /*
     * The SACK scoreboard (RFC 2018, RFC 6675): this connection's records in the layer's RetransmitQueue, from
     * SND.UNA, and the bytes they hold SACKed, lost and retransmitted (Linux's sacked_out, lost_out, retrans_out).
     * Kept on SACK connections only.
     */
    public int sentHead = RetransmitQueue.NONE;
    public int sentTail = RetransmitQueue.NONE;
    public int sackedBytes;
    public int lostBytes;
    public int retransmittedBytes;
    /**
     * Segments marked lost so far, a retransmission lost again counting again (Linux's tp->lost, tcp_sum_lost): PRR
     * tells from it whether an ACK found new losses.
     */
    public long lossMarks;
    /*
     * A D-SACK to send (RFC 2883, Linux's tcp_dsack_set): data received twice, reported as the first SACK block of
     * the next segment that carries SACK blocks, then forgotten.
     */
    public boolean dsack;
    public int dsackStart;
    public int dsackEnd;
    /** The right edge of the highest SACK block taken (Linux's fack), for reordering detection. */
    public int highestSacked;
    /*
     * RACK (RFC 8985 §6): the send time and end of the most recently sent segment delivered (ACKed or SACKed), the
     * RTT that delivery measured, and whether a delivery moved them since loss detection last ran.
     */
    public long rackSentPs;
    /** The send time of the last segment recorded: the next is at least 1 ps later (TcpLayer.sendStamp). */
    public long lastSentStamp;
    public int rackEndSeq;
    public long rackRttPs;
    public boolean rackAdvanced;
    /** The smallest RTT sample (Linux's min_rtt; its 5-minute window is not modelled), 0 before any. */
    public long minRttPs;
    /** Reordering was seen (Linux's reord_seen): RACK keeps its reordering window in recovery. */
    public boolean reorderingSeen;
    /** Reordering degree in segments (Linux's tp->reordering, tcp_reordering 3 to start). */
    public int reordering = TcpLayer.INITIAL_REORDERING;
    /** The retransmission timer is armed as RACK's reordering timer (Linux's ICSK_TIME_REO_TIMEOUT). */
    public boolean reorderTimerArmed;
    /* PRR (RFC 6937) in recovery on a SACK connection, in segments: cwnd when it began, delivered and sent since. */
    public int priorCwnd;
    public int prrDelivered;
    public int prrOut;
    /** Fast recovery (RFC 6582 NewReno): on until everything sent before it started is acknowledged. */
    public boolean inRecovery;
    public int recoveryPoint;
    /* CUBIC (RFC 9438) per connection, in bytes and seconds; see Cubic. */
    public double cubicWMax;
    public double cubicCwndPrior;
    public double cubicOrigin;
    public double cubicK;
    public double cubicWEst;
    public double cubicCarry;
    /** Start of the congestion avoidance epoch in simulated time, 0 for none. */
    public long cubicEpochPs;
    public boolean synRetransmitted;
    /** End of the last segment shorter than the MSS, for Nagle's test (Minshall). */
    public int smallSegmentEnd;

    /* Close. */
    public boolean finQueued;
    public boolean finSent;
    public int finSeq;

    /* The rate limit of challenge and out-of-window ACKs (Linux's last_oow_ack_time). */
    public long lastOutOfWindowAck = Long.MIN_VALUE;
    /**
     * The core that last ran this connection's protocol work (its softirq or a system call): its timers fire there, as
     * Linux's mod_timer queues a timer on the CPU that arms it, so a flow's timers follow its queue's core.
     */
    public int core;

    /*
     * Keepalive (SO_KEEPALIVE; TCP_KEEPIDLE, TCP_KEEPINTVL in seconds and TCP_KEEPCNT, 0 for Linux's defaults), the
     * probes sent since the peer was last heard from, and when that was (Linux's rcv_tstamp).
     */
    public boolean keepalive;
    public int keepIdleSeconds;
    public int keepIntervalSeconds;
    public int keepCount;
    public int keepaliveProbes;
    public long lastReceivedPs;

    /** The layer's store of segments in flight, where this connection's scoreboard lives. */
    final RetransmitQueue sentQueue;
    public final Event retransmitTimer;
    public final Event delayedAckTimer;
    public final Event keepaliveTimer;
    /** TIME_WAIT expiry, or the orphaned FIN_WAIT_2 timeout. */
    public final Event closeTimer;

    /** A block whose timers call {@code layer}, running {@code congestion} until TCP_CONGESTION says otherwise. */
    Tcb(final TcpLayer layer, final RetransmitQueue sentQueue, final CongestionControl congestion)
    {
        this.sentQueue = sentQueue;
        this.defaultCongestion = congestion;
        this.congestion = defaultCongestion;
        retransmitTimer = new Event("tcp.retransmit", Component.TIMER, () -> layer.retransmitTimeout(this));
        delayedAckTimer = new Event("tcp.delayed-ack", Component.TIMER, () -> layer.delayedAckTimeout(this));
        keepaliveTimer = new Event("tcp.keepalive", Component.TIMER, () -> layer.keepaliveTimeout(this));
        closeTimer = new Event("tcp.close-timer", Component.TIMER, () -> layer.closeTimeout(this));
    }

    /**
     * Back to a fresh block but for the options a socket keeps across {@code tcp_disconnect} (TCP_MAXSEG,
     * TCP_SYNCNT, TCP_NODELAY, TCP_CORK, TCP_LINGER2, TCP_NOTSENT_LOWAT, TCP_CONGESTION); timers must already be
     * cancelled.
     */
    void resetKeepingOptions()
    {
        final int keptUserMss = userMss;
        final int keptSynCount = synCount;
        final boolean keptNoDelay = noDelay;
        final boolean keptCork = cork;
        final int keptLinger2 = linger2;
        final int keptNotSentLowWater = notSentLowWater;
        final CongestionControl keptCongestion = congestion;
        reset();
        congestion = keptCongestion;
        userMss = keptUserMss;
        synCount = keptSynCount;
        noDelay = keptNoDelay;
        cork = keptCork;
        linger2 = keptLinger2;
        notSentLowWater = keptNotSentLowWater;
    }

    /**
     * What {@code sk_clone_lock} copies of a listener's TCP options to the connection it accepts: SOCK_KEEPOPEN and the
     * keepalive settings (the keepalive timer starts once established), TCP_USER_TIMEOUT, TCP_CORK, the congestion
     * control, TCP_LINGER2 and TCP_NOTSENT_LOWAT.
     */
    void inheritOptions(final Tcb listener)
    {
        keepalive = listener.keepalive;
        keepIdleSeconds = listener.keepIdleSeconds;
        keepIntervalSeconds = listener.keepIntervalSeconds;
        keepCount = listener.keepCount;
        userTimeoutMs = listener.userTimeoutMs;
        cork = listener.cork;
        congestion = listener.congestion;
        linger2 = listener.linger2;
        notSentLowWater = listener.notSentLowWater;
    }

    /** Back to a fresh block; timers must already be cancelled. */
    public void reset()
    {
        state = TcpState.CLOSED;
        iss = 0;
        sndUna = 0;
        sndNxt = 0;
        sndMax = 0;
        sndWnd = 0;
        maxSndWnd = 0;
        sndWl1 = 0;
        sndWl2 = 0;
        irs = 0;
        rcvNxt = 0;
        rcvAdvertisedEdge = 0;
        outOfOrder.clear();
        finAfterGap = false;
        finAfterGapSeq = 0;
        urgent.reset();
        cork = false;
        linger2 = 0;
        notSentLowWater = 0;
        deferAcceptTimeouts = 0;
        congestion = defaultCongestion;
        clearOptions();
        rcvWscale = 0;
        sendMss = 0;
        mssCache = TcpLayer.DEFAULT_PEER_MSS;
        synCount = 0;
        passive = false;
        rtoPs = 0;
        srttPs = 0;
        rttvarPs = 0;
        rttTiming = false;
        retransmits = 0;
        firstSynTime = 0;
        firstSynTsVal = 0;
        lastTsVal = 0;
        tsValSent = false;
        cwnd = 0;
        ssthresh = 0;
        dupAcks = 0;
        sentQueue.clear(this);
        lossMarks = 0;
        dsack = false;
        highestSacked = 0;
        rackSentPs = 0;
        lastSentStamp = 0;
        rackEndSeq = 0;
        rackRttPs = 0;
        rackAdvanced = false;
        minRttPs = 0;
        reorderingSeen = false;
        reordering = TcpLayer.INITIAL_REORDERING;
        reorderTimerArmed = false;
        priorCwnd = 0;
        prrDelivered = 0;
        prrOut = 0;
        inRecovery = false;
        recoveryPoint = 0;
        cubicWMax = 0;
        cubicCwndPrior = 0;
        cubicOrigin = 0;
        cubicK = 0;
        cubicWEst = 0;
        cubicCarry = 0;
        cwndCount = 0;
        cubicEpochPs = 0;
        synRetransmitted = false;
        smallSegmentEnd = 0;
        finQueued = false;
        finSent = false;
        finSeq = 0;
        ackTiming.reset();
        rcvWup = 0;
        lastOutOfWindowAck = Long.MIN_VALUE;
        core = 0;
        keepalive = false;
        keepIdleSeconds = 0;
        keepIntervalSeconds = 0;
        keepCount = 0;
        userTimeoutMs = 0;
        retransStampPs = 0;
        probeBackoff = 0;
        lossProbeArmed = false;
        tlpOutstanding = false;
        tlpHighSeq = 0;
        keepaliveProbes = 0;
        lastReceivedPs = 0;
    }

    /**
     * {@code tcp_stream_memory_free}: whether the unsent bytes, doubled with {@code wake} (to wake a writer or
     * report POLLOUT only once the queue is half drained), are below TCP_NOTSENT_LOWAT (unsigned; unset is no limit).
     */
    public boolean unsentBelowLowWater(final boolean wake)
    {
        final long lowWater = notSentLowWater == 0 ? 0xFFFF_FFFFL : Integer.toUnsignedLong(notSentLowWater);
        return ((long) unsent() << (wake ? 1 : 0)) < lowWater;
    }

    /** Whether the peer has acknowledged our FIN. */
    public boolean finAcked()
    {
        return finSent && after(sndUna, finSeq);
    }

    /** Unsent bytes in the send buffer. */
    public int unsent()
    {
        return socket.sendBuffer.size() - dataInFlight();
    }

    /**
     * Whether SACKed or retransmitted data is out (Linux's TCP_CA_Disorder, or any state past it): no loss probe
     * then, and tcp_info says so.
     */
    boolean disorder()
    {
        return sackedBytes > 0 || retransmittedBytes > 0;
    }

    /** Data bytes sent and not acknowledged (SND.NXT - SND.UNA without the FIN). */
    public int dataInFlight()
    {
        return sndNxt - sndUna - (finSent ? 1 : 0);
    }

    public static boolean before(final int a, final int b)
    {
        return a - b < 0;
    }

    public static boolean after(final int a, final int b)
    {
        return a - b > 0;
    }

    /** {@code low <= value <= high} in sequence space. */
    public static boolean between(final int value, final int low, final int high)
    {
        return Integer.compareUnsigned(high - low, value - low) >= 0;
    }
}
