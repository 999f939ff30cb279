package dev.nicsim.stack.context;

import dev.nicsim.hw.sim.Time;

import java.util.List;
import java.util.function.Consumer;

/**
 * A stack's tunables, with Linux's defaults where Linux has one (each named after its sysctl; see each wither).
 * Immutable, like every configuration of the project: {@link #defaults()} and a {@code with...} per setting. The
 * constructor rejects values outside what the stack can honour, saying which range is allowed.
 */
public record StackConfig(SynRetransmitPolicy synPolicy, IcmpErrorPolicy icmpErrorPolicy, TimeWaitReuse timeWaitReuse,
    int ephemeralLow, int ephemeralHigh, int tcpSendBuffer, int tcpReceiveBuffer, int udpReceiveBuffer,
    int windowScale, boolean timestamps, boolean sack, boolean windowScaling, long timeWaitPs, long finTimeoutPs,
    long delayedAckPs, long rtoMinPs, int dataRetries, long challengeAckIntervalPs, int somaxconn, long arpReachablePs,
    long arpRetransmitPs, int arpProbes, int arpQueueFrames, long reassemblyTimeoutPs, int reassemblySlots,
    int maxSockets, int openFilesPerProcess, long socketMemoryBytes, boolean synCookies, boolean abortOnOverflow,
    boolean gro, boolean tailLossProbe, CongestionAlgorithm congestionControl, int hz, long seed)
{
    /** The timer frequencies a kernel may be built with whose tick is a whole number of picoseconds. */
    public static final List<Integer> HZ_VALUES = List.of(100, 250, 1000);

    public StackConfig
    {
        require(synPolicy, "synPolicy");
        require(icmpErrorPolicy, "icmpErrorPolicy");
        require(timeWaitReuse, "timeWaitReuse");
        require(congestionControl, "congestionControl");
        if (ephemeralLow < 1 || ephemeralHigh > 65535 || ephemeralLow > ephemeralHigh)
        {
            throw new IllegalArgumentException("ephemeral port range must satisfy 1 <= low <= high <= 65535, got " +
                ephemeralLow + "-" + ephemeralHigh);
        }
        range("tcpSendBuffer", tcpSendBuffer, 4096, 1 << 24);
        range("tcpReceiveBuffer", tcpReceiveBuffer, 4096, 1 << 24);
        range("udpReceiveBuffer", udpReceiveBuffer, 4096, 1 << 24);
        range("windowScale", windowScale, 0, 14);
        notNegative("timeWaitPs", timeWaitPs);
        positive("finTimeoutPs", finTimeoutPs);
        notNegative("delayedAckPs", delayedAckPs);
        positive("rtoMinPs", rtoMinPs);
        range("dataRetries", dataRetries, 1, 255);
        if (challengeAckIntervalPs < 0)
        {
            throw new IllegalArgumentException("challengeAckIntervalPs must not be negative, got " +
                challengeAckIntervalPs);
        }
        range("somaxconn", somaxconn, 0, 1 << 24);
        positive("arpReachablePs", arpReachablePs);
        positive("arpRetransmitPs", arpRetransmitPs);
        range("arpProbes", arpProbes, 1, 100);
        range("arpQueueFrames", arpQueueFrames, 1, 1 << 16);
        positive("reassemblyTimeoutPs", reassemblyTimeoutPs);
        range("reassemblySlots", reassemblySlots, 1, 256);
        range("maxSockets", maxSockets, 1, 1 << 24);
        range("openFilesPerProcess", openFilesPerProcess, 4, 1 << 24);
        if (!HZ_VALUES.contains(hz))
        {
            throw new IllegalArgumentException("hz must be one of " + HZ_VALUES + " (CONFIG_HZ), got " + hz);
        }
        if (socketMemoryBytes < 4096 || socketMemoryBytes > (1L << 40))
        {
            throw new IllegalArgumentException("socketMemoryBytes must be in [4096, 2^40], got " + socketMemoryBytes);
        }
    }

    /** Linux's defaults. */
    public static StackConfig defaults()
    {
        return new StackConfig(SynRetransmitPolicy.LINUX, IcmpErrorPolicy.LINUX_ABORT_WHILE_CONNECTING,
            TimeWaitReuse.LOOPBACK_ONLY, 32768, 60999, 64 * 1024, 64 * 1024, 64 * 1024, 7, true, true, true,
            // ARP holds up to 101 packets per unresolved neighbour: Linux's unres_qlen as derived from the default
            // unres_qlen_bytes (212 992) since 3.3 (the 3 of older kernels dropped all but 3 of a burst of connects).
            60 * Time.S, 60 * Time.S, 40 * Time.MS, 200 * Time.MS, 15, 500 * Time.MS, 4096, 30 * Time.S, Time.S, 3, 101,
            30 * Time.S, 8, 1 << 20, 1024, 768L << 20, true, false, false, true, CongestionAlgorithm.CUBIC, 1000,
            0x6E_6963_7369_6DL);
    }

    public StackConfig withSynPolicy(final SynRetransmitPolicy policy)
    {
        return with(c -> c.synPolicy = policy);
    }

    public StackConfig withIcmpErrorPolicy(final IcmpErrorPolicy policy)
    {
        return with(c -> c.icmpErrorPolicy = policy);
    }

    public StackConfig withTimeWaitReuse(final TimeWaitReuse reuse)
    {
        return with(c -> c.timeWaitReuse = reuse);
    }

    /** {@code net.ipv4.ip_local_port_range}: inclusive bounds, default 32768-60999. */
    public StackConfig withEphemeralRange(final int low, final int high)
    {
        return with(c ->
        {
            c.ephemeralLow = low;
            c.ephemeralHigh = high;
        });
    }

    /** Socket buffer sizes in bytes, each in [4 KiB, 16 MiB]. */
    public StackConfig withBuffers(final int tcpSend, final int tcpReceive, final int udpReceive)
    {
        return with(c ->
        {
            c.tcpSendBuffer = tcpSend;
            c.tcpReceiveBuffer = tcpReceive;
            c.udpReceiveBuffer = udpReceive;
        });
    }

    /** The window-scale shift offered in SYNs (Linux derives 7 from its default tcp_rmem). */
    public StackConfig withWindowScale(final int shift)
    {
        return with(c -> c.windowScale = shift);
    }

    /** Whether SYNs offer (and SYN-ACKs accept) TCP timestamps ({@code net.ipv4.tcp_timestamps}, on). */
    public StackConfig withTimestamps(final boolean enabled)
    {
        return with(c -> c.timestamps = enabled);
    }

    /** Whether SYNs offer (and SYN-ACKs accept) SACK ({@code net.ipv4.tcp_sack}, on). */
    public StackConfig withSack(final boolean enabled)
    {
        return with(c -> c.sack = enabled);
    }

    /** Whether SYNs offer (and SYN-ACKs accept) window scaling ({@code net.ipv4.tcp_window_scaling}, on). */
    public StackConfig withWindowScaling(final boolean enabled)
    {
        return with(c -> c.windowScaling = enabled);
    }

    /** TIME_WAIT duration ({@code TCP_TIMEWAIT_LEN}, 60 s); 0 frees the 4-tuple as soon as the close completes. */
    public StackConfig withTimeWaitPs(final long ps)
    {
        return with(c -> c.timeWaitPs = ps);
    }

    /** How long an orphaned FIN_WAIT_2 lingers ({@code tcp_fin_timeout}, 60 s). */
    public StackConfig withFinTimeoutPs(final long ps)
    {
        return with(c -> c.finTimeoutPs = ps);
    }

    /** Delayed-ACK timeout ({@code TCP_DELACK_MIN}, 40 ms). */
    public StackConfig withDelayedAckPs(final long ps)
    {
        return with(c -> c.delayedAckPs = ps);
    }

    /** Lower bound on the data RTO ({@code TCP_RTO_MIN}, 200 ms; RFC 6298 says 1 s). */
    public StackConfig withRtoMinPs(final long ps)
    {
        return with(c -> c.rtoMinPs = ps);
    }

    /** Data retransmissions before ETIMEDOUT ({@code tcp_retries2}, 15). */
    public StackConfig withDataRetries(final int retries)
    {
        return with(c -> c.dataRetries = retries);
    }

    /** Per-socket rate limit of RFC 5961 challenge ACKs ({@code tcp_invalid_ratelimit}, 500 ms). */
    public StackConfig withChallengeAckIntervalPs(final long ps)
    {
        return with(c -> c.challengeAckIntervalPs = ps);
    }

    /**
     * ARP timing: how long a reply stays fresh ({@code base_reachable_time}, 30 s), the gap between requests
     * ({@code retrans_time}, 1 s) and how many requests before giving up ({@code mcast_solicit}, 3).
     */
    public StackConfig withArp(final long reachablePs, final long retransmitPs, final int probes)
    {
        return with(c ->
        {
            c.arpReachablePs = reachablePs;
            c.arpRetransmitPs = retransmitPs;
            c.arpProbes = probes;
        });
    }

    /** Fragment reassembly: timeout ({@code ipfrag_time}, 30 s) and datagrams reassembled at once (memory bound). */
    public StackConfig withReassembly(final long timeoutPs, final int slots)
    {
        return with(c ->
        {
            c.reassemblyTimeoutPs = timeoutPs;
            c.reassemblySlots = slots;
        });
    }

    /**
     * Sockets open at once on the host ({@code fs.file-max}): socket() and accept() past it fail with ENFILE.
     * Connections in TIME_WAIT and in the SYN queue are small records, not sockets, and do not count.
     */
    public StackConfig withMaxSockets(final int count)
    {
        return with(c -> c.maxSockets = count);
    }

    /** Descriptors per process ({@code RLIMIT_NOFILE}, Linux's default soft limit 1024): past it, EMFILE. */
    public StackConfig withOpenFilesPerProcess(final int count)
    {
        return with(c -> c.openFilesPerProcess = count);
    }

    /**
     * Socket buffer memory of the host ({@code tcp_mem[2]}, the hard limit; Linux sizes it from RAM, 768 MiB on an
     * 8 GiB host). Past it buffers stop growing: sends wait (EAGAIN when non-blocking), received data is dropped.
     */
    public StackConfig withSocketMemoryBytes(final long bytes)
    {
        return with(c -> c.socketMemoryBytes = bytes);
    }

    /** SYN cookies when a listener's SYN queue is full ({@code net.ipv4.tcp_syncookies=1}, Linux's default). */
    public StackConfig withSynCookies(final boolean enabled)
    {
        return with(c -> c.synCookies = enabled);
    }

    /**
     * What a full accept queue does to the handshake's final ACK ({@code net.ipv4.tcp_abort_on_overflow}): false
     * (Linux's default) drops it, so the client's retransmission or the SYN-ACK's retry completes the handshake
     * later; true answers it with a reset.
     */
    public StackConfig withAbortOnOverflow(final boolean enabled)
    {
        return with(c -> c.abortOnOverflow = enabled);
    }

    /**
     * Generic receive offload in each interface's receive path ({@code ethtool -K eth0 gro on}): in-order TCP
     * segments of a flow that arrive in one NAPI poll go up the stack as one packet. Off by default here (Linux has
     * it on), so that figures measured before it existed still hold.
     */
    public StackConfig withGro(final boolean enabled)
    {
        return with(c -> c.gro = enabled);
    }

    /**
     * The tail loss probe of RFC 8985 (Linux's {@code net.ipv4.tcp_early_retrans} 3, its default): a SACK connection
     * whose ACKs stop for two round trips (and 2 ms) sends one segment again, so that a lost tail is found without
     * waiting for the retransmission timeout.
     */
    public StackConfig withTailLossProbe(final boolean enabled)
    {
        return with(c -> c.tailLossProbe = enabled);
    }

    /**
     * The kernel's timer frequency (CONFIG_HZ: 100, 250 or 1000; default 1000, as Fedora's, RHEL's and Ubuntu's
     * kernels since 24.04; Debian's have 250): what the stack's jiffy-counted timers round to.
     */
    public StackConfig withHz(final int ticksPerSecond)
    {
        return with(c -> c.hz = ticksPerSecond);
    }

    /** One jiffy, the tick of the kernel's timers. */
    public long jiffyPs()
    {
        return Time.S / hz;
    }

    /** The congestion control of new connections ({@code net.ipv4.tcp_congestion_control}; Linux's default cubic). */
    public StackConfig withCongestionControl(final CongestionAlgorithm algorithm)
    {
        return with(c -> c.congestionControl = algorithm);
    }

    /** Seeds the ISN/port secret and the stack's random choices: same seed, same run. */
    public StackConfig withSeed(final long value)
    {
        return with(c -> c.seed = value);
    }

    /** This configuration with {@code change} made to a copy of its values, checked as any new one is. */
    private StackConfig with(final Consumer<Copy> change)
    {
        final Copy copy = new Copy(this);
        change.accept(copy);
        return copy.build();
    }

    /** The values of a configuration, to change one or two and build another: each wither names only its own. */
    private static final class Copy
    {
        SynRetransmitPolicy synPolicy;
        IcmpErrorPolicy icmpErrorPolicy;
        TimeWaitReuse timeWaitReuse;
        int ephemeralLow;
        int ephemeralHigh;
        int tcpSendBuffer;
        int tcpReceiveBuffer;
        int udpReceiveBuffer;
        int windowScale;
        boolean timestamps;
        boolean sack;
        boolean windowScaling;
        long timeWaitPs;
        long finTimeoutPs;
        long delayedAckPs;
        long rtoMinPs;
        int dataRetries;
        long challengeAckIntervalPs;
        int somaxconn;
        long arpReachablePs;
        long arpRetransmitPs;
        int arpProbes;
        int arpQueueFrames;
        long reassemblyTimeoutPs;
        int reassemblySlots;
        int maxSockets;
        int openFilesPerProcess;
        long socketMemoryBytes;
        boolean synCookies;
        boolean abortOnOverflow;
        boolean gro;
        boolean tailLossProbe;
        CongestionAlgorithm congestionControl;
        int hz;
        long seed;

        Copy(final StackConfig config)
        {
            synPolicy = config.synPolicy;
            icmpErrorPolicy = config.icmpErrorPolicy;
            timeWaitReuse = config.timeWaitReuse;
            ephemeralLow = config.ephemeralLow;
            ephemeralHigh = config.ephemeralHigh;
            tcpSendBuffer = config.tcpSendBuffer;
            tcpReceiveBuffer = config.tcpReceiveBuffer;
            udpReceiveBuffer = config.udpReceiveBuffer;
            windowScale = config.windowScale;
            timestamps = config.timestamps;
            sack = config.sack;
            windowScaling = config.windowScaling;
            timeWaitPs = config.timeWaitPs;
            finTimeoutPs = config.finTimeoutPs;
            delayedAckPs = config.delayedAckPs;
            rtoMinPs = config.rtoMinPs;
            dataRetries = config.dataRetries;
            challengeAckIntervalPs = config.challengeAckIntervalPs;
            somaxconn = config.somaxconn;
            arpReachablePs = config.arpReachablePs;
            arpRetransmitPs = config.arpRetransmitPs;
            arpProbes = config.arpProbes;
            arpQueueFrames = config.arpQueueFrames;
            reassemblyTimeoutPs = config.reassemblyTimeoutPs;
            reassemblySlots = config.reassemblySlots;
            maxSockets = config.maxSockets;
            openFilesPerProcess = config.openFilesPerProcess;
            socketMemoryBytes = config.socketMemoryBytes;
            synCookies = config.synCookies;
            abortOnOverflow = config.abortOnOverflow;
            gro = config.gro;
            tailLossProbe = config.tailLossProbe;
            congestionControl = config.congestionControl;
            hz = config.hz;
            seed = config.seed;
        }

        StackConfig build()
        {
            return new StackConfig(synPolicy, icmpErrorPolicy, timeWaitReuse, ephemeralLow, ephemeralHigh,
                tcpSendBuffer, tcpReceiveBuffer, udpReceiveBuffer, windowScale, timestamps, sack, windowScaling,
                timeWaitPs, finTimeoutPs, delayedAckPs, rtoMinPs, dataRetries, challengeAckIntervalPs, somaxconn,
                arpReachablePs, arpRetransmitPs, arpProbes, arpQueueFrames, reassemblyTimeoutPs, reassemblySlots,
                maxSockets, openFilesPerProcess, socketMemoryBytes, synCookies, abortOnOverflow, gro, tailLossProbe,
                congestionControl, hz, seed);
        }
    }

    private static void require(final Object value, final String name)
    {
        if (value == null)
        {
            throw new IllegalArgumentException(name + " must not be null");
        }
    }

    private static void range(final String name, final long value, final long low, final long high)
    {
        if (value < low || value > high)
        {
            throw new IllegalArgumentException(name + " must be in [" + low + ", " + high + "], got " + value);
        }
    }

    private static void positive(final String name, final long ps)
    {
        if (ps <= 0)
        {
            throw new IllegalArgumentException(name + " must be a positive time in picoseconds, got " + ps);
        }
    }

    private static void notNegative(final String name, final long ps)
    {
        if (ps < 0)
        {
            throw new IllegalArgumentException(name + " must not be negative, got " + ps + " ps");
        }
    }
}
