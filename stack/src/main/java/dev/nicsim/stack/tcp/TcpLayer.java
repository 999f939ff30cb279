package dev.nicsim.stack.tcp;

import dev.nicsim.hw.host.CpuUse;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.trace.EventTrace;
import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.context.IcmpErrorPolicy;
import dev.nicsim.stack.context.StackConfig;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.context.StackContext;
import dev.nicsim.stack.context.SynRetransmitPolicy;
import dev.nicsim.stack.context.TimeWaitReuse;
import dev.nicsim.stack.iface.FlowHash;
import dev.nicsim.stack.iface.InetProtocol;
import dev.nicsim.stack.iface.Ipv4Layer;
import dev.nicsim.stack.iface.Ipv4Output;
import dev.nicsim.stack.iface.RouteTable;
import dev.nicsim.stack.iface.TxClaim;
import dev.nicsim.stack.sock.ByteRing;
import dev.nicsim.stack.sock.EphemeralPorts;
import dev.nicsim.stack.sock.HostSockets;
import dev.nicsim.stack.sock.PortTable;
import dev.nicsim.stack.sock.SockCommon;
import dev.nicsim.stack.sock.SocketPool;
import dev.nicsim.stack.sock.SocketState;
import dev.nicsim.stack.wire.DropReason;
import dev.nicsim.stack.wire.EthernetFrame;
import dev.nicsim.stack.wire.IcmpMessage;
import dev.nicsim.stack.wire.Ipv4Address;
import dev.nicsim.stack.wire.Ipv4Packet;
import dev.nicsim.stack.wire.TcpSegment;

import java.lang.foreign.MemorySegment;

/**
 * TCP: the RFC 9293 state machine with Linux's choices where Linux and the RFC part ways (each noted where it is
 * made). Segments are parsed in place; outgoing segments are written straight into the transmit buffer by
 * {@link Ipv4Output}; payload is copied once from the device's buffer into the socket's receive ring, and once from
 * the send ring into the outgoing frame.
 *
 * <p>Every method returns int codes and never throws on a packet's account; a segment that breaks a rule is counted
 * and dropped (and answered where the RFC says so).
 */
public final class TcpLayer implements InetProtocol, EphemeralPorts.ConnectCheck
{
    /** Linux's tcp_reordering: the reordering degree, in segments, a connection starts with. */
    static final int INITIAL_REORDERING = 3;
    /** Linux's tcp_max_reordering. */
    static final int MAX_REORDERING = 300;
    /** RFC 9293 §3.7.1 MUST-15: the MSS to assume when the peer sends none. */
    public static final int DEFAULT_PEER_MSS = 536;
    /** Linux's {@code tcp_synack_retries}. */
    public static final int SYNACK_RETRIES = 5;
    /** The ISN clock's tick: Linux's secure_tcp_seq adds ktime_get_real_ns() >> 6. */
    static final long ISN_CLOCK_TICK_PS = 64 * Time.NS;
    /** Linux's keepalive defaults: tcp_keepalive_time, tcp_keepalive_intvl (seconds), tcp_keepalive_probes. */
    private static final int KEEPALIVE_IDLE_SECONDS = 7200;
    private static final int KEEPALIVE_INTERVAL_SECONDS = 75;
    private static final int KEEPALIVE_PROBES = 9;
    private static final int MAX_WINDOW = 65535;
    /**
     * Linux's {@code TCP_PAWS_WINDOW}: a synchronized connection drops a segment as old (PAWS) only when its TSval is
     * more than this many ticks behind TS.Recent ({@code tcp_paws_discard}).
     */
    private static final int PAWS_WINDOW = 1;
    /** From {@link #ackInput}: the segment goes on to its data and FIN. */
    private static final int MORE = -1;

    /** One jiffy of the configured kernel (StackConfig.hz): the shortest timer. */
    private final long jiffyPs;
    /** Linux's {@code TCP_TIMEOUT_MIN}, 2 jiffies: the quick SYN retry after a suspicious ACK. */
    private final long timeoutMinPs;
    private final StackContext stack;
    private final Ipv4Output output;
    /** The segment being sent, claimed in the transmit buffer by {@link #beginSegment}. */
    private final TxClaim claim = new TxClaim();
    private final RouteTable routes;
    private final SocketPool<TcpSocket> sockets;
    private final ConnectionTable connections = new ConnectionTable();
    private final ListenerTable listeners = new ListenerTable();
    private final PortTable ports = new PortTable();
    private final TcpSegment out = new TcpSegment();
    /** Every SACK connection's segments in flight and their scoreboard marks. */
    final RetransmitQueue sentQueue = new RetransmitQueue();
    private final SecretHash secret;
    /** The congestion control algorithms a connection may run (TCP_CONGESTION), the stack's default first. */
    private final CongestionControl[] congestionAlgorithms;
    private final EphemeralPorts ephemeral;
    /** The socket whose port {@link #hashConnect} is choosing. */
    private TcpSocket connecting;

    /** The segment being processed: unpacked once on arrival, passed to every step that looks at it. */
    private final InboundSegment segment = new InboundSegment();

    /* A TIME_WAIT connection that connect() may take over, found by the last uniqueness check. */
    private TimeWaitSock recyclable;

    private final SynCookies cookies;
    /** What a cookie SYN-ACK is sent from, and a cookie ACK rebuilt into: a request that never joins a queue. */
    private final RequestSock cookieRequest = new RequestSock(this);
    private final MiniSockPool<TimeWaitSock> timeWaits = new MiniSockPool<>(() -> new TimeWaitSock(this));
    private final MiniSockPool<RequestSock> requests = new MiniSockPool<>(() -> new RequestSock(this));

    public TcpLayer(final StackContext stack, final Ipv4Output output, final RouteTable routes,
        final HostSockets hostSockets, final EphemeralPorts ephemeral)
    {
        this.stack = stack;
        this.output = output;
        this.routes = routes;
        this.jiffyPs = stack.config().jiffyPs();
        this.timeoutMinPs = 2 * jiffyPs;
        this.secret = new SecretHash(stack.config().seed());
        this.cookies = new SynCookies(secret);
        this.ephemeral = ephemeral;
        final CongestionControl cubic = new Cubic(stack.sim());
        this.congestionAlgorithms = switch (stack.config().congestionControl())
        {
            case CUBIC -> new CongestionControl[] {cubic, NewReno.INSTANCE};
            case NEWRENO -> new CongestionControl[] {NewReno.INSTANCE, cubic};
        };
        final int sendBuffer = stack.config().tcpSendBuffer();
        final int receiveBuffer = stack.config().tcpReceiveBuffer();
        this.sockets = new SocketPool<>(hostSockets, memory -> new TcpSocket(memory, sendBuffer, receiveBuffer, this));
    }

    /** A fresh stream socket, or null when {@code maxSockets} are open (ENFILE). */
    public TcpSocket allocate()
    {
        return sockets.allocate();
    }

    public PortTable ports()
    {
        return ports;
    }

    public ConnectionTable connections()
    {
        return connections;
    }

    /** Connections in TIME_WAIT (each a {@link TimeWaitSock}). */
    public int timeWaits()
    {
        return timeWaits.inUse();
    }

    /** Connections in SYN queues (each a {@link RequestSock}). */
    public int requests()
    {
        return requests.inUse();
    }

    /* ---------------------------------------------------------------------------------------------------------- */
    /* Input                                                                                                        */

    /**
     * A TCP segment addressed to this host, at {@code offset} in {@code memory}. Returns the outcome:
     * {@link DropReason#ACCEPTED} when a connection or listener took it, else why it was dropped (a segment answered
     * only with a reset or a challenge ACK counts as dropped).
     */
    @Override
    public int receive(final MemorySegment memory, final long ipOffset, final int headerLength, final int length,
        final int source, final int destination, final int transportSum, final boolean unicast)
    {
        // tcp_v4_rcv: only segments addressed to this host (PACKET_HOST); a broadcast or multicast one is dropped.
        if (!unicast)
        {
            return DropReason.IP_NOT_FOR_US;
        }
        return receive(memory, ipOffset + headerLength, length, source, destination, transportSum);
    }

    /**
     * The segment at {@code offset}, {@code length} bytes (see {@link #receive(MemorySegment, long, int, int, int,
     * int, int, boolean)}).
     */
    private int receive(final MemorySegment memory, final long offset, final int length, final int source,
        final int destination, final int transportSum)
    {
        final InboundSegment seg = segment;
        seg.header.wrap(memory, offset, length);
        final int invalid = seg.header.validate();
        if (invalid != 0)
        {
            return invalid;
        }
        if (!Ipv4Layer.transportChecksumOk(memory, offset, length, source, destination, Ipv4Packet.PROTOCOL_TCP,
            transportSum))
        {
            return DropReason.TCP_CHECKSUM;
        }
        seg.unpack(memory, offset, source, destination);
        stack.stats().segmentsReceived++;
        final SockCommon found = connections.find(destination, seg.destinationPort, source, seg.sourcePort);
        if (found instanceof TimeWaitSock timeWait)
        {
            return timeWaitInput(seg, timeWait);
        }
        if (found instanceof RequestSock request)
        {
            return requestInput(seg, request);
        }
        final TcpSocket socket = found != null ? (TcpSocket) found : listenerFor(seg);
        if (socket == null)
        {
            resetForSegment(seg);
            return DropReason.TCP_NO_SOCKET;
        }
        final Tcb tcb = socket.tcb;
        tcb.core = stack.cpu().runningCore();
        final int outcome = switch (tcb.state)
        {
            case LISTEN -> listenInput(seg, socket);
            case SYN_SENT -> synSentInput(seg, socket, tcb);
            case CLOSED ->
            {
                resetForSegment(seg);
                yield DropReason.TCP_NO_SOCKET;
            }
            default -> synchronizedInput(seg, socket, tcb);
        };
        socket.readinessChanged();
        return outcome;
    }

    /** RFC 9293 §3.10.7.1: a segment for no connection is answered with a reset, unless it is one. */
    private void resetForSegment(final InboundSegment seg)
    {
        if (seg.has(TcpSegment.RST))
        {
            return;
        }
        if (seg.has(TcpSegment.ACK))
        {
            sendResetFor(seg, seg.ack, 0, false);
        }
        else
        {
            sendResetFor(seg, 0, seg.seq + seg.span(), true);
        }
    }

    /**
     * A segment for a listener: Linux's {@code tcp_v4_conn_request} for a SYN, {@code cookie_v4_check} for an ACK
     * that may carry a SYN cookie. A SYN becomes a request in the SYN queue, or a cookie when that queue is full.
     */
    private int listenInput(final InboundSegment seg, final TcpSocket listener)
    {
        if (seg.has(TcpSegment.RST))
        {
            return DropReason.TCP_BAD_SEGMENT;
        }
        if (seg.has(TcpSegment.ACK))
        {
            if (!seg.has(TcpSegment.SYN) && stack.config().synCookies() &&
                listener.listenQueue.recentlyOverflowed(stack.sim().now()))
            {
                final int outcome = cookieAckInput(seg, listener);
                if (outcome != MORE)
                {
                    return outcome;
                }
            }
            sendResetFor(seg, seg.ack, 0, false);
            return DropReason.TCP_BAD_SEGMENT;
        }
        if (!seg.has(TcpSegment.SYN))
        {
            return DropReason.TCP_BAD_SEGMENT;
        }
        // tcp_conn_request: a full SYN queue (more requests than the backlog, inet_csk_reqsk_queue_is_full) turns to
        // cookies, or drops the SYN without them; a full accept queue drops it either way.
        final ListenQueue queue = listener.listenQueue;
        final boolean synQueueFull = queue.synQueueFull();
        if (synQueueFull && !stack.config().synCookies() || queue.acceptFull())
        {
            return DropReason.TCP_LISTEN_OVERFLOW;
        }
        if (synQueueFull)
        {
            sendCookie(seg, listener);
            return DropReason.ACCEPTED;
        }
        final RequestSock request = requests.take();
        requestFromSyn(seg, request, listener);
        request.iss = isn(request.localAddress, request.remoteAddress, request.localPort, request.remotePort);
        queue.addRequest(request);
        connections.add(request);
        sendSynAck(request, tsNow(request.options.tsOffset));
        stack.sim().schedule(request.timer, stack.sim().now() + request.rtoPs);
        return DropReason.ACCEPTED;
    }

    /** What the SYN being processed offers, as a request of {@code listener} would keep it. */
    private void requestFromSyn(final InboundSegment seg, final RequestSock request, final TcpSocket listener)
    {
        final StackConfig config = stack.config();
        requestFor(seg, request, listener);
        request.irs = seg.seq;
        request.peerWindow = seg.window;
        request.peerAck = seg.ack;
        request.options.clearOptions();
        request.options.agreeTo(seg, config.windowScaling(), config.timestamps(), config.sack(), stack.sim().now());
        requestDefaults(request, listener);
    }

    /** A request of {@code listener} for the connection {@code seg} belongs to: its 4-tuple. */
    private static void requestFor(final InboundSegment seg, final RequestSock request, final TcpSocket listener)
    {
        request.listener = listener;
        request.reuseAddress = listener.reuseAddress;
        request.localAddress = seg.destination;
        request.localPort = seg.destinationPort;
        request.remoteAddress = seg.source;
        request.remotePort = seg.sourcePort;
    }

    /** A request's local choices: MSS and window to offer, timestamp offset, the first RTO. */
    private void requestDefaults(final RequestSock request, final TcpSocket listener)
    {
        final SynOptions options = request.options;
        options.userMss = listener.tcb.userMss;
        options.noDelay = listener.tcb.noDelay;
        options.tsOffset = (int) secret.hash(SecretHash.PURPOSE_TIMESTAMP_OFFSET, request.localAddress,
            request.remoteAddress, 0, 0);
        final int routed = routes.lookup(request.remoteAddress);
        options.advertisedMss = mss(options.userMss, routed == 0 ? routes.resultInterface().mtu() : 576);
        // The socket made from it inherits the listener's receive buffer size (SO_RCVBUF) and starts empty: the
        // SYN-ACK offers all of it, unscaled (RFC 7323 §2.2).
        request.window = Math.min(listener.receiveBuffer.capacity(), MAX_WINDOW);
        request.firstSynTime = stack.sim().now();
        request.rtoPs = stack.config().synPolicy().initialRtoPs();
        request.retransmits = 0;
        request.timeouts = 0;
        request.acked = false;
        request.lastOutOfWindowAck = Long.MIN_VALUE;
    }

    /**
     * Answers a SYN with a cookie: no request is kept ({@code cookie_v4_init_sequence}). Without timestamps the
     * cookie has nowhere to keep window scaling and SACK, so the SYN-ACK offers neither.
     */
    private void sendCookie(final InboundSegment seg, final TcpSocket listener)
    {
        final RequestSock request = cookieRequest;
        requestFromSyn(seg, request, listener);
        final SynOptions options = request.options;
        if (!options.timestampsOk)
        {
            options.wscaleOk = false;
            options.sndWscale = 0;
            options.sackOk = false;
        }
        final int clamp = options.userMss > 0 ? Math.min(options.peerMss, options.userMss) : options.peerMss;
        request.iss = cookies.cookie(request.localAddress, request.remoteAddress, request.localPort,
            request.remotePort, seg.seq, SynCookies.mssIndex(clamp), stack.sim().now());
        listener.listenQueue.synOverflowed(stack.sim().now());
        sendSynAck(request, options.timestampsOk ? SynCookies.timestamp(tsNow(options.tsOffset), options.wscaleOk,
            options.sndWscale, options.sackOk) : 0);
        stack.stats().synCookiesSent++;
    }

    /**
     * An ACK for a listener: when it carries a valid cookie ({@code cookie_v4_check}), the connection is built from
     * it and the ACK goes on to it. Returns {@link #MORE} when it is no cookie of ours (the caller resets).
     */
    private int cookieAckInput(final InboundSegment seg, final TcpSocket listener)
    {
        final int index = cookies.check(seg.ack - 1, seg.destination, seg.source, seg.destinationPort, seg.sourcePort,
            seg.seq - 1, stack.sim().now());
        final StackConfig config = stack.config();
        final boolean timestamps = seg.hasTimestamps();
        final int options = timestamps ? seg.tsEcr() : SynCookies.TS_WSCALE_MASK;
        final boolean sack = timestamps && (options & SynCookies.TS_SACK) != 0;
        final int wscale = options & SynCookies.TS_WSCALE_MASK;
        // cookie_timestamp_decode: options this host does not allow now make the cookie invalid.
        if (index < 0 || timestamps && !config.timestamps() || sack && !config.sack() ||
            wscale != SynCookies.TS_WSCALE_MASK && !config.windowScaling())
        {
            stack.stats().synCookiesFailed++;
            return MORE;
        }
        if (listener.listenQueue.acceptFull())
        {
            return acceptOverflow(seg, null);
        }
        final RequestSock request = cookieRequest;
        requestFor(seg, request, listener);
        request.iss = seg.ack - 1;
        request.irs = seg.seq - 1;
        request.peerWindow = 0;
        request.peerAck = 0;
        // What the cookie kept of the SYN: the MSS by its index, window scaling and SACK in the timestamp.
        final SynOptions agreed = request.options;
        agreed.peerMss = SynCookies.MSS_TABLE[index];
        agreed.wscaleOk = wscale != SynCookies.TS_WSCALE_MASK;
        agreed.sndWscale = agreed.wscaleOk ? wscale : 0;
        agreed.timestampsOk = timestamps;
        agreed.tsRecent = timestamps ? seg.tsVal() : 0;
        agreed.tsRecentStamp = timestamps ? stack.sim().now() : 0;
        agreed.sackOk = sack;
        requestDefaults(request, listener);
        // No SYN-ACK was timed: the handshake gives no RTT sample.
        request.firstSynTime = -1;
        final TcpSocket child = childOf(request);
        if (child == null)
        {
            return DropReason.TCP_LISTEN_OVERFLOW;
        }
        stack.stats().synCookiesReceived++;
        final int outcome = synchronizedInput(seg, child, child.tcb);
        child.readinessChanged();
        return outcome;
    }

