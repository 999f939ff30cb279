package dev.nicsim.stack.socket;

import dev.nicsim.hw.sim.Time;

/**
 * A stack's tunables, with Linux's defaults where Linux has one (each named after its sysctl). Setters return
 * {@code this} and reject values outside what the stack can honour, saying which range is allowed.
 */
public final class StackConfig
{
    private SynRetransmitPolicy synPolicy = SynRetransmitPolicy.LINUX;
    private IcmpErrorPolicy icmpErrorPolicy = IcmpErrorPolicy.LINUX_ABORT_WHILE_CONNECTING;
    private TimeWaitReuse timeWaitReuse = TimeWaitReuse.LOOPBACK_ONLY;
    private int ephemeralLow = 32768;
    private int ephemeralHigh = 60999;
    private int tcpSendBuffer = 64 * 1024;
    private int tcpReceiveBuffer = 64 * 1024;
    private int udpReceiveBuffer = 64 * 1024;
    private int windowScale = 7;
    private boolean timestamps = true;
    private boolean sack = true;
    private boolean windowScaling = true;
    private long timeWaitPs = 60 * Time.S;
    private long finTimeoutPs = 60 * Time.S;
    private long delayedAckPs = 40 * Time.MS;
    private long rtoMinPs = 200 * Time.MS;
    private int dataRetries = 15;
    private long challengeAckIntervalPs = 500 * Time.MS;
    private int somaxconn = 4096;
    private long arpReachablePs = 30 * Time.S;
    private long arpRetransmitPs = Time.S;
    private int arpProbes = 3;
    private int arpQueueFrames = 3;
    private long reassemblyTimeoutPs = 30 * Time.S;
    private int reassemblySlots = 8;
    private int maxSockets = 1 << 20;
    private int openFilesPerProcess = 1024;
    private long socketMemoryBytes = 768L << 20;
    private boolean synCookies = true;
    private boolean abortOnOverflow;
    private boolean gro;
    private long seed = 0x6E_6963_7369_6DL;

    public static StackConfig defaults()
    {
        return new StackConfig();
    }

    public SynRetransmitPolicy synPolicy()
    {
        return synPolicy;
    }

    public StackConfig synPolicy(final SynRetransmitPolicy policy)
    {
        this.synPolicy = require(policy, "synPolicy");
        return this;
    }

    public IcmpErrorPolicy icmpErrorPolicy()
    {
        return icmpErrorPolicy;
    }

    public StackConfig icmpErrorPolicy(final IcmpErrorPolicy policy)
    {
        this.icmpErrorPolicy = require(policy, "icmpErrorPolicy");
        return this;
    }

    public TimeWaitReuse timeWaitReuse()
    {
        return timeWaitReuse;
    }

    public StackConfig timeWaitReuse(final TimeWaitReuse reuse)
    {
        this.timeWaitReuse = require(reuse, "timeWaitReuse");
        return this;
    }

    public int ephemeralLow()
    {
        return ephemeralLow;
    }

    public int ephemeralHigh()
    {
        return ephemeralHigh;
    }

    /** {@code net.ipv4.ip_local_port_range}: inclusive bounds, default 32768-60999. */
    public StackConfig ephemeralRange(final int low, final int high)
    {
        if (low < 1 || high > 65535 || low > high)
        {
            throw new IllegalArgumentException("ephemeral port range must satisfy 1 <= low <= high <= 65535, got " +
                low + "-" + high);
        }
        this.ephemeralLow = low;
        this.ephemeralHigh = high;
        return this;
    }

    public int tcpSendBuffer()
    {
        return tcpSendBuffer;
    }

    public int tcpReceiveBuffer()
    {
        return tcpReceiveBuffer;
    }

    public int udpReceiveBuffer()
    {
        return udpReceiveBuffer;
    }

    /** Socket buffer sizes in bytes, each in [4 KiB, 16 MiB]. */
    public StackConfig buffers(final int tcpSend, final int tcpReceive, final int udpReceive)
    {
        this.tcpSendBuffer = range("tcpSendBuffer", tcpSend, 4096, 1 << 24);
        this.tcpReceiveBuffer = range("tcpReceiveBuffer", tcpReceive, 4096, 1 << 24);
        this.udpReceiveBuffer = range("udpReceiveBuffer", udpReceive, 4096, 1 << 24);
        return this;
    }

