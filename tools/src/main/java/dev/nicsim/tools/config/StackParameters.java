package dev.nicsim.tools.config;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.context.CongestionAlgorithm;
import dev.nicsim.stack.context.IcmpErrorPolicy;
import dev.nicsim.stack.context.StackConfig;
import dev.nicsim.stack.context.SynRetransmitPolicy;

import java.util.List;

/**
 * The stack's parameters (TCP, ARP) and how they become a {@link StackConfig}. Defaults come from
 * {@link StackConfig#defaults()}, which follows Linux's sysctls.
 */
public final class StackParameters
{
    public static final String SYN_PROFILE = "tcp.syn_profile";
    public static final String ICMP_POLICY = "tcp.icmp_errors";
    public static final String TIMESTAMPS = "tcp.timestamps";
    public static final String SACK = "tcp.sack";
    public static final String WINDOW_SCALING = "tcp.window_scaling";
    public static final String WINDOW_SCALE = "tcp.window_scale";
    public static final String SEND_BUFFER = "tcp.send_buffer_bytes";
    public static final String RECEIVE_BUFFER = "tcp.receive_buffer_bytes";
    public static final String RTO_MIN = "tcp.rto_min_ms";
    public static final String DELAYED_ACK = "tcp.delayed_ack_ms";
    public static final String TIME_WAIT = "tcp.time_wait_s";
    public static final String EPHEMERAL_LOW = "tcp.ephemeral_low";
    public static final String EPHEMERAL_HIGH = "tcp.ephemeral_high";
    public static final String SYN_COOKIES = "tcp.syncookies";
    public static final String ABORT_ON_OVERFLOW = "tcp.abort_on_overflow";
    public static final String GRO = "stack.gro";
    public static final String CONGESTION_CONTROL = "tcp.congestion_control";
    public static final String TAIL_LOSS_PROBE = "tcp.tail_loss_probe";
    public static final String HZ = "stack.hz";
    public static final String ARP_PROBES = "arp.probes";
    public static final String ARP_RETRANSMIT = "arp.retransmit_ms";

    private static final List<String> SYN_PROFILES = List.of("linux", "rfc6298", "rfc9293");
    private static final List<String> ICMP_POLICIES = List.of("linux", "rfc9293");
    private static final List<String> CONGESTION_CONTROLS = List.of("cubic", "newreno");
    private static final List<String> HZ_VALUES = StackConfig.HZ_VALUES.stream().map(String::valueOf).toList();

    private StackParameters()
    {
    }