    /**
     * The listener a segment that matches no connection goes to: one bound to its address, else a wildcard one; among
     * SO_REUSEPORT listeners, the one the flow's hash picks ({@link PortTable#reusePortPick}).
     */
    private TcpSocket listenerFor(final InboundSegment seg)
    {
        final TcpSocket best = listeners.find(seg.destination, seg.destinationPort);
        return best != null && best.reusePort ? (TcpSocket) ports.reusePortPick(best,
            FlowHash.of(seg.source, seg.destination, seg.sourcePort, seg.destinationPort)) : best;
    }

    /**
     * A segment for a connection in the SYN queue ({@code tcp_check_req}): a retransmitted SYN gets the SYN-ACK
     * again; the final ACK with the accept queue full is an overflow; anything else turns the request into its
     * socket (SYN_RECEIVED) and goes on to it, so every check of RFC 9293 §3.10.7.4 applies as to any connection.
     */
    private int requestInput(final InboundSegment seg, final RequestSock request)
    {
        final int flags = seg.flags & (TcpSegment.SYN | TcpSegment.ACK | TcpSegment.RST);
        final boolean pawsRejects = request.options.timestampsOk && seg.hasTimestamps() &&
            Tcb.before(seg.tsVal(), request.options.tsRecent);
        if (flags == TcpSegment.SYN && seg.seq == request.irs && !pawsRejects)
        {
            // The SYN-ACK again, and its timer restarts from now at the current backoff (Linux's tcp_check_req:
            // inet_rtx_syn_ack, then mod_timer_pending to reqsk_timeout), at most once per tcp_invalid_ratelimit
            // (tcp_oow_rate_limited on the request's last_oow_ack_time).
            final long now = stack.sim().now();
            if (request.lastOutOfWindowAck == Long.MIN_VALUE ||
                now - request.lastOutOfWindowAck >= stack.config().challengeAckIntervalPs())
            {
                request.lastOutOfWindowAck = now;
                sendSynAck(request, tsNow(request.options.tsOffset));
                stack.sim().reschedule(request.timer, now + request.rtoPs);
            }
            return DropReason.ACCEPTED;
        }
        final boolean finalAck = flags == TcpSegment.ACK && seg.ack == request.iss + 1 &&
            seg.seq == request.rcvNxt() && !pawsRejects;
        if (finalAck && seg.length == 0 && !seg.has(TcpSegment.FIN) &&
            request.timeouts < request.listener.tcb.deferAcceptTimeouts)
        {
            // TCP_DEFER_ACCEPT: a bare ACK is dropped while the listener waits for data (tcp_check_req).
            request.acked = true;
            return DropReason.TCP_DEFER_ACCEPT;
        }
        if (finalAck && request.listener.listenQueue.acceptFull())
        {
            return acceptOverflow(seg, request);
        }
        final TcpSocket child = childOf(request);
        if (child == null)
        {
            return DropReason.TCP_LISTEN_OVERFLOW;
        }
        stack.sim().schedule(child.tcb.retransmitTimer, request.timer.time());
        dropRequest(request);
        final int outcome = synchronizedInput(seg, child, child.tcb);
        child.readinessChanged();
        return outcome;
    }

    /**
     * The handshake's final ACK with the accept queue full ({@code tcp_v4_syn_recv_sock}'s listen_overflow): with
     * {@code tcp_abort_on_overflow} a reset ends it; without (Linux's default) the ACK is dropped and the request
     * kept, so the SYN-ACK's retransmission (or the peer's next segment) tries again.
     */
    private int acceptOverflow(final InboundSegment seg, final RequestSock request)
    {
        if (stack.config().abortOnOverflow())
        {
            sendResetFor(seg, seg.ack, 0, false);
            if (request != null)
            {
                dropRequest(request);
            }
        }
        else if (request != null)
        {
            request.acked = true;
        }
        return DropReason.TCP_LISTEN_OVERFLOW;
    }

    /**
     * The socket a request becomes ({@code tcp_v4_syn_recv_sock}): in SYN_RECEIVED, with everything the SYN and
     * SYN-ACK agreed, holding the listener's port and the 4-tuple. Null when the host's socket limit is reached.
     */
    private TcpSocket childOf(final RequestSock request)
    {
        final TcpSocket child = sockets.allocate();
        if (child == null)
        {
            return null;
        }
        final TcpSocket listener = request.listener;
        child.parent = listener;
        listener.listenQueue.embryoAdded();
        child.reuseAddress = request.reuseAddress;
        child.reusePort = listener.reusePort;
        child.localAddress = request.localAddress;
        child.remoteAddress = request.remoteAddress;
        child.remotePort = request.remotePort;
        child.inheritOptions(listener);
        final Tcb tcb = child.tcb;
        tcb.core = stack.cpu().runningCore();
        tcb.inheritOptions(listener.tcb);
        tcb.passive = true;
        tcb.copyOptions(request.options);
        tcb.irs = request.irs;
        tcb.rcvNxt = request.rcvNxt();
        tcb.rcvWscale = tcb.wscaleOk ? stack.config().windowScale() : 0;
        tcb.sndWnd = request.peerWindow;
        // The largest window is the final ACK's, which the child processes next (tcp_create_openreq_child sets
        // max_window from the ACK), not the SYN's: a SYN offering 65,535 then an ACK of 1,000 caps segments at 500.
        tcb.maxSndWnd = 0;
        tcb.sndWl1 = request.irs;
        tcb.sndWl2 = request.peerAck;
        tcb.iss = request.iss;
        tcb.sndUna = request.iss;
        tcb.sndNxt = request.iss + 1;
        tcb.sndMax = tcb.sndNxt;
        tcb.smallSegmentEnd = request.iss;
        tcb.firstSynTime = request.firstSynTime;
        tcb.rtoPs = request.rtoPs;
        tcb.retransmits = request.retransmits;
        tcb.synRetransmitted = request.retransmits > 0;
        tcb.rcvAdvertisedEdge = tcb.rcvNxt + request.window;
        tcb.rcvWup = tcb.rcvNxt;
        ports.add(child, request.localPort, false);
        setState(child, TcpState.SYN_RECEIVED);
        connections.add(child);
        return child;
    }

    /** Takes a request out of its listener's SYN queue and the connection table, back to the pool. */
    private void dropRequest(final RequestSock request)
    {
        request.listener.listenQueue.removeRequest(request);
        request.listener = null;
        unhash(request);
        requests.give(request);
    }

    /** The SYN-ACK of a request, options in Linux's order, echoing only what the SYN offered. */
    private void sendSynAck(final RequestSock request, final int tsVal)
    {
        final SynOptions options = request.options;
        final int optionsLength = TcpSegment.optionsLength(true, options.sackOk, options.timestampsOk,
            options.wscaleOk);
        // ip_build_and_send_pkt: the listener's IP_TOS and IP_TTL.
        if (beginSegment(request.localAddress, request.remoteAddress, request.localPort, request.remotePort,
            TcpSegment.HEADER_LENGTH + optionsLength, request.listener.ipTos, request.listener.ipTtl) < 0)
        {
            return;
        }
        out.emit(request.localPort, request.remotePort, request.iss, request.rcvNxt(),
            TcpSegment.SYN | TcpSegment.ACK, request.window, optionsLength);
        out.writeOptions(options.advertisedMss, options.sackOk, options.timestampsOk, tsVal, options.tsRecent,
            options.wscaleOk ? stack.config().windowScale() : -1);
        output.commit(claim, TcpSegment.CHECKSUM);
        stack.stats().segmentsSent++;
    }

    /**
     * A request's SYN-ACK timer: again with a doubled timeout, until {@code tcp_synack_retries}. A request whose
     * final ACK TCP_DEFER_ACCEPT dropped is not resent to until its last deferred timeout, and lives until then
     * (Linux's {@code syn_ack_recalc}).
     */
    void synAckTimeout(final RequestSock request)
    {
        stack.enterSoftirq();
        final int defer = request.listener.tcb.deferAcceptTimeouts;
        if (request.timeouts >= synAckRetries(request.listener) && (!request.acked || request.timeouts >= defer))
        {
            dropRequest(request);
        }
        else
        {
            if (!request.acked || request.timeouts >= defer - 1)
            {
                request.retransmits++;
                stack.stats().retransmissions++;
                sendSynAck(request, tsNow(request.options.tsOffset));
            }
            request.timeouts++;
            request.rtoPs = RttEstimator.backOff(request.rtoPs);
            stack.sim().schedule(request.timer, stack.sim().now() + request.rtoPs);
        }
        stack.flushTransmit();
        stack.exitSoftirq();
    }

    /**
     * Records what the peer's SYN-ACK (or crossed SYN) says to a connecting socket: its ISN, window and the options
     * it agrees to of those the SYN offered. A listener's SYN is kept by {@link #requestFromSyn} instead.
     */
    private void acceptPeerSyn(final InboundSegment seg, final Tcb tcb)
    {
        tcb.irs = seg.seq;
        tcb.rcvNxt = seg.seq + 1;
        tcb.agreeTo(seg, tcb.wscaleOk, tcb.timestampsOk, tcb.sackOk, stack.sim().now());
        tcb.rcvWscale = tcb.wscaleOk ? stack.config().windowScale() : 0;
        // RFC 7323 §2.2: the window field of a SYN is never scaled.
        tcb.sndWnd = seg.window;
        tcb.maxSndWnd = seg.window;
        tcb.sndWl1 = seg.seq;
        tcb.sndWl2 = seg.ack;
    }

    /** Sizes segments once both sides' MSS and the options are known. */
    private void settleMss(final Tcb tcb)
    {
        int mss = Math.min(tcb.peerMss, tcb.advertisedMss);
        if (tcb.userMss > 0)
        {
            mss = Math.min(mss, tcb.userMss);
        }
        tcb.sendMss = Math.max(64, mss - (tcb.timestampsOk ? TcpSegment.TIMESTAMP_BLOCK : 0));
        tcb.congestion.start(tcb);
    }

    /** RFC 9293 §3.10.7.3 in Linux's order ({@code tcp_rcv_synsent_state_process}). */
    private int synSentInput(final InboundSegment seg, final TcpSocket socket, final Tcb tcb)
    {
        final boolean ack = seg.has(TcpSegment.ACK);
        final boolean rst = seg.has(TcpSegment.RST);
        if (ack)
        {
            if (!Tcb.after(seg.ack, tcb.iss) || Tcb.after(seg.ack, tcb.sndMax))
            {
                if (!rst)
                {
                    // An old duplicate or a stale peer (Fig. 8/9): reset it and retry the SYN soon.
                    sendResetFor(seg, seg.ack, 0, false);
                    quickSynRetry(tcb);
                }
                return DropReason.TCP_BAD_SEGMENT;
            }
            if (seg.hasTimestamps() && tcb.timestampsOk && seg.tsEcr() != 0 &&
                !Tcb.between(seg.tsEcr(), tcb.firstSynTsVal, tsNow(tcb.tsOffset)))
            {
                // Linux: PAWSActiveRejected, answered like an unacceptable ACK.
                sendResetFor(seg, seg.ack, 0, false);
                quickSynRetry(tcb);
                return DropReason.TCP_PAWS;
            }
        }
        if (rst)
        {
            if (!ack)
            {
                return DropReason.TCP_BAD_SEGMENT;
            }
            reset(socket, tcb);
            return DropReason.ACCEPTED;
        }
        if (!seg.has(TcpSegment.SYN))
        {
            // Linux discards an acceptable ACK without SYN silently ("discard_and_undo").
            return DropReason.TCP_BAD_SEGMENT;
        }
        acceptPeerSyn(seg, tcb);
        // The window our SYN offered (never scaled, RFC 7323 §2.2) is open from the peer's ISN on.
        tcb.rcvAdvertisedEdge = tcb.rcvNxt + synWindow(socket);
        tcb.rcvWup = tcb.rcvNxt;
        if (ack)
        {
            tcb.sndUna = seg.ack;
            if (!tcb.synRetransmitted)
            {
                rttSample(tcb, stack.sim().now() - tcb.firstSynTime);
            }
            output.confirmNeighbour(socket.remoteAddress);
            settleMss(tcb);
            establish(socket, tcb);
            if (seg.length > 0 || seg.has(TcpSegment.FIN))
            {
                dataAndFin(seg, socket, tcb);
            }
            sendAck(socket, tcb);
            output(socket, tcb);
            return DropReason.ACCEPTED;
        }
        // Crossed SYNs (simultaneous open, or connect to self): answer with SYN-ACK from the same ISN.
        settleMss(tcb);
        setState(socket, TcpState.SYN_RECEIVED);
        sendSyn(socket, tcb, true);
        return DropReason.ACCEPTED;
    }

    private void quickSynRetry(final Tcb tcb)
    {
        if (tcb.retransmits == 0)
        {
            stack.sim().reschedule(tcb.retransmitTimer, stack.sim().now() + timeoutMinPs);
        }
    }

    private void establish(final TcpSocket socket, final Tcb tcb)
    {
        stack.sim().cancel(tcb.retransmitTimer);
        tcb.retransmits = 0;
        tcb.lastReceivedPs = stack.sim().now();
        tcb.ackTiming.established(tcb.advertisedMss, tcb.sendMss, tcb.rcvAdvertisedEdge - tcb.rcvWup);
        setState(socket, TcpState.ESTABLISHED);
        if (tcb.keepalive)
        {
            stack.sim().reschedule(tcb.keepaliveTimer, stack.sim().now() + keepIdlePs(tcb));
        }
    }

    /** A segment for a connection in TIME_WAIT: Linux's {@code tcp_timewait_state_process}. */
    private int timeWaitInput(final InboundSegment seg, final TimeWaitSock timeWait)
    {
        if (seg.has(TcpSegment.RST))
        {
            endTimeWait(timeWait);
            return DropReason.ACCEPTED;
        }
        if (seg.has(TcpSegment.SYN) && !seg.has(TcpSegment.ACK) &&
            Tcb.after(seg.seq, timeWait.rcvNxt))
        {
            // A new incarnation (RFC 9293 §3.10.7.4 note, Linux TCP_TW_SYN): end TIME_WAIT, let a listener take it.
            final TcpSocket listener = listenerFor(seg);
            if (listener != null)
            {
                endTimeWait(timeWait);
                final int outcome = listenInput(seg, listener);
                listener.readinessChanged();
                return outcome;
            }
        }
        if (seg.has(TcpSegment.FIN))
        {
            stack.sim().reschedule(timeWait.timer, stack.sim().now() + stack.config().timeWaitPs());
        }
        // The ACK a TIME_WAIT connection answers with (tcp_v4_timewait_ack).
        final int optionsLength = timeWait.timestampsOk ? TcpSegment.TIMESTAMP_BLOCK : 0;
        // tcp_v4_send_ack from the control socket: the connection's TOS (tw_tos), the default TTL.
        if (beginSegment(timeWait.localAddress, timeWait.remoteAddress, timeWait.localPort, timeWait.remotePort,
            TcpSegment.HEADER_LENGTH + optionsLength, timeWait.tos, SocketConstants.DEFAULT_TTL) == 0)
        {
            out.emit(timeWait.localPort, timeWait.remotePort, timeWait.sndNxt, timeWait.rcvNxt, TcpSegment.ACK,
                timeWait.window, optionsLength);
            if (timeWait.timestampsOk)
            {
                out.writeOptions(-1, false, true, tsNow(timeWait.tsOffset), timeWait.tsRecent, -1);
            }
            output.commit(claim, TcpSegment.CHECKSUM);
            stack.stats().segmentsSent++;
        }
        return DropReason.ACCEPTED;
    }