    public int windowScale()
    {
        return windowScale;
    }

    /** The window-scale shift offered in SYNs (Linux derives 7 from its default tcp_rmem). */
    public StackConfig windowScale(final int shift)
    {
        this.windowScale = range("windowScale", shift, 0, 14);
        return this;
    }

    public boolean timestamps()
    {
        return timestamps;
    }

    /** Whether SYNs offer (and SYN-ACKs accept) TCP timestamps ({@code net.ipv4.tcp_timestamps}, on). */
    public StackConfig timestamps(final boolean enabled)
    {
        this.timestamps = enabled;
        return this;
    }

    public boolean sack()
    {
        return sack;
    }

    /** Whether SYNs offer (and SYN-ACKs accept) SACK ({@code net.ipv4.tcp_sack}, on). */
    public StackConfig sack(final boolean enabled)
    {
        this.sack = enabled;
        return this;
    }

    public boolean windowScaling()
    {
        return windowScaling;
    }

    /** Whether SYNs offer (and SYN-ACKs accept) window scaling ({@code net.ipv4.tcp_window_scaling}, on). */
    public StackConfig windowScaling(final boolean enabled)
    {
        this.windowScaling = enabled;
        return this;
    }

    public long timeWaitPs()
    {
        return timeWaitPs;
    }

    /** TIME_WAIT duration ({@code TCP_TIMEWAIT_LEN}, 60 s); 0 frees the 4-tuple as soon as the close completes. */
    public StackConfig timeWaitPs(final long ps)
    {
        this.timeWaitPs = notNegative("timeWaitPs", ps);
        return this;
    }

    public long finTimeoutPs()
    {
        return finTimeoutPs;
    }

    /** How long an orphaned FIN_WAIT_2 lingers ({@code tcp_fin_timeout}, 60 s). */
    public StackConfig finTimeoutPs(final long ps)
    {
        this.finTimeoutPs = positive("finTimeoutPs", ps);
        return this;
    }

    public long delayedAckPs()
    {
        return delayedAckPs;
    }

    /** Delayed-ACK timeout ({@code TCP_DELACK_MIN}, 40 ms). */
    public StackConfig delayedAckPs(final long ps)
    {
        this.delayedAckPs = notNegative("delayedAckPs", ps);
        return this;
    }

    public long rtoMinPs()
    {
        return rtoMinPs;
    }

    /** Lower bound on the data RTO ({@code TCP_RTO_MIN}, 200 ms; RFC 6298 says 1 s). */
    public StackConfig rtoMinPs(final long ps)
    {
        this.rtoMinPs = positive("rtoMinPs", ps);
        return this;
    }

    public int dataRetries()
    {
        return dataRetries;
    }

    /** Data retransmissions before ETIMEDOUT ({@code tcp_retries2}, 15). */
    public StackConfig dataRetries(final int retries)
    {
        this.dataRetries = range("dataRetries", retries, 1, 255);
        return this;
    }

    public long challengeAckIntervalPs()
    {
        return challengeAckIntervalPs;
    }

    /** Per-socket rate limit of RFC 5961 challenge ACKs ({@code tcp_invalid_ratelimit}, 500 ms). */
    public StackConfig challengeAckIntervalPs(final long ps)
    {
        if (ps < 0)
        {
            throw new IllegalArgumentException("challengeAckIntervalPs must not be negative, got " + ps);
        }
        this.challengeAckIntervalPs = ps;
        return this;
    }

    public int somaxconn()
    {
        return somaxconn;
    }

    public long arpReachablePs()
    {
        return arpReachablePs;
    }

    public long arpRetransmitPs()
    {
        return arpRetransmitPs;
    }

    public int arpProbes()
    {
        return arpProbes;
    }

    public int arpQueueFrames()
    {
        return arpQueueFrames;
    }

    /**
     * ARP timing: how long a reply stays fresh ({@code base_reachable_time}, 30 s), the gap between requests
     * ({@code retrans_time}, 1 s) and how many requests before giving up ({@code mcast_solicit}, 3).
     */
    public StackConfig arp(final long reachablePs, final long retransmitPs, final int probes)
    {
        this.arpReachablePs = positive("arpReachablePs", reachablePs);
        this.arpRetransmitPs = positive("arpRetransmitPs", retransmitPs);
        this.arpProbes = range("arpProbes", probes, 1, 100);
        return this;
    }