    public static List<Parameter> all()
    {
        final StackConfig stack = StackConfig.defaults();
        return List.of(
            Parameter.choice(SYN_PROFILE, "linux", SYN_PROFILES, "SYN retransmission schedule: linux (>= 6.5: " +
                "0,1,2,3,4,5,7,11,19,35,67 s, gives up at ~131 s), rfc6298 (doubling from 1 s, ~127 s), rfc9293 " +
                "(at least 3 minutes, MUST-23)"),
            Parameter.choice(ICMP_POLICY, "linux", ICMP_POLICIES, "soft ICMP errors while connecting: linux aborts " +
                "the attempt (RFC 5461), rfc9293 keeps retrying (MUST-56)"),
            Parameter.bool(TIMESTAMPS, stack.timestamps(), "offer TCP timestamps in SYNs (tcp_timestamps)"),
            Parameter.bool(SACK, stack.sack(), "offer SACK in SYNs (tcp_sack)"),
            Parameter.bool(WINDOW_SCALING, stack.windowScaling(), "offer window scaling in SYNs " +
                "(tcp_window_scaling)"),
            Parameter.integer(WINDOW_SCALE, stack.windowScale(), "", 0, 14, "window scale shift offered in the SYN"),
            Parameter.integer(SEND_BUFFER, stack.tcpSendBuffer(), "bytes", 4096, 16 << 20, "TCP send buffer"),
            Parameter.integer(RECEIVE_BUFFER, stack.tcpReceiveBuffer(), "bytes", 4096, 16 << 20,
                "TCP receive buffer"),
            Parameter.decimal(RTO_MIN, stack.rtoMinPs() / (double) Time.MS, "ms", 1, 60_000,
                "minimum retransmission timeout (Linux 200 ms)"),
            Parameter.decimal(DELAYED_ACK, stack.delayedAckPs() / (double) Time.MS, "ms", 0, 500,
                "delayed ACK timer"),
            Parameter.decimal(TIME_WAIT, stack.timeWaitPs() / (double) Time.S, "s", 0, 600, "TIME_WAIT duration"),
            Parameter.integer(EPHEMERAL_LOW, stack.ephemeralLow(), "", 1024, 65535,
                "lowest ephemeral port (ip_local_port_range)"),
            Parameter.integer(EPHEMERAL_HIGH, stack.ephemeralHigh(), "", 1024, 65535, "highest ephemeral port"),
            Parameter.bool(SYN_COOKIES, stack.synCookies(), "answer SYNs with cookies when a listener's SYN queue " +
                "is full (tcp_syncookies=1)"),
            Parameter.bool(ABORT_ON_OVERFLOW, stack.abortOnOverflow(), "reset a handshake whose final ACK finds " +
                "the accept queue full (tcp_abort_on_overflow; off drops the ACK and lets the SYN-ACK retry)"),
            Parameter.bool(GRO, stack.gro(), "generic receive offload: in-order TCP segments of a flow received in " +
                "one NAPI poll go up the stack as one packet of up to 64 KiB (ethtool -K gro; Linux's default is on)"),
            Parameter.choice(CONGESTION_CONTROL, "cubic", CONGESTION_CONTROLS, "congestion control " +
                "(tcp_congestion_control): cubic (RFC 9438, Linux's default) or newreno (RFC 5681/6582)"),
            Parameter.bool(TAIL_LOSS_PROBE, stack.tailLossProbe(), "tail loss probe on SACK connections (RFC 8985; " +
                "tcp_early_retrans=3, Linux's default): a lost tail is found 2 SRTT + 2 ms after the last ACK, not by " +
                "the RTO"),
            Parameter.choice(HZ, Integer.toString(stack.hz()), HZ_VALUES, "the kernel's timer frequency " +
                "(CONFIG_HZ): the jiffy that TCP's shortest timers, GRO's age, SO_RCVTIMEO and SO_SNDTIMEO round to " +
                "(1000 as Fedora's and Ubuntu's kernels, 250 as Debian's)"),
            Parameter.integer(ARP_PROBES, stack.arpProbes(), "", 1, 100,
                "ARP requests before giving up (mcast_solicit)"),
            Parameter.decimal(ARP_RETRANSMIT, stack.arpRetransmitPs() / (double) Time.MS, "ms", 1, 60_000,
                "time between ARP requests (retrans_time)"));
    }

    /** The stack configuration of host number {@code index}, its secrets seeded from the run's seed. */
    public static StackConfig stack(final Settings settings, final int index)
    {
        final StackConfig defaults = StackConfig.defaults();
        return StackConfig.defaults()
            .withSynPolicy(switch (settings.text(SYN_PROFILE))
            {
                case "rfc6298" -> SynRetransmitPolicy.RFC6298;
                case "rfc9293" -> SynRetransmitPolicy.RFC9293;
                default -> SynRetransmitPolicy.LINUX;
            })
            .withIcmpErrorPolicy(settings.text(ICMP_POLICY).equals("rfc9293") ? IcmpErrorPolicy.RFC9293_SOFT :
                IcmpErrorPolicy.LINUX_ABORT_WHILE_CONNECTING)
            .withTimestamps(settings.bool(TIMESTAMPS))
            .withSack(settings.bool(SACK))
            .withWindowScaling(settings.bool(WINDOW_SCALING))
            .withWindowScale(settings.integer32(WINDOW_SCALE))
            .withBuffers(settings.integer32(SEND_BUFFER), settings.integer32(RECEIVE_BUFFER),
                defaults.udpReceiveBuffer())
            .withRtoMinPs(Math.round(settings.decimal(RTO_MIN) * Time.MS))
            .withDelayedAckPs(Math.round(settings.decimal(DELAYED_ACK) * Time.MS))
            .withTimeWaitPs(Math.round(settings.decimal(TIME_WAIT) * Time.S))
            .withEphemeralRange(settings.integer32(EPHEMERAL_LOW), settings.integer32(EPHEMERAL_HIGH))
            .withSynCookies(settings.bool(SYN_COOKIES))
            .withAbortOnOverflow(settings.bool(ABORT_ON_OVERFLOW))
            .withGro(settings.bool(GRO))
            .withTailLossProbe(settings.bool(TAIL_LOSS_PROBE))
            .withHz(Integer.parseInt(settings.text(HZ)))
            .withCongestionControl(settings.text(CONGESTION_CONTROL).equals("newreno") ? CongestionAlgorithm.NEWRENO :
                CongestionAlgorithm.CUBIC)
            .withArp(defaults.arpReachablePs(), Math.round(settings.decimal(ARP_RETRANSMIT) * Time.MS),
                settings.integer32(ARP_PROBES))
            .withSeed(settings.integer(PlatformParameters.SEED) * 0x9E37_79B9L + index);
    }
}