    /** Segment arrival in SYN_RECEIVED and the synchronized states: RFC 9293 §3.10.7.4, first to eighth. */
    private int synchronizedInput(final InboundSegment seg, final TcpSocket socket, final Tcb tcb)
    {
        final boolean rst = seg.has(TcpSegment.RST);
        final boolean syn = seg.has(TcpSegment.SYN);
        if (tcb.timestampsOk && seg.hasTimestamps() && !rst && tcb.tsRecent - seg.tsVal() > PAWS_WINDOW)
        {
            duplicateAck(seg, socket, tcb);
            return DropReason.TCP_PAWS;
        }
        // First: sequence acceptability (Linux's tcp_sequence: the segment must touch the receive window).
        final int window = Math.max(0, tcb.rcvAdvertisedEdge - tcb.rcvNxt);
        final int end = seg.seq + seg.span();
        if (Tcb.before(end, tcb.rcvNxt) || Tcb.after(seg.seq, tcb.rcvNxt + window) ||
            end == tcb.rcvNxt && seg.span() > 0 && !syn)
        {
            if (rst)
            {
                return DropReason.TCP_OUT_OF_WINDOW;
            }
            if (syn)
            {
                // RFC 5961 §4.2: a SYN, in the window or not, is answered with a challenge ACK.
                challengeAck(socket, tcb);
                return DropReason.TCP_CHALLENGED;
            }
            duplicateAck(seg, socket, tcb);
            return DropReason.TCP_OUT_OF_WINDOW;
        }
        // Second: RST. RFC 5961 §3.2: only an exact match resets; anything else in the window is challenged.
        if (rst)
        {
            if (seg.seq != tcb.rcvNxt)
            {
                challengeAck(socket, tcb);
                return DropReason.TCP_CHALLENGED;
            }
            if (tcb.state == TcpState.SYN_RECEIVED && tcb.passive)
            {
                done(socket, tcb);
            }
            else
            {
                reset(socket, tcb);
            }
            return DropReason.ACCEPTED;
        }
        // Fourth: SYN. RFC 5961 §4.2 challenge ACK; Linux lets an exactly matching SYN-ACK complete a
        // simultaneous open, and a listener's child answers a retransmitted SYN with its SYN-ACK again.
        if (syn)
        {
            final boolean crossedSynAck = tcb.state == TcpState.SYN_RECEIVED && !tcb.passive &&
                seg.has(TcpSegment.ACK) && seg.seq + 1 == tcb.rcvNxt && seg.ack == tcb.sndNxt;
            if (!crossedSynAck)
            {
                if (tcb.state == TcpState.SYN_RECEIVED && tcb.passive && seg.seq == tcb.irs)
                {
                    sendSyn(socket, tcb, true);
                    return DropReason.ACCEPTED;
                }
                challengeAck(socket, tcb);
                return DropReason.TCP_CHALLENGED;
            }
        }
        // Fifth: ACK.
        if (!seg.has(TcpSegment.ACK))
        {
            return DropReason.TCP_BAD_SEGMENT;
        }
        if (tcb.state == TcpState.SYN_RECEIVED)
        {
            if (!Tcb.after(seg.ack, tcb.sndUna) || Tcb.after(seg.ack, tcb.sndMax))
            {
                sendResetFor(seg, seg.ack, 0, false);
                return DropReason.TCP_BAD_SEGMENT;
            }
            if (tcb.passive && socket.parent != null && socket.parent.listenQueue.acceptFull() &&
                !stack.config().abortOnOverflow())
            {
                // tcp_abort_on_overflow=0: the ACK is dropped; the SYN-ACK's retransmission tries again.
                return DropReason.TCP_LISTEN_OVERFLOW;
            }
            tcb.sndUna = seg.ack;
            tcb.sndWnd = seg.window << tcb.sndWscale;
            tcb.maxSndWnd = Math.max(tcb.maxSndWnd, tcb.sndWnd);
            tcb.sndWl1 = seg.seq;
            tcb.sndWl2 = seg.ack;
            if (!tcb.synRetransmitted && tcb.firstSynTime >= 0)
            {
                rttSample(tcb, stack.sim().now() - tcb.firstSynTime);
            }
            output.confirmNeighbour(socket.remoteAddress);
            if (tcb.passive)
            {
                settleMss(tcb);
            }
            establish(socket, tcb);
            if (tcb.passive && !enqueueAccept(socket))
            {
                return DropReason.TCP_LISTEN_OVERFLOW;
            }
        }
        else
        {
            final int acked = ackInput(seg, socket, tcb);
            if (acked != MORE)
            {
                return acked;
            }
            // The peer is alive (Linux's tcp_ack: rcv_tstamp, icsk_probes_out = 0): keepalive and zero-window probes
            // start counting again.
            tcb.lastReceivedPs = stack.sim().now();
            tcb.keepaliveProbes = 0;
            if (tcb.sndMax == tcb.sndUna)
            {
                tcb.retransmits = 0;
                if (tcb.sndWnd > 0)
                {
                    // The window is open again (tcp_ack_probe: the probes' backoff and icsk_probes_tstamp clear).
                    tcb.retransStampPs = 0;
                    tcb.probeBackoff = 0;
                }
                else if (tcb.unsent() > 0 && tcb.probeBackoff > 0)
                {
                    // tcp_ack_probe: an answer that keeps the window shut re-arms the probe timer from now, backed off.
                    stack.sim().reschedule(tcb.retransmitTimer, probeTime(tcb));
                }
            }
        }
        if (tcb.timestampsOk && seg.hasTimestamps() && !Tcb.after(seg.seq, tcb.rcvNxt) &&
            !Tcb.before(seg.tsVal(), tcb.tsRecent))
        {
            // Never back: a TSval within the PAWS window but behind TS.Recent is taken and not stored
            // (tcp_replace_ts_recent: tcp_paws_check with a window of 0).
            tcb.tsRecent = seg.tsVal();
            tcb.tsRecentStamp = stack.sim().now();
        }
        if (syn)
        {
            // Only a crossed SYN-ACK gets here, and its SYN is a duplicate now: acknowledge it (Linux's
            // tcp_send_dupack, with a D-SACK of the SYN), echoing its TSval, which Linux's tcp_ack stored first
            // (RFC 7323 §4.3).
            sendDuplicateAck(seg, socket, tcb);
        }
        // Sixth: the URG bit, and an urgent byte awaited (tcp_urg).
        tcb.urgent.arrived(socket, seg);
        // Seventh and eighth: data and FIN.
        int outcome = DropReason.ACCEPTED;
        if (seg.length > 0 || seg.has(TcpSegment.FIN))
        {
            if (!socket.owned && seg.length > 0 && (socket.shutdown & TcpSocket.RECEIVE_SHUTDOWN) != 0)
            {
                // Linux: data for a closed socket aborts the connection with a reset.
                sendResetFor(seg, tcb.sndNxt, 0, false);
                done(socket, tcb);
                return DropReason.ACCEPTED;
            }
            outcome = dataAndFin(seg, socket, tcb);
        }
        output(socket, tcb);
        return outcome;
    }

    /**
     * ACK processing in the synchronized states. Returns {@link #MORE} when the segment goes on to its data, else
     * its outcome.
     */
    private int ackInput(final InboundSegment seg, final TcpSocket socket, final Tcb tcb)
    {
        if (Tcb.after(seg.ack, tcb.sndMax))
        {
            // An ACK for something not yet sent: dropped, and answered with a (rate-limited) challenge ACK in every
            // state (RFC 5961 §5.2; Linux 6.18 does in ESTABLISHED too: the segment differential's ack-unsent-data).
            challengeAck(socket, tcb);
            return DropReason.TCP_BAD_SEGMENT;
        }
        if (Tcb.before(seg.ack, tcb.sndUna - tcb.maxSndWnd))
        {
            // RFC 5961 §5.2: too old to be a duplicate.
            challengeAck(socket, tcb);
            return DropReason.TCP_CHALLENGED;
        }
        // Linux's tcp_ack_is_dubious, judged before the ACK changes the state: out of Open (SACKed data out, or
        // recovery), or SACKing something now (added below). Only such an ACK runs loss detection.
        final boolean dubious = tcb.sackedBytes > 0 || tcb.inRecovery;
        // RFC 2018 / RFC 8985: the scoreboard takes the ACK and the SACK blocks first (Linux's tcp_sacktag_write_queue
        // and tcp_clean_rtx_queue), so that loss detection below sees this ACK's deliveries.
        final long sackRttPs = tcb.sackOk ? scoreboard(seg, tcb) : -1;
        final boolean advanced = Tcb.after(seg.ack, tcb.sndUna);
        if (advanced)
        {
            int acked = seg.ack - tcb.sndUna;
            final boolean finAcked = tcb.finSent && Tcb.after(seg.ack, tcb.finSeq);
            if (finAcked)
            {
                acked--;
            }
            socket.sendBuffer.consume(Math.min(acked, socket.sendBuffer.size()));
            final int flightBefore = tcb.sndMax - tcb.sndUna;
            tcb.sndUna = seg.ack;
            tcb.urgent.acknowledged(tcb.sndUna);
            if (Tcb.before(tcb.sndNxt, tcb.sndUna))
            {
                tcb.sndNxt = tcb.sndUna;
            }
            if (tcb.timestampsOk && seg.hasTimestamps() && seg.tsEcr() != 0)
            {
                rttSample(tcb, (long) (tsNow(tcb.tsOffset) - seg.tsEcr()) * Time.MS);
            }
            else if (tcb.rttTiming && Tcb.after(seg.ack, tcb.rttSeq))
            {
                tcb.rttTiming = false;
                rttSample(tcb, stack.sim().now() - tcb.rttStart);
            }
            else if (sackRttPs >= 0)
            {
                rttSample(tcb, sackRttPs);
            }
            tcb.retransmits = 0;
            tcb.retransStampPs = 0;
            tcb.dupAcks = 0;
            if (!tcb.inRecovery)
            {
                tcb.congestion.acked(tcb, acked, flightBefore);
            }
            else if (Tcb.before(seg.ack, tcb.recoveryPoint) && !tcb.sackOk)
            {
                // RFC 6582 partial ACK: the next segment was lost too; resend it now rather than at the RTO.
                retransmitFirst(socket, tcb);
            }
            else if (!Tcb.before(seg.ack, tcb.recoveryPoint))
            {
                tcb.inRecovery = false;
                tcb.congestion.exitRecovery(tcb);
            }
            if (tcb.tlpOutstanding && !Tcb.before(seg.ack, tcb.tlpHighSeq))
            {
                tcb.tlpOutstanding = false;
            }
            if (tcb.sndUna == tcb.sndMax)
            {
                stack.sim().cancel(tcb.retransmitTimer);
                tcb.lossProbeArmed = false;
                tcb.reorderTimerArmed = false;
            }
            else if (!scheduleLossProbe(tcb, tcb.rtoPs))
            {
                armRto(tcb);
            }
            output.confirmNeighbour(socket.remoteAddress);
            if (finAcked)
            {
                ourFinAcked(seg, socket, tcb);
                if (tcb.state == TcpState.CLOSED)
                {
                    return DropReason.ACCEPTED;
                }
            }
        }
        else if (sackRttPs >= 0 && !Tcb.before(seg.ack, tcb.sndUna))
        {
            // Linux's tcp_ack_update_rtt: an ACK that only SACKs takes its RTT from the oldest segment it SACKed.
            rttSample(tcb, sackRttPs);
        }
        else if (!tcb.sackOk && seg.ack == tcb.sndUna && seg.length == 0 && tcb.sndMax != tcb.sndUna &&
            (seg.window << tcb.sndWscale) == tcb.sndWnd && !seg.has(TcpSegment.FIN))
        {
            // The third duplicate ACK; or, with a tail loss probe out, the probe's own duplicate ACK: the probe
            // resent the last segment, so the peer has data beyond SND.UNA and the segment there is lost (RFC 8985
            // §7.4, which Linux's RACK concludes from the SACK blocks).
            if ((++tcb.dupAcks == 3 || tcb.tlpOutstanding) && !tcb.inRecovery)
            {
                fastRetransmit(socket, tcb);
            }
        }
        if (Tcb.before(tcb.sndWl1, seg.seq) || tcb.sndWl1 == seg.seq && !Tcb.before(seg.ack, tcb.sndWl2))
        {
            tcb.sndWnd = seg.window << tcb.sndWscale;
            tcb.maxSndWnd = Math.max(tcb.maxSndWnd, tcb.sndWnd);
            tcb.sndWl1 = seg.seq;
            tcb.sndWl2 = seg.ack;
        }
        if (tcb.sackOk)
        {
            sackRecovery(seg, socket, tcb, advanced, dubious || tcb.sackedBytes > 0);
        }
        return MORE;
    }

    /**
     * The ACK's effect on the scoreboard of a SACK connection: records it acknowledges leave (each a delivery for
     * RACK, and reordering when one never sent again lies below what was SACKed), then its SACK blocks mark what they
     * cover (tcp_sacktag_write_queue). Returns an RTT sample from the oldest segment newly SACKed that was sent once
     * (Linux's sack_rtt_us), or -1.
     */
    private long scoreboard(final InboundSegment seg, final Tcb tcb)
    {
        final RetransmitQueue queue = sentQueue;
        final long now = stack.sim().now();
        seg.deliveredBytes = 0;
        // Linux's prior_fack: the highest SACKed sequence, or SND.UNA with nothing SACKed.
        final int fack = tcb.sackedBytes > 0 ? tcb.highestSacked : tcb.sndUna;
        if (Tcb.after(seg.ack, tcb.sndUna) && !Tcb.after(seg.ack, tcb.sndMax))
        {
            int lowestFresh = fack;
            for (int record = queue.head(tcb); record != RetransmitQueue.NONE &&
                Tcb.before(queue.start(record), seg.ack); record = queue.head(tcb))
            {
                if (!queue.is(record, RetransmitQueue.SACKED))
                {
                    seg.deliveredBytes += (Tcb.after(queue.end(record), seg.ack) ? seg.ack : queue.end(record)) -
                        queue.start(record);
                    Rack.delivered(tcb, queue, record, now);
                    if (!queue.is(record, RetransmitQueue.EVER_RETRANSMITTED) &&
                        Tcb.before(queue.start(record), lowestFresh))
                    {
                        lowestFresh = queue.start(record);
                    }
                }
                if (Tcb.after(queue.end(record), seg.ack))
                {
                    queue.trimHead(tcb, seg.ack);
                    break;
                }
                queue.removeHead(tcb);
            }
            Rack.reordered(tcb, lowestFresh, fack);
        }
        final int una = Tcb.after(seg.ack, tcb.sndUna) ? seg.ack : tcb.sndUna;
        final TcpSegment header = seg.header;
        long oldestSackedPs = -1;
        int lowestFresh = fack;
        for (int i = 0; i < header.sackBlocks(); i++)
        {
            final int left = header.sackLeft(i);
            final int right = header.sackRight(i);
            if (i == 0 && RetransmitQueue.reportsDuplicate(header, seg.ack) ||
                !RetransmitQueue.usableSackBlock(left, right, una, tcb.sndMax))
            {
                continue;
            }
            for (int record = queue.cut(tcb, left); record != RetransmitQueue.NONE &&
                Tcb.before(queue.start(record), right); record = queue.next(record))
            {
                if (queue.is(record, RetransmitQueue.SACKED))
                {
                    continue;
                }
                if (Tcb.after(queue.end(record), right))
                {
                    queue.split(tcb, record, right);
                }
                if (!queue.is(record, RetransmitQueue.EVER_RETRANSMITTED))
                {
                    if (oldestSackedPs < 0 || queue.sentPs(record) < oldestSackedPs)
                    {
                        oldestSackedPs = queue.sentPs(record);
                    }
                    if (Tcb.before(queue.start(record), lowestFresh))
                    {
                        lowestFresh = queue.start(record);
                    }
                }
                Rack.delivered(tcb, queue, record, now);
                queue.markSacked(tcb, record);
                seg.deliveredBytes += queue.end(record) - queue.start(record);
                if (tcb.sackedBytes == queue.end(record) - queue.start(record) ||
                    Tcb.after(queue.end(record), tcb.highestSacked))
                {
                    tcb.highestSacked = queue.end(record);
                }
            }
        }
        Rack.reordered(tcb, lowestFresh, fack);
        return oldestSackedPs < 0 ? -1 : now - oldestSackedPs;
    }

    /**
     * Loss recovery on a SACK connection (Linux's tcp_fastretrans_alert with RACK, tcp_recovery=1): RACK marks what
     * is lost; a lost segment starts recovery, where PRR sets the window ACK by ACK and the segments marked lost go
     * again. Not while a timeout's go-back resends everything anyway (Linux's Loss state).
     */
    private void sackRecovery(final InboundSegment seg, final TcpSocket socket, final Tcb tcb, final boolean advanced,
        final boolean dubious)
    {
        if (Tcb.before(tcb.sndNxt, tcb.sndMax))
        {
            return;
        }
        final long marksBefore = tcb.lossMarks;
        if (tcb.rackAdvanced && dubious)
        {
            tcb.rackAdvanced = false;
            final long wait = Rack.detectLoss(tcb, sentQueue, stack.sim().now(), stack.stats());
            if (wait > 0)
            {
                armReorderTimer(tcb, wait);
            }
        }
        if (!tcb.inRecovery && sentQueue.firstToResend(tcb) != RetransmitQueue.NONE)
        {
            enterSackRecovery(tcb);
        }
        if (tcb.inRecovery)
        {
            proportionalRateReduction(tcb, seg.deliveredBytes, advanced && tcb.lossMarks == marksBefore);
            retransmitLost(socket, tcb);
        }
    }

    /**
     * tcp_enter_recovery on a SACK connection: the congestion control sets ssthresh, while cwnd stays for PRR to
     * bring down (RFC 6937 §3: RecoverFS and prr_delivered, prr_out start at 0); recovery lasts until everything
     * sent so far is acknowledged.
     */
    private void enterSackRecovery(final Tcb tcb)
    {
        final int cwnd = tcb.cwnd;
        tcb.congestion.enterRecovery(tcb);
        tcb.cwnd = cwnd;
        tcb.priorCwnd = cwnd;
        tcb.prrDelivered = 0;
        tcb.prrOut = 0;
        tcb.tlpOutstanding = false;
        tcb.inRecovery = true;
        tcb.recoveryPoint = tcb.sndMax;
    }

    /**
     * RFC 6937 proportional rate reduction, as Linux's tcp_cwnd_reduction, in segments: while more is in flight than
     * ssthresh, send in proportion to what was delivered (ssthresh / prior cwnd of it); below, catch up to ssthresh
     * by what was delivered, one more on an ACK that moved SND.UNA without a new loss (PRR-SSRB); always one segment
     * on the first ACK (the fast retransmit). cwnd becomes what is in flight plus that.
     */
    private static void proportionalRateReduction(final Tcb tcb, final int deliveredBytes, final boolean unaOnly)
    {
        final int mss = tcb.sendMss;
        final int delivered = (deliveredBytes + mss - 1) / mss;
        if (delivered <= 0)
        {
            return;
        }
        tcb.prrDelivered += delivered;
        final int inFlight = (pipe(tcb) + mss - 1) / mss;
        final int ssthresh = tcb.ssthresh / mss;
        final int priorCwnd = Math.max(tcb.priorCwnd / mss, 1);
        final int delta = ssthresh - inFlight;
        int send;
        if (delta < 0)
        {
            send = (int) (((long) ssthresh * tcb.prrDelivered + priorCwnd - 1) / priorCwnd) - tcb.prrOut;
        }
        else
        {
            send = Math.max(tcb.prrDelivered - tcb.prrOut, delivered) + (unaOnly ? 1 : 0);
            send = Math.min(delta, send);
        }
        send = Math.max(send, tcb.prrOut > 0 ? 0 : 1);
        tcb.cwnd = (inFlight + send) * mss;
    }