    public long reassemblyTimeoutPs()
    {
        return reassemblyTimeoutPs;
    }

    public int reassemblySlots()
    {
        return reassemblySlots;
    }

    /** Fragment reassembly: timeout ({@code ipfrag_time}, 30 s) and datagrams reassembled at once (memory bound). */
    public StackConfig reassembly(final long timeoutPs, final int slots)
    {
        this.reassemblyTimeoutPs = positive("reassemblyTimeoutPs", timeoutPs);
        this.reassemblySlots = range("reassemblySlots", slots, 1, 256);
        return this;
    }

    public int maxSockets()
    {
        return maxSockets;
    }

    /**
     * Sockets open at once on the host ({@code fs.file-max}): socket() and accept() past it fail with ENFILE.
     * Connections in TIME_WAIT and in the SYN queue are small records, not sockets, and do not count.
     */
    public StackConfig maxSockets(final int count)
    {
        this.maxSockets = range("maxSockets", count, 1, 1 << 24);
        return this;
    }

    public int openFilesPerProcess()
    {
        return openFilesPerProcess;
    }

    /** Descriptors per process ({@code RLIMIT_NOFILE}, Linux's default soft limit 1024): past it, EMFILE. */
    public StackConfig openFilesPerProcess(final int count)
    {
        this.openFilesPerProcess = range("openFilesPerProcess", count, 4, 1 << 24);
        return this;
    }

    public long socketMemoryBytes()
    {
        return socketMemoryBytes;
    }

    /**
     * Socket buffer memory of the host ({@code tcp_mem[2]}, the hard limit; Linux sizes it from RAM, 768 MiB on an
     * 8 GiB host). Past it buffers stop growing: sends wait (EAGAIN when non-blocking), received data is dropped.
     */
    public StackConfig socketMemoryBytes(final long bytes)
    {
        if (bytes < 4096 || bytes > (1L << 40))
        {
            throw new IllegalArgumentException("socketMemoryBytes must be in [4096, 2^40], got " + bytes);
        }
        this.socketMemoryBytes = bytes;
        return this;
    }

    public boolean synCookies()
    {
        return synCookies;
    }

    /** SYN cookies when a listener's SYN queue is full ({@code net.ipv4.tcp_syncookies=1}, Linux's default). */
    public StackConfig synCookies(final boolean enabled)
    {
        this.synCookies = enabled;
        return this;
    }

    public boolean abortOnOverflow()
    {
        return abortOnOverflow;
    }

    /**
     * What a full accept queue does to the handshake's final ACK ({@code net.ipv4.tcp_abort_on_overflow}): false
     * (Linux's default) drops it, so the client's retransmission or the SYN-ACK's retry completes the handshake
     * later; true answers it with a reset.
     */
    public StackConfig abortOnOverflow(final boolean enabled)
    {
        this.abortOnOverflow = enabled;
        return this;
    }

    public boolean gro()
    {
        return gro;
    }

    /**
     * Generic receive offload in each interface's receive path ({@code ethtool -K eth0 gro on}): in-order TCP
     * segments of a flow that arrive in one NAPI poll go up the stack as one packet. Off by default here (Linux has
     * it on), so that figures measured before it existed still hold.
     */
    public StackConfig gro(final boolean enabled)
    {
        this.gro = enabled;
        return this;
    }

    public long seed()
    {
        return seed;
    }

    /** Seeds the ISN/port secret and the stack's random choices: same seed, same run. */
    public StackConfig seed(final long value)
    {
        this.seed = value;
        return this;
    }

    private static <T> T require(final T value, final String name)
    {
        if (value == null)
        {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }

    private static int range(final String name, final long value, final long low, final long high)
    {
        if (value < low || value > high)
        {
            throw new IllegalArgumentException(name + " must be in [" + low + ", " + high + "], got " + value);
        }
        return (int) Math.min(value, Integer.MAX_VALUE);
    }

    private static long positive(final String name, final long ps)
    {
        if (ps <= 0)
        {
            throw new IllegalArgumentException(name + " must be a positive time in picoseconds, got " + ps);
        }
        return ps;
    }

    private static long notNegative(final String name, final long ps)
    {
        if (ps < 0)
        {
            throw new IllegalArgumentException(name + " must not be negative, got " + ps + " ps");
        }
        return ps;
    }
}