    /** Resends the segments marked lost, oldest first, while the congestion window has room beside the pipe. */
    private void retransmitLost(final TcpSocket socket, final Tcb tcb)
    {
        final RetransmitQueue queue = sentQueue;
        final int mss = currentMss(tcb);
        for (int record = queue.firstToResend(tcb); record != RetransmitQueue.NONE; record = queue.next(record))
        {
            if (!queue.is(record, RetransmitQueue.LOST) || queue.is(record, RetransmitQueue.RETRANSMITTED))
            {
                continue;
            }
            if (pipe(tcb) >= tcb.cwnd)
            {
                break;
            }
            final int from = queue.start(record);
            final int fin = tcb.finSent && queue.end(record) == tcb.finSeq + 1 ? 1 : 0;
            final int length = Math.min(queue.end(record) - fin - from, mss);
            final boolean withFin = fin == 1 && from + length == tcb.finSeq;
            if (sendData(socket, tcb, from, length, withFin) < 0)
            {
                break;
            }
            stack.stats().retransmissions++;
            stack.stats().fastRetransmissions++;
            tcb.rttTiming = false;
            tcb.prrOut++;
            final boolean head = record == queue.head(tcb);
            queue.resent(tcb, from, from + length + (withFin ? 1 : 0), sendStamp(tcb));
            if (head && !tcb.reorderTimerArmed)
            {
                // The head went again: its RTO runs from now (tcp_xmit_retransmit_queue's rearm).
                armRto(tcb);
            }
        }
    }

    /**
     * What the network holds of this connection's data (RFC 6675's pipe, Linux's tcp_packets_in_flight, in bytes):
     * sent and not acknowledged, less what is SACKed or lost, plus the retransmissions in flight.
     */
    private static int pipe(final Tcb tcb)
    {
        return tcb.sndMax - tcb.sndUna - tcb.sackedBytes - tcb.lostBytes + tcb.retransmittedBytes;
    }

    /**
     * RACK's reordering timer (tcp_rack_mark_lost): when the closest segment's wait is over, plus 2 ms
     * (TCP_TIMEOUT_MIN) for the ACK that may still come, in whole jiffies and no later than the RTO.
     */
    private void armReorderTimer(final Tcb tcb, final long waitPs)
    {
        final long delay = Math.min((waitPs + timeoutMinPs + jiffyPs - 1) / jiffyPs * jiffyPs, tcb.rtoPs);
        tcb.lossProbeArmed = false;
        tcb.reorderTimerArmed = true;
        stack.sim().reschedule(tcb.retransmitTimer, stack.sim().now() + delay);
    }

    /**
     * The reordering timer fired (tcp_rack_reo_timeout): what has waited long enough now is lost; recovery resends
     * it, and the RTO is armed again, counted from when the first segment in flight was sent.
     */
    private void reorderTimeout(final TcpSocket socket, final Tcb tcb)
    {
        tcb.reorderTimerArmed = false;
        Rack.detectLoss(tcb, sentQueue, stack.sim().now(), stack.stats());
        if (!tcb.inRecovery && sentQueue.firstToResend(tcb) != RetransmitQueue.NONE)
        {
            // Recovery starts here, and PRR counts one segment delivered (the timer stands for an ACK).
            enterSackRecovery(tcb);
            proportionalRateReduction(tcb, tcb.sendMss, false);
        }
        retransmitLost(socket, tcb);
        final int head = sentQueue.head(tcb);
        if (head != RetransmitQueue.NONE)
        {
            tcb.lossProbeArmed = false;
            stack.sim().reschedule(tcb.retransmitTimer, Math.max(sentQueue.sentPs(head) + tcb.rtoPs,
                stack.sim().now() + jiffyPs));
        }
    }

    private void ourFinAcked(final InboundSegment seg, final TcpSocket socket, final Tcb tcb)
    {
        switch (tcb.state)
        {
            case FIN_WAIT_1:
                if (!socket.owned && tcb.linger2 < 0)
                {
                    // TCP_LINGER2 -1: an orphan does not wait for the peer's FIN; the ACK of ours gets a reset
                    // (tcp_rcv_state_process returns 1, tcp_v4_send_reset).
                    done(socket, tcb);
                    sendResetFor(seg, seg.ack, 0, false);
                    break;
                }
                setState(socket, TcpState.FIN_WAIT_2);
                if (!socket.owned)
                {
                    stack.sim().reschedule(tcb.closeTimer, stack.sim().now() + finTimePs(tcb));
                }
                break;
            case CLOSING:
                enterTimeWait(socket, tcb);
                break;
            case LAST_ACK:
                done(socket, tcb);
                break;
            default:
                break;
        }
    }

    /** RFC 5681 §3.2 fast retransmit on the third duplicate ACK, entering RFC 6582 (NewReno) recovery. */
    private void fastRetransmit(final TcpSocket socket, final Tcb tcb)
    {
        tcb.tlpOutstanding = false;
        tcb.congestion.enterRecovery(tcb);
        tcb.inRecovery = true;
        tcb.recoveryPoint = tcb.sndMax;
        retransmitFirst(socket, tcb);
        if (tcb.lossProbeArmed)
        {
            // No probes in recovery: the head went again, and its RTO runs from now (tcp_xmit_retransmit_queue).
            armRto(tcb);
        }
    }

    /** Sends the first unacknowledged segment again, out of turn (SND.NXT stays where it is). */
    private void retransmitFirst(final TcpSocket socket, final Tcb tcb)
    {
        tcb.rttTiming = false;
        final int length = Math.min(currentMss(tcb), Math.min(socket.sendBuffer.size(), tcb.sndMax - tcb.sndUna));
        if (length > 0)
        {
            stack.stats().retransmissions++;
            stack.stats().fastRetransmissions++;
            sendData(socket, tcb, tcb.sndUna, length, false);
        }
    }

    /**
     * The segment's data and FIN, once its ACK was taken. Data at RCV.NXT is appended to the receive ring; data
     * beyond it, within the window, is written where it belongs in the ring and remembered in the out-of-order queue
     * until the gap fills. Returns the outcome.
     */
    private int dataAndFin(final InboundSegment seg, final TcpSocket socket, final Tcb tcb)
    {
        final boolean fin = seg.has(TcpSegment.FIN);
        final boolean receiving = tcb.state == TcpState.ESTABLISHED || tcb.state == TcpState.FIN_WAIT_1 ||
            tcb.state == TcpState.FIN_WAIT_2;
        if (!receiving)
        {
            // After the peer's FIN nothing more is taken (RFC 9293 §3.10.7.4, seventh); its ACK was used.
            return DropReason.ACCEPTED;
        }
        final ByteRing ring = socket.receiveBuffer;
        final int ahead = seg.seq - tcb.rcvNxt;
        final int room = Math.min(ring.free(), tcb.rcvAdvertisedEdge - tcb.rcvNxt);
        if (ahead > 0)
        {
            // Beyond RCV.NXT: keep what fits in the window, and say so at once (RFC 5681 §4.2: duplicate ACK).
            final int length = Math.max(0, Math.min(seg.length, room - ahead));
            final long held = tcb.outOfOrder.heldPart(seg.seq, seg.seq + length);
            if (held >= 0)
            {
                receivedTwice(tcb, (int) (held >>> 32), (int) held);
            }
            final boolean memory = length == 0 || ring.ensure(ring.size() + ahead + length);
            final boolean kept = length > 0 && memory && tcb.outOfOrder.add(seg.seq, seg.seq + length);
            if (kept)
            {
                ring.writeAhead(ring.size() + ahead, seg.memory, seg.payload, length);
            }
            // Linux's out-of-order skb ends after the FIN (its end_seq counts it): the SACK blocks cover the FIN, and
            // the segment that fills the gap up to it is acknowledged at once.
            final boolean finKept = fin && length == seg.length && (kept || seg.length == 0) &&
                tcb.outOfOrder.add(seg.seq + seg.length, seg.seq + seg.length + 1);
            if (finKept)
            {
                tcb.finAfterGap = true;
                tcb.finAfterGapSeq = seg.seq + seg.length;
            }
            sendAck(socket, tcb);
            return kept || finKept ? DropReason.ACCEPTED : memory ? DropReason.TCP_OUT_OF_ORDER :
                DropReason.SOCKET_MEMORY;
        }
        final boolean gap = !tcb.outOfOrder.isEmpty();
        int outcome = DropReason.ACCEPTED;
        boolean complete = true;
        if (seg.length > 0)
        {
            final int skip = -ahead;
            if (skip > 0)
            {
                // Partly received already (tcp_data_queue: seq < RCV.NXT < end): the old part is a D-SACK.
                receivedTwice(tcb, seg.seq, tcb.rcvNxt);
            }
            final int fits = Math.max(0, Math.min(seg.length - skip, room));
            // Short of fits only when the host's socket memory is exhausted (tcp_mem): the rest is dropped.
            final int accepted = ring.write(seg.memory, seg.payload + skip, fits);
            if (accepted > 0)
            {
                dataReceived(seg, tcb, accepted);
            }
            tcb.rcvNxt += accepted;
            stack.stats().bytesReceived += accepted;
            complete = accepted == seg.length - skip;
            if (accepted == 0 && skip < seg.length)
            {
                outcome = fits == 0 ? DropReason.TCP_ZERO_WINDOW : DropReason.SOCKET_MEMORY;
            }
            if (gap)
            {
                // Data held beyond the gap is in place already: appending it is only counting it.
                int reached = tcb.outOfOrder.take(tcb.rcvNxt);
                if (tcb.finAfterGap && reached == tcb.finAfterGapSeq + 1)
                {
                    reached--; // the held FIN's sequence number is no data: it is taken below
                }
                ring.commitWritten(reached - tcb.rcvNxt);
                stack.stats().bytesReceived += reached - tcb.rcvNxt;
                tcb.rcvNxt = reached;
            }
        }
        final boolean finNow = fin && complete && seg.seq + seg.length == tcb.rcvNxt ||
            tcb.finAfterGap && tcb.rcvNxt == tcb.finAfterGapSeq;
        if (finNow)
        {
            tcb.finAfterGap = false;
            tcb.rcvNxt++;
            socket.done = true;
            socket.shutdown |= TcpSocket.RECEIVE_SHUTDOWN;
            switch (tcb.state)
            {
                case ESTABLISHED:
                    // Linux's tcp_fin: the application will answer, so its reply may carry the ACK (ping-pong).
                    setState(socket, TcpState.CLOSE_WAIT);
                    tcb.ackTiming.finReceived();
                    break;
                case FIN_WAIT_1:
                    setState(socket, TcpState.CLOSING);
                    sendAck(socket, tcb);
                    return outcome;
                case FIN_WAIT_2:
                    // Acknowledged before the socket goes: TIME_WAIT keeps only a record.
                    sendAck(socket, tcb);
                    enterTimeWait(socket, tcb);
                    return outcome;
                default:
                    sendAck(socket, tcb);
                    return outcome;
            }
        }
        if (!complete || gap || seg.length == 0 && !finNow)
        {
            // A gap filled (RFC 5681 §4.2, Linux's ICSK_ACK_NOW), a window overrun, or a bare FIN out of turn:
            // acknowledge at once.
            sendAck(socket, tcb);
            return outcome;
        }
        acknowledgeReceived(socket, tcb);
        return outcome;
    }

    /**
     * In-sequence data or FIN was taken: Linux's {@code __tcp_ack_snd_check}. The ACK goes now (more than one full
     * segment unacknowledged, or quick-ACK mode), or the delayed-ACK timer takes it.
     */
    private void acknowledgeReceived(final TcpSocket socket, final Tcb tcb)
    {
        final AckTiming timing = tcb.ackTiming;
        if (timing.ackNow(tcb.rcvNxt - tcb.rcvWup))
        {
            sendAck(socket, tcb);
            return;
        }
        final long at = timing.delayedAckAt(stack.sim().now(), tcb.srttPs, stack.config().delayedAckPs());
        if (at == Long.MIN_VALUE)
        {
            sendAck(socket, tcb);
        }
        else if (!tcb.delayedAckTimer.isScheduled() || tcb.delayedAckTimer.time() != at)
        {
            stack.sim().reschedule(tcb.delayedAckTimer, at);
        }
    }

    /** Linux's {@code tcp_event_data_recv} for {@code accepted} new bytes of {@code seg}. */
    private void dataReceived(final InboundSegment seg, final Tcb tcb, final int accepted)
    {
        final int fixedHeader = TcpSegment.HEADER_LENGTH + (tcb.timestampsOk ? TcpSegment.TIMESTAMP_BLOCK : 0);
        // A coalesced (GRO) packet's segments are the sender's MSS each, Linux's gso_size.
        final int segmentSize = accepted > tcb.sendMss ? tcb.sendMss : accepted;
        tcb.ackTiming.dataReceived(stack.sim().now(), accepted, segmentSize, seg.has(TcpSegment.PSH),
            seg.header.headerLength(), fixedHeader, tcb.rcvAdvertisedEdge - tcb.rcvWup, tcb.rtoPs,
            stack.config().delayedAckPs(), tcb.advertisedMss);
    }

    /**
     * The duplicate ACK an unacceptable segment gets (RFC 9293 §3.10.7.4, first), rate-limited as Linux's
     * {@code tcp_oow_rate_limited} does unless the segment carried data: a forged or looping stream of bare segments
     * gets at most one answer per {@code tcp_invalid_ratelimit}.
     */
    private void duplicateAck(final InboundSegment seg, final TcpSocket socket, final Tcb tcb)
    {
        if (seg.span() > 0 && !seg.has(TcpSegment.SYN) || !outOfWindowRateLimited(tcb))
        {
            sendDuplicateAck(seg, socket, tcb);
        }
    }

    /**
     * Linux's tcp_send_dupack: an ACK now, with a D-SACK for the part of the segment below RCV.NXT when it had any
     * (data, SYN or FIN) there.
     */
    private void sendDuplicateAck(final InboundSegment seg, final TcpSocket socket, final Tcb tcb)
    {
        final int end = seg.seq + seg.span();
        if (seg.span() > 0 && Tcb.before(seg.seq, tcb.rcvNxt))
        {
            // Our ACK may have been lost: ACK the next segments at once too.
            tcb.ackTiming.enterQuickAckMode(tcb.rcvAdvertisedEdge - tcb.rcvWup, stack.config().delayedAckPs());
            receivedTwice(tcb, seg.seq, Tcb.after(end, tcb.rcvNxt) ? tcb.rcvNxt : end);
        }
        sendAck(socket, tcb);
    }

    /** Linux's {@code __tcp_oow_rate_limited}: true when an answer went out less than the interval ago. */
    private boolean outOfWindowRateLimited(final Tcb tcb)
    {
        final long now = stack.sim().now();
        if (tcb.lastOutOfWindowAck != Long.MIN_VALUE &&
            now - tcb.lastOutOfWindowAck < stack.config().challengeAckIntervalPs())
        {
            return true;
        }
        tcb.lastOutOfWindowAck = now;
        return false;
    }

    /** RFC 5961's challenge ACK, sharing the out-of-window rate limit as Linux's {@code tcp_send_challenge_ack}. */
    private void challengeAck(final TcpSocket socket, final Tcb tcb)
    {
        if (outOfWindowRateLimited(tcb))
        {
            stack.stats().challengeAcksSuppressed++;
            return;
        }
        stack.stats().challengeAcks++;
        sendAck(socket, tcb);
    }

    /** ICMP error quoting a segment this host sent: Linux's {@code tcp_v4_err}. Returns the outcome. */
    @Override
    public int icmpError(final int type, final int code, final int source, final int sourcePort,
        final int destination, final int destinationPort, final int quotedSeq)
    {
        final SockCommon found = connections.find(source, sourcePort, destination, destinationPort);
        final RequestSock request = found instanceof RequestSock queued ? queued : null;
        final TcpSocket socket = found instanceof TcpSocket connection && connection.tcb.state != TcpState.LISTEN ?
            connection : null;
        if (socket == null && request == null)
        {
            return DropReason.ICMP_NO_SOCKET;
        }
        final Tcb tcb = socket != null ? socket.tcb : null;
        if (!Tcb.between(quotedSeq, tcb != null ? tcb.sndUna : request.iss,
            tcb != null ? tcb.sndMax : request.iss + 1))
        {
            // RFC 5927: a blind ICMP attack cannot know what is in flight.
            return DropReason.ICMP_BAD_QUOTE;
        }
        final int errno;
        final boolean soft;
        if (type == IcmpMessage.TYPE_DEST_UNREACHABLE)
        {
            if (code == IcmpMessage.CODE_FRAG_NEEDED)
            {
                return DropReason.ACCEPTED;
            }
            errno = unreachableErrno(code);
            soft = code == IcmpMessage.CODE_NET_UNREACHABLE || code == IcmpMessage.CODE_HOST_UNREACHABLE ||
                code == 11 || code == 12;
        }
        else if (type == IcmpMessage.TYPE_TIME_EXCEEDED)
        {
            errno = Errno.EHOSTUNREACH;
            soft = true;
        }
        else
        {
            errno = Errno.EPROTO;
            soft = false;
        }
        final boolean abortsHandshake = !soft ||
            stack.config().icmpErrorPolicy() == IcmpErrorPolicy.LINUX_ABORT_WHILE_CONNECTING;
        if (request != null)
        {
            // tcp_req_err: the SYN-ACK it quotes did not arrive; the request goes.
            if (abortsHandshake)
            {
                dropRequest(request);
            }
            return DropReason.ACCEPTED;
        }
        if (tcb.state.handshaking() && abortsHandshake)
        {
            if (!tcb.passive)
            {
                socket.error = errno;
            }
            done(socket, tcb);
            return DropReason.ACCEPTED;
        }
        socket.softError = errno;
        return DropReason.ACCEPTED;
    }

    /** Linux's {@code icmp_err_convert[]}. */
    private static int unreachableErrno(final int code)
    {
        return switch (code)
        {
            case 0, 6, 9, 11 -> Errno.ENETUNREACH;
            case 2 -> Errno.ENOPROTOOPT;
            case 3 -> Errno.ECONNREFUSED;
            case 5 -> Errno.EOPNOTSUPP;
            case 7 -> Errno.EHOSTDOWN;
            case 8 -> Errno.ENONET;
            default -> Errno.EHOSTUNREACH;
        };
    }

    /* ---------------------------------------------------------------------------------------------------------- */
    /* Calls from the socket layer                                                                                  */

    /**
     * Linux's {@code tcp_v4_connect} after the socket-level checks: routes, picks the source address and port,
     * chooses the ISN and sends the SYN. Returns 0 or {@code -errno} (route errors, ENETUNREACH for broadcast or
     * multicast, EADDRNOTAVAIL for a taken 4-tuple or no free port).
     */
    public int connect(final TcpSocket socket, final int requested, final int port)
    {
        final int address = RouteTable.destination(requested, socket.localAddress);
        final int routed = routes.lookupFrom(address, socket.localAddress, socket.dontRoute);
        if (routed < 0)
        {
            return routed;
        }
        if (routes.resultKind() == RouteTable.Kind.BROADCAST || routes.resultKind() == RouteTable.Kind.MULTICAST)
        {
            return -Errno.ENETUNREACH;
        }
        final int mtu = routes.resultInterface().mtu();
        final boolean chosenAddress = socket.localAddress == 0;
        if (chosenAddress)
        {
            socket.localAddress = routes.resultSource();
        }
        socket.remoteAddress = address;
        socket.remotePort = port;
        final Tcb tcb = socket.tcb;
        setState(socket, TcpState.SYN_SENT);
        final int hashed = hashConnect(socket);
        if (hashed < 0)
        {
            setState(socket, TcpState.CLOSED);
            socket.remoteAddress = 0;
            socket.remotePort = 0;
            if (chosenAddress)
            {
                socket.localAddress = 0;
            }
            return hashed;
        }
        if (recyclable != null)
        {
            tcb.iss = recyclable.sndNxt + 65535 + 2;
            tcb.tsRecent = recyclable.tsRecent;
            tcb.tsRecentStamp = recyclable.tsRecentStamp;
            endTimeWait(recyclable);
            recyclable = null;
            stack.stats().timeWaitRecycled++;
        }
        else
        {
            tcb.iss = isn(socket.localAddress, socket.remoteAddress, socket.localPort, socket.remotePort);
        }
        startSendSequence(socket, tcb);
        tcb.retransmits = 0;
        tcb.synRetransmitted = false;
        tcb.firstSynTsVal = tsNow(tcb.tsOffset);
        tcb.rtoPs = stack.config().synPolicy().rtoAfter(0);
        tcb.advertisedMss = mss(tcb.userMss, mtu);
        // Offer every option the configuration allows; acceptPeerSyn keeps what the SYN-ACK agrees to.
        tcb.wscaleOk = stack.config().windowScaling();
        tcb.timestampsOk = stack.config().timestamps();
        tcb.sackOk = stack.config().sack();
        // tcp_connect_init's tcp_sync_mss: the path's MSS, clamped to TCP_MAXSEG or else TCP_MSS_DEFAULT, less the
        // timestamp option it will carry. TCP_MAXSEG reads this until the SYN-ACK brings the peer's.
        tcb.mssCache = mss(tcb.userMss > 0 ? tcb.userMss : DEFAULT_PEER_MSS, mtu) -
            (tcb.timestampsOk ? TcpSegment.TIMESTAMP_BLOCK : 0);
        socket.shutdown = 0;
        socket.done = false;
        connections.add(socket);
        tcb.core = stack.cpu().runningCore();
        sendSyn(socket, tcb, false);
        stack.sim().reschedule(tcb.retransmitTimer, stack.sim().now() + tcb.rtoPs);
        return 0;
    }

    /** The send sequence space from the ISN (the SYN takes one number), and the connection's timestamp offset. */
    private void startSendSequence(final TcpSocket socket, final Tcb tcb)
    {
        tcb.tsOffset = (int) secret.hash(SecretHash.PURPOSE_TIMESTAMP_OFFSET, socket.localAddress,
            socket.remoteAddress, 0, 0);
        tcb.sndUna = tcb.iss;
        tcb.sndNxt = tcb.iss + 1;
        tcb.sndMax = tcb.sndNxt;
        tcb.smallSegmentEnd = tcb.iss;
        tcb.firstSynTime = stack.sim().now();
    }

    /** The MSS to announce on a path of {@code mtu}, no more than TCP_MAXSEG ({@code userMss}, 0 when unset). */
    private static int mss(final int userMss, final int mtu)
    {
        final int mss = mtu - Ipv4Packet.HEADER_LENGTH - TcpSegment.HEADER_LENGTH;
        return userMss > 0 ? Math.min(mss, userMss) : mss;
    }

    /** RFC 6528: ISN = M + F(4-tuple, secret), M a 4 microsecond clock. */
    private int isn(final int localAddress, final int remoteAddress, final int localPort, final int remotePort)
    {
        final long hash = secret.hash(SecretHash.PURPOSE_ISN, localAddress, remoteAddress, localPort, remotePort);
        // RFC 6528's clock as Linux's secure_tcp_seq runs it (seq_scale): one tick per 64 ns, not RFC 793's 4 us.
        return (int) hash + (int) (stack.sim().now() / ISN_CLOCK_TICK_PS);
    }

    /**
     * Linux's {@code inet_hash_connect}: an explicitly bound socket only needs its 4-tuple to be unique; otherwise
     * the host's {@link EphemeralPorts} pick a port by RFC 6056 Algorithm 4.
     */
    private int hashConnect(final TcpSocket socket)
    {
        recyclable = null;
        if (socket.localPort != 0)
        {
            return unique(socket, socket.localPort) ? 0 : -Errno.EADDRNOTAVAIL;
        }
        connecting = socket;
        final int port = ephemeral.connectPort(secret.hash(SecretHash.PURPOSE_PORT_OFFSET, socket.localAddress,
            socket.remoteAddress, 0, socket.remotePort), this);
        connecting = null;
        if (port < 0)
        {
            return port;
        }
        ports.add(socket, port, true);
        return 0;
    }

    /** For {@link EphemeralPorts#connectPort}: whether the socket being connected may take {@code port}. */
    @Override
    public boolean usable(final int port)
    {
        return ports.sharableByConnect(port) && unique(connecting, port);
    }



    /** Linux's {@code __inet_check_established}: no other connection (unless a recyclable TIME_WAIT) has the tuple. */
    private boolean unique(final TcpSocket socket, final int port)
    {
        final SockCommon existing = connections.find(socket.localAddress, port, socket.remoteAddress,
            socket.remotePort);
        if (existing == null || existing == socket)
        {
            return true;
        }
        if (existing instanceof TimeWaitSock timeWait && timeWaitReusable(timeWait))
        {
            recyclable = timeWait;
            return true;
        }
        return false;
    }

    /** Linux's {@code tcp_twsk_unique}: reuse policy, timestamps seen, and the last one more than 1 s old. */
    private boolean timeWaitReusable(final TimeWaitSock timeWait)
    {
        final TimeWaitReuse reuse = stack.config().timeWaitReuse();
        if (reuse == TimeWaitReuse.NEVER || reuse == TimeWaitReuse.LOOPBACK_ONLY &&
            !Ipv4Address.isLoopback(timeWait.remoteAddress) && !Ipv4Address.isLoopback(timeWait.localAddress))
        {
            return false;
        }
        return timeWait.tsRecentStamp != 0 && stack.sim().now() - timeWait.tsRecentStamp > Time.S;
    }

    /** listen(): the socket must be bound (autobind otherwise). Returns 0 or -errno. */
    public int listen(final TcpSocket socket, final int backlog)
    {
        if (socket.localPort == 0)
        {
            final int bound = ephemeral.bindAny(socket, ports, Ipv4Address.ANY);
            if (bound < 0)
            {
                return bound;
            }
        }
        final int limit = Math.min(Math.max(backlog, 0), stack.config().somaxconn());
        if (socket.listenQueue == null)
        {
            socket.listenQueue = new ListenQueue();
        }
        socket.listenQueue.setBacklog(limit);
        setState(socket, TcpState.LISTEN);
        return 0;
    }

    private boolean enqueueAccept(final TcpSocket child)
    {
        final TcpSocket listener = child.parent;
        final ListenQueue queue = listener.listenQueue;
        queue.embryoGone();
        child.parent = null;
        if (queue.acceptFull())
        {
            sendReset(child.localAddress, child.remoteAddress, child.localPort, child.remotePort, child.tcb.sndNxt, 0,
                false);
            done(child, child.tcb);
            return false;
        }
        queue.addAccepted(child);
        // The queue holds it now: a reset before accept() closes it but keeps it for accept() to return.
        child.owned = true;
        listener.readinessChanged();
        return true;
    }

    /** Takes the oldest established connection from a listener's accept queue, or null. */
    public TcpSocket accept(final TcpSocket listener)
    {
        final TcpSocket child = listener.listenQueue.takeAccepted();
        if (child == null)
        {
            return null;
        }
        child.state = SocketState.CONNECTED;
        return child;
    }

    /**
     * Appends up to {@code length} bytes to the send buffer and sends what the windows allow; with {@code more}
     * (MSG_MORE) a tail shorter than a segment waits as under TCP_CORK, for this push only; with {@code urgent}
     * (MSG_OOB) the end of what was appended is the urgent mark before anything is sent. Returns the count (0 when the
     * buffer is full).
     */
    public int write(final TcpSocket socket, final MemorySegment source, final long offset, final int length,
        final boolean more, final boolean urgent)
    {
        final Tcb tcb = socket.tcb;
        tcb.moreComing = more;
        try
        {
            return writeAndPush(socket, tcb, source, offset, length, urgent);
        }
        finally
        {
            tcb.moreComing = false;
        }
    }

    private int writeAndPush(final TcpSocket socket, final Tcb tcb, final MemorySegment source, final long offset,
        final int length, final boolean urgent)
    {
        if (tcb.notSentLowWater == 0)
        {
            final int written = socket.sendBuffer.write(source, offset, length);
            markUrgentWrite(socket, tcb, urgent && written > 0);
            output(socket, tcb);
            return written;
        }
        // tcp_sendmsg takes a new skb only while the unsent bytes are below TCP_NOTSENT_LOWAT (sk_stream_memory_free)
        // and sends each as it is filled (tcp_push_one), so the data still unsent stays near the mark.
        int written = 0;
        while (written < length && tcb.unsentBelowLowWater(false))
        {
            final int chunk = Math.min(length - written, sizeGoal(socket, tcb));
            final int taken = socket.sendBuffer.write(source, offset + written, chunk);
            written += taken;
            markUrgentWrite(socket, tcb, urgent && taken > 0);
            output(socket, tcb);
            if (taken < chunk)
            {
                break;
            }
        }
        return written;
    }

    /** {@code tcp_mark_urg}, in each push of a send with MSG_OOB: the urgent mark at the end of the data queued. */
    private static void markUrgentWrite(final TcpSocket socket, final Tcb tcb, final boolean urgent)
    {
        if (urgent)
        {
            tcb.urgent.markSend(tcb.sndUna + socket.sendBuffer.size());
        }
    }

    /**
     * {@code tcp_xmit_size_goal}: what one skb of a send holds, one TSO segment (one MSS without TSO) and at most half
     * the largest window the peer offered ({@code tcp_bound_to_half_wnd}), in whole segments.
     */
    private int sizeGoal(final TcpSocket socket, final Tcb tcb)
    {
        final int goal = Math.min(tsoPayload(socket, tcb), tcb.maxSndWnd >> 1);
        return Math.max(tcb.sendMss, goal - goal % tcb.sendMss);
    }

    /**
     * After the application consumed {@code copied} received bytes (Linux's {@code tcp_cleanup_rbuf}): the ACK the
     * read made due, or the larger window if it grew enough.
     */
    public void consumed(final TcpSocket socket, final int copied)
    {
        final Tcb tcb = socket.tcb;
        if (!tcb.state.synchronizedState() || tcb.state == TcpState.TIME_WAIT)
        {
            return;
        }
        if (tcb.ackTiming.ackOnRead(tcb.rcvNxt - tcb.rcvWup, copied, socket.receiveBuffer.isEmpty() &&
            tcb.outOfOrder.isEmpty()))
        {
            sendAck(socket, tcb);
            return;
        }
        final int advertised = tcb.rcvAdvertisedEdge - tcb.rcvNxt;
        final int now = socket.receiveBuffer.free();
        if (now - advertised >= Math.max(2 * tcb.sendMss, socket.receiveBuffer.capacity() / 2) ||
            advertised < tcb.sendMss && now >= tcb.sendMss)
        {
            sendAck(socket, tcb);
        }
    }

    /**
     * Whether a read is worth waking for ({@code tcp_epollin_ready}): SO_RCVLOWAT's bytes have come, or the window
     * left to the peer is at most one segment, so that no more can come until the reader takes some. An urgent byte
     * next in the ring, not in line, is one more to wait for ({@code tcp_poll}'s target).
     */
    public boolean readable(final TcpSocket socket)
    {
        final int available = socket.receiveBuffer.size();
        final Tcb tcb = socket.tcb;
        return available > 0 && (available >= socket.receiveLowWater + tcb.urgent.hole(socket) ||
            tcb.rcvAdvertisedEdge - tcb.rcvNxt <= tcb.ackTiming.rcvMss());
    }

    /** The stack's congestion control ({@code net.ipv4.tcp_congestion_control}), which a new socket runs. */
    CongestionControl defaultCongestion()
    {
        return congestionAlgorithms[0];
    }

    /** TCP_CONGESTION as getsockopt reads it: the name of the algorithm the connection runs. */
    public String congestionName(final TcpSocket socket)
    {
        return socket.tcb.congestion.name();
    }

    /**
     * setsockopt(TCP_CONGESTION), Linux's {@code tcp_set_congestion_control}: an algorithm the stack has, by name, or
     * ENOENT. A connection under way switches at once and keeps its window ({@code tcp_reinit_congestion_control});
     * an accepted one starts with its listener's.
     */
    public int setCongestion(final TcpSocket socket, final String name)
    {
        for (final CongestionControl algorithm : congestionAlgorithms)
        {
            if (algorithm.name().equals(name))
            {
                final Tcb tcb = socket.tcb;
                if (algorithm != tcb.congestion)
                {
                    tcb.congestion = algorithm;
                    if (tcb.state != TcpState.CLOSED && tcb.state != TcpState.LISTEN)
                    {
                        algorithm.init(tcb);
                    }
                }
                return 0;
            }
        }
        return -Errno.ENOENT;
    }

    /** TCP_QUICKACK as getsockopt reads it: not in ping-pong mode. */
    public boolean quickAck(final TcpSocket socket)
    {
        return !socket.tcb.ackTiming.inPingPongMode();
    }

    /**
     * setsockopt(TCP_QUICKACK), Linux's {@code __tcp_sock_set_quickack}: 0 enters ping-pong mode; another value
     * leaves it and, on a connection with an ACK due, lets the reader's rule send it now if nothing is left to read
     * ({@code tcp_cleanup_rbuf} after a push); an even value then enters ping-pong mode again.
     */
    public void setQuickAck(final TcpSocket socket, final int value)
    {
        final Tcb tcb = socket.tcb;
        final AckTiming timing = tcb.ackTiming;
        if (value == 0)
        {
            timing.enterPingPongMode();
            return;
        }
        timing.exitPingPongMode();
        if ((tcb.state == TcpState.ESTABLISHED || tcb.state == TcpState.CLOSE_WAIT) && timing.scheduled())
        {
            timing.pushed();
            consumed(socket, 1);
            if ((value & 1) == 0)
            {
                timing.enterPingPongMode();
            }
        }
    }

    /** shutdown(SHUT_WR) and close(): queue a FIN after the data (RFC 9293 §3.10.4). */
    public void shutdownWrite(final TcpSocket socket)
    {
        final Tcb tcb = socket.tcb;
        switch (tcb.state)
        {
            case SYN_RECEIVED:
            case ESTABLISHED:
                setState(socket, TcpState.FIN_WAIT_1);
                break;
            case CLOSE_WAIT:
                setState(socket, TcpState.LAST_ACK);
                break;
            default:
                return;
        }
        tcb.finQueued = true;
        output(socket, tcb);
    }

    /**
     * close(): Linux's {@code tcp_close}. SYN_SENT just forgets the attempt; unread data or SO_LINGER 0 abort with a
     * reset; otherwise a FIN is queued and the connection lives on, orphaned, until it closes.
     */
    public void close(final TcpSocket socket)
    {
        final Tcb tcb = socket.tcb;
        socket.owned = false;
        socket.shutdown = TcpSocket.SHUTDOWN_MASK;
        switch (tcb.state)
        {
            case LISTEN:
                closeListener(socket);
                done(socket, tcb);
                return;
            case CLOSED:
            case SYN_SENT:
                done(socket, tcb);
                return;
            default:
                break;
        }
        if (socket.lingerOn && socket.lingerSeconds == 0 || !socket.receiveBuffer.isEmpty())
        {
            abort(socket);
            return;
        }
        shutdownWrite(socket);
        if (tcb.state == TcpState.FIN_WAIT_2)
        {
            if (tcb.linger2 < 0)
            {
                // TCP_LINGER2 -1: tcp_close resets a connection already in FIN_WAIT_2 rather than wait.
                abort(socket);
                return;
            }
            stack.sim().reschedule(tcb.closeTimer, stack.sim().now() + finTimePs(tcb));
        }
    }

    /** {@code tcp_fin_time}: an orphan's wait in FIN_WAIT_2, TCP_LINGER2 or tcp_fin_timeout, at least 3.5 RTO. */
    private long finTimePs(final Tcb tcb)
    {
        final long timeout = tcb.linger2 > 0 ? tcb.linger2 * Time.S : stack.config().finTimeoutPs();
        return Math.max(timeout, (tcb.rtoPs << 2) - (tcb.rtoPs >> 1));
    }

    /** Abortive close: RST in a synchronized state, then CLOSED ({@code tcp_disconnect} / SO_LINGER 0). */
    public void abort(final TcpSocket socket)
    {
        final Tcb tcb = socket.tcb;
        if (tcb.state.synchronizedState() && tcb.state != TcpState.TIME_WAIT || tcb.state == TcpState.SYN_RECEIVED)
        {
            sendActiveReset(socket, tcb);
        }
        done(socket, tcb);
    }

    /**
     * connect(AF_UNSPEC) and a failed connect's clean-up: Linux's {@code tcp_disconnect}. Resets a synchronized
     * connection, forgets the peer and, unless bind() chose them, the local port and address.
     */
    public void disconnect(final TcpSocket socket)
    {
        final Tcb tcb = socket.tcb;
        final TcpState old = tcb.state;
        if (tcb.state == TcpState.LISTEN)
        {
            closeListener(socket);
        }
        if (tcb.state != TcpState.CLOSED)
        {
            final boolean owned = socket.owned;
            socket.owned = true;
            abort(socket);
            socket.owned = owned;
        }
        if (!socket.portLocked)
        {
            ports.remove(socket);
            socket.localPort = 0;
        }
        if (!socket.addressLocked)
        {
            socket.localAddress = 0;
        }
        socket.remoteAddress = 0;
        socket.remotePort = 0;
        socket.shutdown = 0;
        socket.done = false;
        socket.sendBuffer.clear();
        socket.receiveBuffer.clear();
        tcb.resetKeepingOptions();
        // tcp_disconnect: a connection it resets (tcp_need_reset) or a SYN_SENT it abandons leaves ECONNRESET.
        if (old == TcpState.SYN_SENT || old == TcpState.SYN_RECEIVED || old == TcpState.ESTABLISHED ||
            old == TcpState.CLOSE_WAIT || old == TcpState.FIN_WAIT_1 || old == TcpState.FIN_WAIT_2)
        {
            socket.error = Errno.ECONNRESET;
        }
    }

    private void closeListener(final TcpSocket listener)
    {
        TcpSocket child;
        while ((child = accept(listener)) != null)
        {
            child.owned = false;
            abort(child);
        }
        final ListenQueue queue = listener.listenQueue;
        while (queue.newestRequest() != null)
        {
            dropRequest(queue.newestRequest());
        }
        if (queue.synQueueCount() > 0)
        {
            // Requests that became sockets and still wait for their handshake.
            dropEmbryos(listener);
        }
    }

    /** A listener is closing: its embryonic connections (SYN_RECEIVED children) go too. */
    private void dropEmbryos(final TcpSocket listener)
    {
        for (int i = 0; i < sockets.built(); i++)
        {
            final TcpSocket child = sockets.get(i);
            if (child.open && child.parent == listener)
            {
                child.parent = null;
                done(child, child.tcb);
            }
        }
    }

    /* ---------------------------------------------------------------------------------------------------------- */
    /* Output                                                                                                       */

    /** Sends what the send buffer, the peer's window and the congestion window allow, then a FIN if it is due. */
    public void output(final TcpSocket socket, final Tcb tcb)
    {
        tcb.core = stack.cpu().runningCore();
        final TcpState state = tcb.state;
        if (state != TcpState.ESTABLISHED && state != TcpState.CLOSE_WAIT && state != TcpState.FIN_WAIT_1 &&
            state != TcpState.LAST_ACK && state != TcpState.CLOSING)
        {
            return;
        }
        final int tsoPayload = tcb.unsent() > tcb.sendMss ? tsoPayload(socket, tcb) : 0;
        final int sentBefore = tcb.sndNxt;
        sendWhatFits(socket, tcb, tsoPayload);
        if (tcb.sndNxt != sentBefore)
        {
            // tcp_write_xmit: once new segments went, the loss probe is due 2 SRTT after the last (RTO permitting).
            scheduleLossProbe(tcb, tcb.retransmitTimer.isScheduled() && !tcb.lossProbeArmed ?
                tcb.retransmitTimer.time() - stack.sim().now() : tcb.rtoPs);
        }
    }

    /** The segments window, cwnd, Nagle and the device allow now, as TSO segments where they can be. */
    private void sendWhatFits(final TcpSocket socket, final Tcb tcb, final int tsoPayload)
    {
        while (true)
        {
            final int unsent = tcb.unsent();
            if (unsent > 0 && !tcb.finSent)
            {
                // What may go in one piece: all of it, but in a timeout's go-back on a SACK connection SACKed data is
                // stepped over, as Linux's Loss state resends only what is marked lost (tcp_xmit_retransmit_queue).
                int sendable = unsent;
                if (tcb.sackOk && Tcb.before(tcb.sndNxt, tcb.sndMax))
                {
                    final int dataEnd = tcb.sndNxt + unsent;
                    final int resume = sentQueue.pastSacked(tcb, tcb.sndNxt, dataEnd);
                    if (resume != tcb.sndNxt)
                    {
                        tcb.sndNxt = resume;
                        continue;
                    }
                    sendable = sentQueue.nextSacked(tcb, tcb.sndNxt, dataEnd) - tcb.sndNxt;
                }
                final int inFlight = tcb.sndNxt - tcb.sndUna;
                // The peer's window bounds what is outstanding; cwnd what the network holds (RFC 6675 pipe: SACKed
                // and lost data are out of it; in a go-back, what was resent). Without SACK in a go-back, SND.NXT
                // restarted at SND.UNA, and what lies between is what was resent.
                final int network = tcb.sackOk || tcb.sndNxt == tcb.sndMax ? pipe(tcb) : inFlight;
                final int room = Math.min(tcb.sndWnd - inFlight, tcb.cwnd - network);
                if (room <= 0)
                {
                    if (tcb.sndWnd == 0 && inFlight == 0 && !tcb.retransmitTimer.isScheduled())
                    {
                        stack.sim().schedule(tcb.retransmitTimer, stack.sim().now() + tcb.rtoPs);
                    }
                    break;
                }
                final int mss = currentMss(tcb);
                if (tsoPayload > mss && mss == tcb.sendMss)
                {
                    // TSO: whole MSS-sized frames' worth in one segment, or the tail of what there is to send.
                    int large = Math.min(sendable, Math.min(tsoPayload, room));
                    if (large < unsent)
                    {
                        large -= large % mss;
                    }
                    final boolean fin = large == unsent && tcb.finQueued;
                    if (large > mss && sendTso(socket, tcb, large, fin, mss) == 0)
                    {
                        advance(tcb, large, fin);
                        continue;
                    }
                }
                final int length = Math.min(sendable, Math.min(mss, room));
                final boolean last = length == unsent;
                if (corkedTail(tcb, sendable))
                {
                    // TCP_CORK (tcp_nagle_check's TCP_NAGLE_CORK): the tail waits to be filled, whatever is in
                    // flight. With nothing in flight the probe timer sends it after all (tcp_check_probe_timer,
                    // tcp_write_wakeup), one RTO on: TCP_CORK's 200 ms ceiling.
                    if (inFlight == 0 && !tcb.retransmitTimer.isScheduled())
                    {
                        stack.sim().schedule(tcb.retransmitTimer, stack.sim().now() + tcb.rtoPs);
                    }
                    break;
                }
                // A piece cut short by SACKed data is a retransmission: Nagle does not hold it.
                if (length < mss && sendable == unsent && !tcb.noDelay && !tcb.finQueued && inFlight > 0 &&
                    Tcb.after(tcb.smallSegmentEnd, tcb.sndUna) && !Tcb.after(tcb.smallSegmentEnd, tcb.sndNxt))
                {
                    // Nagle (RFC 896) with Minshall's refinement, as Linux's tcp_nagle_check: hold a small segment
                    // only while an earlier small one is in flight (not when a go-back left it unsent again).
                    break;
                }
                final boolean fin = last && tcb.finQueued;
                if (sendData(socket, tcb, tcb.sndNxt, length, fin) < 0)
                {
                    probeLater(tcb);
                    break;
                }
                advance(tcb, length, fin);
                if (length < mss)
                {
                    tcb.smallSegmentEnd = tcb.sndNxt;
                }
            }
            else if (tcb.finQueued && !tcb.finSent)
            {
                if (sendData(socket, tcb, tcb.sndNxt, 0, true) < 0)
                {
                    probeLater(tcb);
                    break;
                }
                advance(tcb, 0, true);
            }
            else
            {
                break;
            }
        }
    }

    /**
     * The device had no room for a segment. With something in flight its ACK will run output again; with nothing,
     * the timer is armed for the RTO so that the data is not left behind, as Linux's tcp_check_probe_timer does.
     */
    private void probeLater(final Tcb tcb)
    {
        if (tcb.sndMax == tcb.sndUna && !tcb.retransmitTimer.isScheduled())
        {
            stack.sim().schedule(tcb.retransmitTimer, stack.sim().now() + tcb.rtoPs);
        }
    }

    private void advance(final Tcb tcb, final int length, final boolean fin)
    {
        if (tcb.sackOk)
        {
            recordSent(tcb, tcb.sndNxt, tcb.sndNxt + length + (fin ? 1 : 0));
            if (tcb.inRecovery)
            {
                tcb.prrOut += Math.max((length + tcb.sendMss - 1) / tcb.sendMss, 1);
            }
        }
        final boolean fresh = tcb.sndNxt == tcb.sndMax;
        if (fresh && !tcb.rttTiming && length > 0 && !tcb.timestampsOk)
        {
            tcb.rttTiming = true;
            tcb.rttSeq = tcb.sndNxt;
            tcb.rttStart = stack.sim().now();
        }
        tcb.sndNxt += length;
        if (fin)
        {
            tcb.finSent = true;
            tcb.finSeq = tcb.sndNxt;
            tcb.sndNxt++;
        }
        if (Tcb.after(tcb.sndNxt, tcb.sndMax))
        {
            tcb.sndMax = tcb.sndNxt;
        }
        else
        {
            stack.stats().retransmissions++;
            stack.stats().timeoutRetransmissions++;
        }
        if (!tcb.retransmitTimer.isScheduled())
        {
            stack.sim().schedule(tcb.retransmitTimer, stack.sim().now() + tcb.rtoPs);
        }
    }

    /**
     * The scoreboard of a SACK connection learns that {@code [from, to)} just went: what lies below SND.MAX again
     * (a timeout's go-back), the rest as new records.
     */
    private void recordSent(final Tcb tcb, final int from, final int to)
    {
        final long now = sendStamp(tcb);
        final int fresh = Tcb.after(from, tcb.sndMax) ? from : tcb.sndMax;
        if (Tcb.before(from, fresh))
        {
            sentQueue.resent(tcb, from, Tcb.before(to, fresh) ? to : fresh, now);
        }
        if (Tcb.after(to, fresh))
        {
            sentQueue.append(tcb, fresh, to, now);
        }
    }

    /**
     * The send time RACK keeps for a segment sent now: the simulated time, made 1 ps later than the connection's
     * previous one when that was the same instant. Segments sent in one event share the instant in simulation, where
     * the kernel's microsecond clock tells a retransmission from the new data sent just before it; RACK's "sent
     * after" must keep that order.
     */
    private long sendStamp(final Tcb tcb)
    {
        tcb.lastSentStamp = Math.max(stack.sim().now(), tcb.lastSentStamp + 1);
        return tcb.lastSentStamp;
    }

    /**
     * SACK blocks to send: a D-SACK first when one is pending, then the out-of-order ranges, as many as fit beside
     * the timestamps (RFC 2018: 3 or 4; Linux's tcp_established_options counts the D-SACK in).
     */
    private static int sackBlocks(final Tcb tcb)
    {
        return tcb.sackOk ? Math.min(tcb.outOfOrder.ranges() + (tcb.dsack ? 1 : 0), tcb.timestampsOk ? 3 : 4) : 0;
    }

    /**
     * Data in {@code [from, to)} arrived again (Linux's tcp_dsack_set, on by default as tcp_dsack 1): the next
     * segment with SACK blocks reports it first, so that the sender can tell a needless retransmission (RFC 2883).
     */
    private static void receivedTwice(final Tcb tcb, final int from, final int to)
    {
        if (tcb.sackOk)
        {
            tcb.dsack = true;
            tcb.dsackStart = from;
            tcb.dsackEnd = to;
        }
    }

    /**
     * Payload bytes that fit in one segment now: the MSS less the SACK blocks it has to carry, and no more than half
     * the peer's largest window (all of it when that is at most 536 bytes), as Linux's tcp_bound_to_half_wnd: a peer
     * with a small window gets two segments per window rather than one full and one runt (the segment differential's
     * small-peer-window).
     */
    private static int currentMss(final Tcb tcb)
    {
        final int mss = tcb.sendMss - OutOfOrderQueue.sackLength(sackBlocks(tcb));
        final int cutoff = tcb.maxSndWnd > DEFAULT_PEER_MSS ? tcb.maxSndWnd / 2 : tcb.maxSndWnd;
        if (cutoff > 0 && mss > cutoff)
        {
            // Linux's floor: 68 bytes of TCP header and payload.
            return Math.max(cutoff, 68 - TcpSegment.HEADER_LENGTH - (tcb.timestampsOk ? TcpSegment.TIMESTAMP_BLOCK : 0));
        }
        return mss;
    }

    /*
     * The most payload one TSO segment of this connection may carry: what the device takes (tsoMaxBytes, headers
     * included) and an IPv4 total length allows, in whole MSS-sized frames; 0 without TSO. Linux sizes it further
     * by the pacing rate (tcp_tso_autosize); here the window and the send buffer are the only other limits.
     */
    private int tsoPayload(final TcpSocket socket, final Tcb tcb)
    {
        final int deviceMax = output.tsoMaxBytes(socket.remoteAddress);
        if (deviceMax == 0)
        {
            return 0;
        }
        final int headers = Ipv4Packet.HEADER_LENGTH + TcpSegment.HEADER_LENGTH +
            (tcb.timestampsOk ? TcpSegment.TIMESTAMP_BLOCK : 0);
        final int payload = Math.min(deviceMax - EthernetFrame.HEADER_LENGTH, Ipv4Packet.MAX_TOTAL_LENGTH) - headers;
        return payload - payload % tcb.sendMss;
    }

    /*
     * New data of {@code length} bytes (more than one MSS) from sndNxt as one TSO segment that the device cuts at
     * {@code mss}: PSH and FIN as sendData sets them (the device keeps them for the last frame). Returns 0, or -1 when
     * it cannot go as one segment now, and nothing was sent.
     */
    private int sendTso(final TcpSocket socket, final Tcb tcb, final int length, final boolean fin, final int mss)
    {
        if (sackBlocks(tcb) > 0 || tcb.urgent.sending())
        {
            // The device would copy one urgent pointer into every frame: urgent data goes segment by segment.
            return -1;
        }
        final int optionsLength = tcb.timestampsOk ? TcpSegment.TIMESTAMP_BLOCK : 0;
        final int headerLength = TcpSegment.HEADER_LENGTH + optionsLength;
        if (output.claimTso(claim, socket.localAddress, socket.remoteAddress, headerLength + length,
            FlowHash.of(socket.localAddress, socket.remoteAddress, socket.localPort, socket.remotePort), mss,
            socket.ipTos, socket.ipTtl) < 0)
        {
            return -1;
        }
        stack.cpu().charge(CpuUse.STACK, stack.cpu().costs().stackTxPacketPs());
        final long at = claim.transportOffset();
        out.wrap(claim.memory(), at, headerLength + length);
        final int flags = TcpSegment.ACK | (fin ? TcpSegment.FIN : 0) | (!fin && length == tcb.unsent() ?
            TcpSegment.PSH : 0);
        out.emit(socket.localPort, socket.remotePort, tcb.sndNxt, tcb.rcvNxt, flags, windowToAdvertise(socket, tcb),
            optionsLength);
        if (tcb.timestampsOk)
        {
            out.writeOptions(-1, false, true, tsVal(tcb), tcb.tsRecent, -1);
        }
        socket.sendBuffer.copyOut(tcb.sndNxt - tcb.sndUna, claim.memory(), at + headerLength, length);
        stack.stats().bytesSent += length;
        output.commitTso(claim, TcpSegment.CHECKSUM, headerLength);
        tcb.ackTiming.dataSent(stack.sim().now());
        acknowledged(tcb);
        return 0;
    }

    /**
     * One segment of {@code length} data bytes from sequence {@code seq} (plus FIN), with ACK, timestamps when
     * negotiated and SACK blocks when the receive side holds out-of-order data.
     */
    private int sendData(final TcpSocket socket, final Tcb tcb, final int seq, final int length, final boolean fin)
    {
        final int timestampLength = tcb.timestampsOk ? TcpSegment.TIMESTAMP_BLOCK : 0;
        final int blocks = sackBlocks(tcb);
        final int optionsLength = timestampLength + OutOfOrderQueue.sackLength(blocks);
        final int begun = beginSegment(socket.localAddress, socket.remoteAddress, socket.localPort,
            socket.remotePort, TcpSegment.HEADER_LENGTH + optionsLength + length, socket.ipTos, socket.ipTtl);
        if (begun < 0)
        {
            socket.softError = -begun;
            return begun;
        }
        final long at = claim.transportOffset();
        final MemorySegment memory = claim.memory();
        final int flags = TcpSegment.ACK | (fin ? TcpSegment.FIN : 0) | (length > 0 && !fin &&
            length == tcb.unsent() ? TcpSegment.PSH : 0);
        out.emit(socket.localPort, socket.remotePort, seq, tcb.rcvNxt, flags, windowToAdvertise(socket, tcb),
            optionsLength);
        markUrgent(tcb, seq);
        if (tcb.timestampsOk)
        {
            out.writeOptions(-1, false, true, tsVal(tcb), tcb.tsRecent, -1);
        }
        if (blocks > 0)
        {
            final int sackAt = TcpSegment.HEADER_LENGTH + timestampLength;
            out.writeSackHeader(sackAt, blocks);
            final int first = tcb.dsack ? 1 : 0;
            if (tcb.dsack)
            {
                out.writeSackBlock(sackAt + 4, tcb.dsackStart, tcb.dsackEnd);
                tcb.dsack = false;
            }
            tcb.outOfOrder.writeSackBlocks(out, sackAt + 4 + 8 * first, blocks - first);
        }
        if (length > 0)
        {
            socket.sendBuffer.copyOut(seq - tcb.sndUna, memory, at + TcpSegment.HEADER_LENGTH + optionsLength,
                length);
            stack.stats().bytesSent += length;
            tcb.ackTiming.dataSent(stack.sim().now());
        }
        output.commit(claim, TcpSegment.CHECKSUM);
        acknowledged(tcb);
        return 0;
    }

    /** A bare ACK of everything received so far, with the current window. */
    public void sendAck(final TcpSocket socket, final Tcb tcb)
    {
        sendData(socket, tcb, tcb.sndNxt, 0, false);
    }

    /** URG and the urgent pointer on the segment {@link #out} holds, from {@code seq}, while a mark is outstanding. */
    private void markUrgent(final Tcb tcb, final int seq)
    {
        final int pointer = tcb.urgent.pointer(seq, tcb.sndNxt);
        if (pointer >= 0)
        {
            out.markUrgent(pointer);
        }
    }

    private void acknowledged(final Tcb tcb)
    {
        tcb.ackTiming.ackSent(stack.config().delayedAckPs());
        stack.sim().cancel(tcb.delayedAckTimer);
        stack.stats().segmentsSent++;
    }

    /** The window field: free receive buffer, scaled, never moving the right edge left. */
    private int windowToAdvertise(final TcpSocket socket, final Tcb tcb)
    {
        final int scale = tcb.rcvWscale;
        final int free = socket.receiveBuffer.free();
        final int promised = Math.max(0, tcb.rcvAdvertisedEdge - tcb.rcvNxt);
        // The free space rounds down to the scale's unit, but what was promised rounds up: the right edge never moves
        // left (RFC 7323 §2.4; Linux's tcp_select_window aligns the current window up to 1 << rcv_wscale).
        final int field = Math.min(Math.max(free >>> scale, (promised + (1 << scale) - 1) >>> scale), MAX_WINDOW);
        tcb.rcvAdvertisedEdge = tcb.rcvNxt + (field << scale);
        tcb.rcvWup = tcb.rcvNxt;
        return field;
    }

    /** SYN or SYN-ACK with options in Linux's order; a SYN-ACK only echoes what the peer offered. */
    private void sendSyn(final TcpSocket socket, final Tcb tcb, final boolean withAck)
    {
        if (tcb.advertisedMss == 0)
        {
            final int routed = routes.lookup(socket.remoteAddress);
            tcb.advertisedMss = mss(tcb.userMss, routed == 0 ? routes.resultInterface().mtu() : 576);
        }
        final boolean wscale = tcb.wscaleOk;
        final boolean timestamps = tcb.timestampsOk;
        final boolean sack = tcb.sackOk;
        final int optionsLength = TcpSegment.optionsLength(true, sack, timestamps, wscale);
        final int begun = beginSegment(socket.localAddress, socket.remoteAddress, socket.localPort,
            socket.remotePort, TcpSegment.HEADER_LENGTH + optionsLength, socket.ipTos, socket.ipTtl);
        if (begun < 0)
        {
            socket.softError = -begun;
            return;
        }
        final int window = synWindow(socket);
        out.emit(socket.localPort, socket.remotePort, tcb.iss, withAck ? tcb.rcvNxt : 0,
            TcpSegment.SYN | (withAck ? TcpSegment.ACK : 0), window, optionsLength);
        out.writeOptions(tcb.advertisedMss, sack, timestamps, tsVal(tcb), withAck ? tcb.tsRecent : 0,
            wscale ? stack.config().windowScale() : -1);
        tcb.rcvAdvertisedEdge = tcb.rcvNxt + window;
        tcb.rcvWup = tcb.rcvNxt;
        output.commit(claim, TcpSegment.CHECKSUM);
        acknowledged(tcb);
    }

    /** The window field of a SYN or SYN-ACK: free receive buffer, unscaled and so at most 65535. */
    private static int synWindow(final TcpSocket socket)
    {
        return Math.min(socket.receiveBuffer.free(), MAX_WINDOW);
    }

    /** A reset: {@code <SEQ=seq><CTL=RST>}, or with {@code withAck} {@code <SEQ=seq><ACK=ack><CTL=RST,ACK>}. */
    private void sendReset(final int source, final int destination, final int sourcePort, final int destinationPort,
        final int seq, final int ack, final boolean withAck)
    {
        sendReset(source, destination, sourcePort, destinationPort, seq, ack, withAck, 0, null);
    }

    /**
     * A connection resetting itself (abort, keepalive giving up): RST+ACK from SND.NXT advertising the current
     * window, as Linux's tcp_send_active_reset goes through tcp_transmit_skb (a reset answering a stray segment,
     * tcp_v4_send_reset, has window 0).
     */
    private void sendActiveReset(final TcpSocket socket, final Tcb tcb)
    {
        sendReset(socket.localAddress, socket.remoteAddress, socket.localPort, socket.remotePort, tcb.sndNxt,
            tcb.rcvNxt, true, windowToAdvertise(socket, tcb), tcb);
    }

    /**
     * A reset with {@code window}; with {@code connection} (an active reset, Linux's tcp_send_active_reset through
     * tcp_transmit_skb) it carries the timestamp option the connection uses, which a reset answering a segment
     * (tcp_v4_send_reset, {@code connection} null) does not.
     */
    private void sendReset(final int source, final int destination, final int sourcePort, final int destinationPort,
        final int seq, final int ack, final boolean withAck, final int window, final Tcb connection)
    {
        final boolean timestamps = connection != null && connection.timestampsOk;
        final int optionsLength = timestamps ? TcpSegment.TIMESTAMP_BLOCK : 0;
        final int headerLength = TcpSegment.HEADER_LENGTH + optionsLength;
        // An active reset goes out through the connection (tcp_transmit_skb: its IP_TOS and IP_TTL); an answering one
        // from the control socket with the defaults.
        final TcpSocket owner = connection != null ? connection.socket : null;
        if (beginSegment(source, destination, sourcePort, destinationPort, headerLength,
            owner != null ? owner.ipTos : 0, owner != null ? owner.ipTtl : SocketConstants.DEFAULT_TTL) < 0)
        {
            return;
        }
        out.emit(sourcePort, destinationPort, seq, withAck ? ack : 0,
            TcpSegment.RST | (withAck ? TcpSegment.ACK : 0), window, optionsLength);
        if (connection != null)
        {
            markUrgent(connection, seq);
        }
        if (timestamps)
        {
            out.writeOptions(-1, false, true, tsVal(connection), connection.tsRecent, -1);
        }
        output.commit(claim, TcpSegment.CHECKSUM);
        stack.stats().resetsSent++;
        stack.stats().segmentsSent++;
    }

    /** A reset answering {@code seg}, sent back to where it came from. */
    private void sendResetFor(final InboundSegment seg, final int seq, final int ack, final boolean withAck)
    {
        sendReset(seg.destination, seg.source, seg.destinationPort, seg.sourcePort, seq, ack, withAck);
    }

    /**
     * Starts a segment of {@code length} TCP bytes (header, options, payload) in the transmit buffer: the IPv4
     * header, the per-packet CPU cost, {@link #out} over it. Returns 0, or -errno when it cannot be sent.
     */
    private int beginSegment(final int source, final int destination, final int sourcePort,
        final int destinationPort, final int length, final int tos, final int ttl)
    {
        final int begun = output.claim(claim, source, destination, Ipv4Packet.PROTOCOL_TCP, length,
            FlowHash.of(source, destination, sourcePort, destinationPort), tos, ttl);
        if (begun < 0)
        {
            return begun;
        }
        stack.cpu().charge(CpuUse.STACK, stack.cpu().costs().stackTxPacketPs());
        out.wrap(claim.memory(), claim.transportOffset(), length);
        return 0;
    }

    /** RFC 7323 timestamp clock: milliseconds plus the connection's offset. */
    private int tsNow(final int offset)
    {
        return (int) (stack.sim().now() / Time.MS) + offset;
    }

    /**
     * The TSval for a segment of {@code tcb}: the clock, but never less than one the connection sent before. Linux's
     * clock is monotonic; here a segment built in an event that started later can read an earlier time (the time an
     * event's code runs on by its CPU cost), and a TSval a tick behind the last one would be dropped by PAWS.
     */
    private int tsVal(final Tcb tcb)
    {
        final int clock = tsNow(tcb.tsOffset);
        if (tcb.tsValSent && clock - tcb.lastTsVal < 0)
        {
            return tcb.lastTsVal;
        }
        tcb.lastTsVal = clock;
        tcb.tsValSent = true;
        return clock;
    }

    private void rttSample(final Tcb tcb, final long sample)
    {
        // RACK's reordering window and its test of retransmitted deliveries use the minimum (Linux's min_rtt).
        tcb.minRttPs = tcb.minRttPs == 0 ? Math.max(sample, 1) : Math.min(tcb.minRttPs, Math.max(sample, 1));
        RttEstimator.sample(tcb, sample, stack.config().rtoMinPs());
    }

    /* ---------------------------------------------------------------------------------------------------------- */
    /* Timers                                                                                                       */

    void retransmitTimeout(final Tcb tcb)
    {
        stack.enterSoftirq(tcb.core);
        final TcpSocket socket = tcb.socket;
        switch (tcb.state)
        {
            case SYN_SENT:
                synTimeout(socket, tcb);
                break;
            case SYN_RECEIVED:
                if (tcb.passive)
                {
                    synAckTimeout(socket, tcb);
                }
                else
                {
                    synTimeout(socket, tcb);
                }
                break;
            case CLOSED:
            case LISTEN:
            case TIME_WAIT:
                break;
            default:
                if (tcb.reorderTimerArmed)
                {
                    reorderTimeout(socket, tcb);
                }
                else if (tcb.lossProbeArmed)
                {
                    lossProbe(socket, tcb);
                }
                else
                {
                    dataTimeout(socket, tcb);
                }
                break;
        }
        stack.flushTransmit();
        stack.exitSoftirq();
    }

    private void synTimeout(final TcpSocket socket, final Tcb tcb)
    {
        final SynRetransmitPolicy policy = stack.config().synPolicy();
        // tcp_write_timeout: TCP_SYNCNT's retries, and TCP_USER_TIMEOUT from the first SYN once one was resent.
        if (policy.expired(tcb.retransmits, stack.sim().now() - tcb.firstSynTime, tcb.synCount) ||
            userTimedOut(tcb, tcb.firstSynTime))
        {
            timedOut(socket, tcb);
            return;
        }
        tcb.retransmits++;
        retransmitSyn(socket, tcb, tcb.state == TcpState.SYN_RECEIVED, policy.rtoAfter(tcb.retransmits));
        if (tcb.userTimeoutMs > 0)
        {
            stack.sim().reschedule(tcb.retransmitTimer, userTimeoutClamp(tcb, tcb.firstSynTime, tcb.rtoPs, jiffyPs));
        }
    }

    /**
     * Linux's retransmits_timed_out with TCP_USER_TIMEOUT set: something was retransmitted, and the timeout has
     * passed since {@code since}. (Without it the retry counts decide.)
     */
    private boolean userTimedOut(final Tcb tcb, final long since)
    {
        return tcb.retransmits > 0 && userTimeoutPassed(tcb, since);
    }

    /** TCP_USER_TIMEOUT is set and has passed since {@code since}. */
    private boolean userTimeoutPassed(final Tcb tcb, final long since)
    {
        return tcb.userTimeoutMs > 0 && stack.sim().now() - since >= tcb.userTimeoutMs * Time.MS;
    }

    /**
     * When the timer fires next under TCP_USER_TIMEOUT (tcp_clamp_rto_to_user_timeout, and for probes
     * tcp_clamp_probe0_to_user_timeout): after {@code intervalPs}, or when the timeout counted from {@code since}
     * runs out if that is sooner, but not before {@code floorPs}.
     */
    private long userTimeoutClamp(final Tcb tcb, final long since, final long intervalPs, final long floorPs)
    {
        final long now = stack.sim().now();
        final long remaining = since + tcb.userTimeoutMs * Time.MS - now;
        return now + Math.min(intervalPs, Math.max(remaining, floorPs));
    }

    private void synAckTimeout(final TcpSocket socket, final Tcb tcb)
    {
        if (tcb.retransmits >= (socket.parent != null ? synAckRetries(socket.parent) : SYNACK_RETRIES))
        {
            final TcpSocket listener = socket.parent;
            if (listener != null)
            {
                listener.listenQueue.embryoGone();
                socket.parent = null;
            }
            done(socket, tcb);
            return;
        }
        tcb.retransmits++;
        retransmitSyn(socket, tcb, true, RttEstimator.backOff(tcb.rtoPs));
    }

    /**
     * How often a listener resends a SYN-ACK: its TCP_SYNCNT, else {@code tcp_synack_retries} (Linux's
     * {@code reqsk_timer_handler}: {@code icsk_syn_retries ?: sysctl_tcp_synack_retries}).
     */
    private static int synAckRetries(final TcpSocket listener)
    {
        return listener.tcb.synCount > 0 ? listener.tcb.synCount : SYNACK_RETRIES;
    }

    /** The SYN (or SYN-ACK) again, its timer rearmed for {@code rtoPs}: the step both handshake timers share. */
    private void retransmitSyn(final TcpSocket socket, final Tcb tcb, final boolean withAck, final long rtoPs)
    {
        tcb.synRetransmitted = true;
        stack.stats().retransmissions++;
        stack.stats().timeoutRetransmissions++;
        sendSyn(socket, tcb, withAck);
        tcb.rtoPs = rtoPs;
        stack.sim().reschedule(tcb.retransmitTimer, stack.sim().now() + tcb.rtoPs);
    }

    private void dataTimeout(final TcpSocket socket, final Tcb tcb)
    {
        if (tcb.sndMax == tcb.sndUna && tcb.unsent() == 0)
        {
            return;
        }
        if (tcb.sndMax == tcb.sndUna && tcb.sndWnd > 0 && corkedTail(tcb, tcb.unsent()))
        {
            // The probe timer over a corked tail (tcp_probe_timer, tcp_write_wakeup): it goes, as far as the window
            // allows; nothing was lost.
            final int length = Math.min(tcb.unsent(), tcb.sndWnd);
            if (sendData(socket, tcb, tcb.sndNxt, length, false) >= 0)
            {
                advance(tcb, length, false);
            }
            return;
        }
        if (tcb.sndMax == tcb.sndUna && tcb.sndWnd > 0)
        {
            // Nothing in flight and the window open: armed because the device had no room (probeLater). Nothing was
            // lost, so neither the congestion state nor the retry count changes (tcp_probe_timer, local congestion).
            output(socket, tcb);
            return;
        }
        final long now = stack.sim().now();
        if (tcb.sndWnd == 0 && tcb.sndMax == tcb.sndUna)
        {
            // Zero-window probe (Linux's tcp_probe_timer): nothing is in flight, so nothing was lost and the congestion
            // state stays. The interval doubles from the RTO, which itself stays (the probe backoff is apart). It gives
            // up after tcp_retries2 unanswered probes, or with TCP_USER_TIMEOUT once the window has stayed shut that
            // long since the first probe (icsk_probes_tstamp), answered or not.
            if (tcb.retransmits >= stack.config().dataRetries() ||
                tcb.retransStampPs != 0 && userTimeoutPassed(tcb, tcb.retransStampPs))
            {
                timedOut(socket, tcb);
                return;
            }
            if (tcb.retransStampPs == 0)
            {
                tcb.retransStampPs = now;
            }
            tcb.retransmits++;
            tcb.probeBackoff++;
            sendZeroWindowProbe(socket, tcb);
            stack.sim().reschedule(tcb.retransmitTimer, probeTime(tcb));
            return;
        }
        // The peer took back the window under data in flight: Linux's tcp_retransmit_timer ("receiver dastardly
        // shrinks window") resends the first segment as the window probe, and the retry count does not end the
        // connection (tcp_rtx_probe0_timed_out does, below).
        final boolean windowShrunk = tcb.sndWnd == 0;
        if (windowShrunk ? shrunkWindowTimedOut(tcb, now) : tcb.userTimeoutMs > 0 ?
            userTimedOut(tcb, tcb.retransStampPs) : tcb.retransmits >= stack.config().dataRetries())
        {
            // tcp_write_timeout: with TCP_USER_TIMEOUT the time since the first retransmission decides, else the count.
            timedOut(socket, tcb);
            return;
        }
        if (tcb.retransStampPs == 0)
        {
            // retrans_stamp: when the first segment resent was sent. The timer was armed then or at the last ACK,
            // one RTO ago; without a send time per segment, that is the time taken.
            tcb.retransStampPs = now - tcb.rtoPs;
        }
        if (!windowShrunk)
        {
            tcb.retransmits++;
        }
        tcb.congestion.timeout(tcb);
        // tcp_enter_loss: everything not SACKed is lost; the go-back below resends it.
        sentQueue.markAllLost(tcb);
        tcb.tlpOutstanding = false;
        tcb.inRecovery = false;
        tcb.dupAcks = 0;
        tcb.rttTiming = false;
        tcb.rtoPs = RttEstimator.backOff(tcb.rtoPs);
        // Go back to SND.UNA (RFC 6298 §5.4); a FIN not yet acknowledged is sent again after the data.
        tcb.sndNxt = tcb.sndUna;
        if (tcb.finSent)
        {
            tcb.finSent = false;
        }
        if (windowShrunk)
        {
            // The first segment goes whole whatever the window (__tcp_retransmit_skb lets SND.UNA's segment pass).
            final int length = Math.min(currentMss(tcb), tcb.unsent());
            final boolean fin = length == tcb.unsent() && tcb.finQueued;
            if (sendData(socket, tcb, tcb.sndNxt, length, fin) >= 0)
            {
                advance(tcb, length, fin);
            }
        }
        else
        {
            output(socket, tcb);
        }
        stack.sim().reschedule(tcb.retransmitTimer, tcb.userTimeoutMs > 0 ?
            userTimeoutClamp(tcb, tcb.retransStampPs, tcb.rtoPs, jiffyPs) : now + tcb.rtoPs);
    }

    /**
     * Linux's tcp_rtx_probe0_timed_out: a connection whose retransmissions meet a shut window gives up once
     * TCP_USER_TIMEOUT has passed since the first of them, or when nothing has been received for twice TCP_RTO_MAX
     * (or the user timeout, if shorter) and the retransmissions have gone on that long.
     */
    private boolean shrunkWindowTimedOut(final Tcb tcb, final long now)
    {
        final long retransmitting = tcb.retransStampPs == 0 ? 0 : now - tcb.retransStampPs;
        long limit = 2 * RttEstimator.RTO_MAX_PS;
        if (tcb.userTimeoutMs > 0)
        {
            if (retransmitting > tcb.userTimeoutMs * Time.MS)
            {
                return true;
            }
            limit = Math.min(limit, tcb.userTimeoutMs * Time.MS);
        }
        return now - tcb.lastReceivedPs > limit && retransmitting > limit;
    }

    /**
     * TCP_CORK, or a send with MSG_MORE pushing, holds the {@code sendable} bytes that are the tail: shorter than a
     * segment, and no FIN behind them.
     */
    private boolean corkedTail(final Tcb tcb, final int sendable)
    {
        return (tcb.cork || tcb.moreComing) && sendable == tcb.unsent() && sendable < currentMss(tcb) && !tcb.finQueued;
    }

    /** The retransmission timer, one RTO from now. */
    private void armRto(final Tcb tcb)
    {
        tcb.lossProbeArmed = false;
        tcb.reorderTimerArmed = false;
        stack.sim().reschedule(tcb.retransmitTimer, stack.sim().now() + tcb.rtoPs);
    }

    /**
     * Linux's tcp_schedule_loss_probe (RFC 8985 §7.2): on a SACK connection out of recovery with data in flight, the
     * timer becomes a loss probe due 2 SRTT from now, plus 2 ms (TCP_TIMEOUT_MIN) for the peer's ACK timing, or plus
     * the minimum RTO when one segment is in flight (a delayed ACK), and never later than {@code rtoLeftPs} from now,
     * when the RTO would fire. False when no probe applies.
     */
    private boolean scheduleLossProbe(final Tcb tcb, final long rtoLeftPs)
    {
        final int inFlight = tcb.sndMax - tcb.sndUna;
        // Not in recovery, nor after a timeout while what it sent again is unacknowledged (Linux's Loss state), and
        // one probe per tail: with one out, the RTO stands (Linux's probe timer then only re-arms it).
        // Nor with SACKed or retransmitted data in flight (Linux's Disorder state) or RACK's reordering timer set.
        if (!stack.config().tailLossProbe() || !tcb.sackOk || tcb.inRecovery || tcb.retransmits > 0 ||
            tcb.tlpOutstanding || tcb.sndNxt != tcb.sndMax || inFlight == 0 || !tcb.state.synchronizedState() ||
            tcb.disorder() || tcb.reorderTimerArmed)
        {
            return false;
        }
        final long timeout = tcb.srttPs == 0 ? RttEstimator.INITIAL_RTO_PS : 2 * tcb.srttPs +
            (inFlight <= tcb.sendMss ? stack.config().rtoMinPs() : timeoutMinPs);
        tcb.lossProbeArmed = true;
        stack.sim().reschedule(tcb.retransmitTimer, stack.sim().now() + (rtoLeftPs > 0 ?
            Math.min(timeout, rtoLeftPs) : timeout));
        return true;
    }

    /**
     * Linux's tcp_send_loss_probe (RFC 8985 §7.3): new data if the peer's window takes a segment of it, else the last
     * segment again; at most one probe until what was sent by then is acknowledged. The RTO follows from now.
     */
    private void lossProbe(final TcpSocket socket, final Tcb tcb)
    {
        if (!tcb.tlpOutstanding)
        {
            final int mss = currentMss(tcb);
            final int inFlight = tcb.sndNxt - tcb.sndUna;
            final int fresh = Math.min(tcb.unsent(), mss);
            int sent = -1;
            if (fresh > 0 && !tcb.finSent && inFlight + fresh <= tcb.sndWnd)
            {
                final boolean fin = fresh == tcb.unsent() && tcb.finQueued;
                sent = sendData(socket, tcb, tcb.sndNxt, fresh, fin);
                if (sent >= 0)
                {
                    advance(tcb, fresh, fin);
                }
            }
            else
            {
                final int dataEnd = tcb.finSent ? tcb.finSeq : tcb.sndMax;
                final int length = Math.min(mss, dataEnd - tcb.sndUna);
                if (length > 0 || tcb.finSent)
                {
                    sent = sendData(socket, tcb, dataEnd - length, length, tcb.finSent);
                    if (sent >= 0)
                    {
                        stack.stats().retransmissions++;
                        if (tcb.sackOk)
                        {
                            sentQueue.resent(tcb, dataEnd - length, tcb.sndMax, sendStamp(tcb));
                        }
                    }
                }
            }
            if (sent >= 0)
            {
                tcb.tlpOutstanding = true;
                tcb.tlpHighSeq = tcb.sndNxt;
                stack.stats().lossProbes++;
            }
        }
        armRto(tcb);
    }

    /**
     * When the next zero-window probe goes (tcp_probe0_when, tcp_clamp_probe0_to_user_timeout): the RTO doubled per
     * probe sent since the window shut (answered or not), at most RTO_MAX, and not past TCP_USER_TIMEOUT.
     */
    private long probeTime(final Tcb tcb)
    {
        final long interval = Math.min(tcb.rtoPs << Math.min(tcb.probeBackoff, 16), RttEstimator.RTO_MAX_PS);
        return tcb.userTimeoutMs > 0 ? userTimeoutClamp(tcb, tcb.retransStampPs, interval, timeoutMinPs) :
            stack.sim().now() + interval;
    }

    /** tcp_write_err: the connection is given up, with ETIMEDOUT unless a recorded soft error (an ICMP) says more. */
    private void timedOut(final TcpSocket socket, final Tcb tcb)
    {
        socket.error = socket.softError != 0 ? socket.softError : Errno.ETIMEDOUT;
        done(socket, tcb);
    }

    /* Keepalive: Linux's tcp_set_keepalive, tcp_sock_set_keepidle and tcp_keepalive_timer. */

    private static long keepIdlePs(final Tcb tcb)
    {
        return (tcb.keepIdleSeconds > 0 ? tcb.keepIdleSeconds : KEEPALIVE_IDLE_SECONDS) * Time.S;
    }

    private static long keepIntervalPs(final Tcb tcb)
    {
        return (tcb.keepIntervalSeconds > 0 ? tcb.keepIntervalSeconds : KEEPALIVE_INTERVAL_SECONDS) * Time.S;
    }

    /** TCP_KEEPCNT, or the default. */
    public static int keepCount(final Tcb tcb)
    {
        return tcb.keepCount > 0 ? tcb.keepCount : KEEPALIVE_PROBES;
    }

    /** TCP_KEEPIDLE, or the default, in seconds. */
    public static int keepIdleSeconds(final Tcb tcb)
    {
        return (int) (keepIdlePs(tcb) / Time.S);
    }

    /** TCP_KEEPINTVL, or the default, in seconds. */
    public static int keepIntervalSeconds(final Tcb tcb)
    {
        return (int) (keepIntervalPs(tcb) / Time.S);
    }

    /** SO_KEEPALIVE: turning it on arms the timer for the idle time from now, off stops it. */
    public void setKeepalive(final TcpSocket socket, final boolean on)
    {
        final Tcb tcb = socket.tcb;
        if (on && !tcb.keepalive && keepaliveApplies(tcb))
        {
            stack.sim().reschedule(tcb.keepaliveTimer, stack.sim().now() + keepIdlePs(tcb));
        }
        else if (!on)
        {
            stack.sim().cancel(tcb.keepaliveTimer);
        }
        tcb.keepalive = on;
    }

    /** TCP_KEEPIDLE: a running timer is moved to the new idle time after the peer was last heard from. */
    public void setKeepIdle(final TcpSocket socket, final int seconds)
    {
        final Tcb tcb = socket.tcb;
        tcb.keepIdleSeconds = seconds;
        if (tcb.keepalive && keepaliveApplies(tcb))
        {
            final long idle = stack.sim().now() - tcb.lastReceivedPs;
            stack.sim().reschedule(tcb.keepaliveTimer, stack.sim().now() + Math.max(0, keepIdlePs(tcb) - idle));
        }
    }

    /** Linux runs the keepalive timer in every state but CLOSE, LISTEN and SYN_SENT. */
    private static boolean keepaliveApplies(final Tcb tcb)
    {
        return tcb.state != TcpState.CLOSED && tcb.state != TcpState.LISTEN && tcb.state != TcpState.SYN_SENT &&
            tcb.state != TcpState.SYN_RECEIVED;
    }

    void keepaliveTimeout(final Tcb tcb)
    {
        stack.enterSoftirq(tcb.core);
        if (tcb.keepalive && keepaliveApplies(tcb))
        {
            keepalive(tcb.socket, tcb);
        }
        stack.flushTransmit();
        stack.exitSoftirq();
    }

    private void keepalive(final TcpSocket socket, final Tcb tcb)
    {
        final long now = stack.sim().now();
        long next;
        if (tcb.sndMax != tcb.sndUna || tcb.unsent() > 0)
        {
            // Data outstanding: the retransmission timer watches the peer.
            next = keepIntervalPs(tcb);
        }
        else if (now - tcb.lastReceivedPs >= keepIdlePs(tcb))
        {
            // tcp_keepalive_timer: TCP_USER_TIMEOUT, counted from the last segment received, replaces TCP_KEEPCNT.
            if (tcb.userTimeoutMs > 0 ? tcb.keepaliveProbes > 0 && userTimeoutPassed(tcb, tcb.lastReceivedPs) :
                tcb.keepaliveProbes >= keepCount(tcb))
            {
                // No answer to the probes: reset and ETIMEDOUT (tcp_send_active_reset, tcp_write_err).
                sendActiveReset(socket, tcb);
                timedOut(socket, tcb);
                return;
            }
            sendZeroWindowProbe(socket, tcb);
            tcb.keepaliveProbes++;
            next = keepIntervalPs(tcb);
        }
        else
        {
            next = keepIdlePs(tcb) - (now - tcb.lastReceivedPs);
        }
        stack.sim().reschedule(tcb.keepaliveTimer, now + next);
    }

    /**
     * A zero-window probe as Linux's tcp_xmit_probe_skb: no data and sequence number SND.UNA - 1, already
     * acknowledged, which the peer answers with an ACK carrying its window (RFC 9293 §3.8.6.1 lets a probe carry one
     * byte beyond the window instead; Linux does not). The keepalive probe is the same segment. With an urgent mark
     * less than 64 KiB ahead, {@code tcp_write_wakeup} sends one from SND.UNA first, which carries URG too.
     */
    private void sendZeroWindowProbe(final TcpSocket socket, final Tcb tcb)
    {
        if (tcb.urgent.markWithinProbe(tcb.sndUna))
        {
            sendData(socket, tcb, tcb.sndUna, 0, false);
        }
        sendData(socket, tcb, tcb.sndUna - 1, 0, false);
    }

    void delayedAckTimeout(final Tcb tcb)
    {
        stack.enterSoftirq(tcb.core);
        if (tcb.state.synchronizedState() && tcb.ackTiming.timerFired(tcb.rtoPs, stack.config().delayedAckPs()))
        {
            sendAck(tcb.socket, tcb);
        }
        stack.flushTransmit();
        stack.exitSoftirq();
    }

    void closeTimeout(final Tcb tcb)
    {
        stack.enterSoftirq(tcb.core);
        if (tcb.state == TcpState.FIN_WAIT_2)
        {
            done(tcb.socket, tcb);
        }
        stack.exitSoftirq();
    }

    /* ---------------------------------------------------------------------------------------------------------- */
    /* State changes                                                                                                */

    /**
     * Linux's {@code tcp_time_wait}: the connection's 4-tuple, port and last sequence numbers go on in a small
     * {@link TimeWaitSock} for the 2 MSL, and the socket itself is done (CLOSED; back to the pool once the
     * application has closed it).
     */
    private void enterTimeWait(final TcpSocket socket, final Tcb tcb)
    {
        setState(socket, TcpState.TIME_WAIT);
        final TimeWaitSock timeWait = timeWaits.take();
        timeWait.localAddress = socket.localAddress;
        timeWait.remoteAddress = socket.remoteAddress;
        timeWait.remotePort = socket.remotePort;
        timeWait.reuseAddress = socket.reuseAddress;
        timeWait.reusePort = socket.reusePort;
        timeWait.sndNxt = tcb.sndNxt;
        timeWait.rcvNxt = tcb.rcvNxt;
        timeWait.window = windowToAdvertise(socket, tcb);
        timeWait.tos = socket.ipTos;
        timeWait.timestampsOk = tcb.timestampsOk;
        timeWait.tsRecent = tcb.tsRecent;
        timeWait.tsRecentStamp = tcb.tsRecentStamp;
        timeWait.tsOffset = tcb.tsOffset;
        final int port = socket.localPort;
        final boolean byConnect = socket.portByConnect;
        connections.remove(socket);
        done(socket, tcb);
        ports.add(timeWait, port, byConnect);
        connections.add(timeWait);
        stack.sim().schedule(timeWait.timer, stack.sim().now() + stack.config().timeWaitPs());
    }

    /** A minisock leaves the connection table, its timer cancelled ({@code inet_csk_reqsk_queue_drop},
     *  {@code inet_twsk_deschedule_put}). */
    private void unhash(final MiniSock record)
    {
        stack.sim().cancel(record.timer);
        connections.remove(record);
    }

    /** TIME_WAIT's 2 MSL are over. */
    void timeWaitExpired(final TimeWaitSock timeWait)
    {
        stack.enterSoftirq();
        endTimeWait(timeWait);
        stack.exitSoftirq();
    }

    /** Ends a TIME_WAIT (expired, reset, or taken over by a new connection): the tuple and port are free. */
    private void endTimeWait(final TimeWaitSock timeWait)
    {
        ports.remove(timeWait);
        unhash(timeWait);
        timeWaits.give(timeWait);
    }

    /** Linux's {@code tcp_reset}: the errno depends on the state the reset arrived in. */
    private void reset(final TcpSocket socket, final Tcb tcb)
    {
        switch (tcb.state)
        {
            case SYN_SENT:
                socket.error = Errno.ECONNREFUSED;
                break;
            case CLOSE_WAIT:
                socket.error = Errno.EPIPE;
                break;
            case CLOSED:
            case TIME_WAIT:
            case CLOSING:
            case LAST_ACK:
                break;
            default:
                socket.error = Errno.ECONNRESET;
                break;
        }
        stack.stats().resetsReceived++;
        done(socket, tcb);
    }

    /**
     * Linux's {@code tcp_done}: CLOSED, timers stopped, out of the connection table, the port released unless bind()
     * chose it, both directions shut; a socket the application no longer holds goes back to the pool.
     */
    public void done(final TcpSocket socket, final Tcb tcb)
    {
        setState(socket, TcpState.CLOSED);
        stack.sim().cancel(tcb.retransmitTimer);
        stack.sim().cancel(tcb.delayedAckTimer);
        stack.sim().cancel(tcb.closeTimer);
        stack.sim().cancel(tcb.keepaliveTimer);
        connections.remove(socket);
        if (!socket.portLocked)
        {
            ports.remove(socket);
            socket.localPort = 0;
        }
        socket.shutdown = TcpSocket.SHUTDOWN_MASK;
        if (socket.parent != null)
        {
            socket.parent.listenQueue.embryoGone();
            socket.parent = null;
        }
        if (!socket.owned && socket.open)
        {
            ports.remove(socket);
            sockets.free(socket);
        }
    }

    private void setState(final TcpSocket socket, final TcpState state)
    {
        final TcpState old = socket.tcb.state;
        socket.tcb.state = state;
        if (old == TcpState.LISTEN && state != TcpState.LISTEN)
        {
            listeners.remove(socket);
        }
        else if (state == TcpState.LISTEN && old != TcpState.LISTEN)
        {
            listeners.add(socket);
        }
        socket.readinessChanged();
        if (old != state && stack.trace().enabled())
        {
            stack.trace().add(stack.sim().now(), stack.name(), EventTrace.Kind.STATE,
                Ipv4Address.format(socket.localAddress) + ":" + socket.localPort + " > " +
                    Ipv4Address.format(socket.remoteAddress) + ":" + socket.remotePort + " " + old + " -> " + state);
        }
    }
}
