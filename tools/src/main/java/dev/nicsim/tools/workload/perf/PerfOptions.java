package dev.nicsim.tools.workload.perf;

import dev.nicsim.tools.config.ConfigException;

/**
 * What a perf run does, as netperf's options say it: the test, how long to measure after how long a warm-up, the
 * message, request and response sizes, and how many flows between how many hosts in which pattern.
 *
 * @param durationS     simulated seconds measured (netperf's {@code -l})
 * @param warmupS       simulated seconds run first and left out of every figure: ARP resolved, connections open,
 *                      congestion windows grown
 * @param messageBytes  bytes per send() of a stream test (netperf's {@code -m})
 * @param requestBytes  bytes per request of an RR test (netperf's {@code -r req,})
 * @param responseBytes bytes per response of an RR test (netperf's {@code -r ,resp})
 * @param flows         parallel connections (or UDP flows) per client/server pair
 * @param hosts         hosts on the testbed; more than two are joined by the switch
 * @param samples       how many equal intervals the throughput-over-time series has
 */
public record PerfOptions(PerfTest test, double durationS, double warmupS, int messageBytes, int requestBytes,
                          int responseBytes, int flows, int hosts, TrafficPattern pattern, int samples)
{
    /** The largest UDP payload one 1500-byte-MTU frame carries: the stack does not fragment what it sends. */
    public static final int MAX_UDP_MESSAGE = 1500 - 20 - 8;
    /** A program's buffers live in its 1 MiB of process memory; a quarter of it for one message is plenty. */
    public static final int MAX_TCP_MESSAGE = 256 * 1024;
    /** netperf's default send size for TCP_STREAM is the socket buffer; Linux's default tcp_wmem[1] is 16 KiB. */
    public static final int DEFAULT_TCP_MESSAGE = 16 * 1024;
    /** One datagram per MTU-sized frame. */
    public static final int DEFAULT_UDP_MESSAGE = MAX_UDP_MESSAGE;
    public static final int MAX_FLOWS = 256;
    /** Each host's programs run in one process, whose descriptor table has 1024 entries. */
    public static final int MAX_CONNECTIONS_PER_HOST = 1000;
    /**
     * The shortest window: 1 us holds at least one picosecond per sample even at the most samples (100,000); a
     * window shorter than its samples had samples of no time, and rates of 0/0.
     */
    public static final double MIN_DURATION_S = 1e-6;

    public PerfOptions
    {
        if (!(durationS >= MIN_DURATION_S) || durationS > 3600)
        {
            throw new ConfigException("--duration must be in [" + MIN_DURATION_S + ", 3600] simulated seconds, got " +
                durationS);
        }
        if (!(warmupS >= 0) || warmupS > 3600)
        {
            throw new ConfigException("--warmup must be in [0, 3600] simulated seconds, got " + warmupS);
        }
        final int maxMessage = test.tcp() ? MAX_TCP_MESSAGE : MAX_UDP_MESSAGE;
        final String why = test.tcp() ? "" : " (one datagram per 1500-byte-MTU frame: the stack does not fragment " +
            "what it sends)";
        range("--message-size", messageBytes, maxMessage, why);
        range("--request-size", requestBytes, maxMessage, why);
        range("--response-size", responseBytes, maxMessage, why);
        if (flows < 1 || flows > MAX_FLOWS)
        {
            throw new ConfigException("--flows must be in [1, " + MAX_FLOWS + "], got " + flows);
        }
        if (hosts < 2 || hosts > 26)
        {
            throw new ConfigException("--hosts must be in [2, 26], got " + hosts);
        }
        if (pattern == TrafficPattern.PAIRS && hosts % 2 != 0)
        {
            throw new ConfigException("--pattern pairs needs an even --hosts (A-B, C-D, ...), got " + hosts);
        }
        if (connectionsPerHost(pattern, hosts, flows) > MAX_CONNECTIONS_PER_HOST)
        {
            throw new ConfigException("--flows " + flows + " with --hosts " + hosts + " --pattern " + pattern.label() +
                " puts " + connectionsPerHost(pattern, hosts, flows) + " connections on one host; at most " +
                MAX_CONNECTIONS_PER_HOST + " fit one process's 1024 descriptors");
        }
        if (samples < 1 || samples > 100_000)
        {
            throw new ConfigException("samples must be in [1, 100000], got " + samples);
        }
    }

    /** netperf's defaults for {@code test}: 10 s, 16 KiB sends (1472-byte datagrams), 1-byte requests and responses. */
    public static PerfOptions defaults(final PerfTest test)
    {
        return new PerfOptions(test, 10, 0.01, test.tcp() ? DEFAULT_TCP_MESSAGE : DEFAULT_UDP_MESSAGE, 1, 1, 1, 2,
            TrafficPattern.PAIRS, 100);
    }

    public PerfOptions withDuration(final double seconds)
    {
        return new PerfOptions(test, seconds, warmupS, messageBytes, requestBytes, responseBytes, flows, hosts,
            pattern, samples);
    }

    public PerfOptions withWarmup(final double seconds)
    {
        return new PerfOptions(test, durationS, seconds, messageBytes, requestBytes, responseBytes, flows, hosts,
            pattern, samples);
    }

    public PerfOptions withMessage(final int bytes)
    {
        return new PerfOptions(test, durationS, warmupS, bytes, requestBytes, responseBytes, flows, hosts, pattern,
            samples);
    }

    public PerfOptions withTransaction(final int request, final int response)
    {
        return new PerfOptions(test, durationS, warmupS, messageBytes, request, response, flows, hosts, pattern,
            samples);
    }

    public PerfOptions withFlows(final int count)
    {
        return new PerfOptions(test, durationS, warmupS, messageBytes, requestBytes, responseBytes, count, hosts,
            pattern, samples);
    }

    public PerfOptions withHosts(final int count, final TrafficPattern layout)
    {
        return new PerfOptions(test, durationS, warmupS, messageBytes, requestBytes, responseBytes, flows, count,
            layout, samples);
    }

    public PerfOptions withSamples(final int count)
    {
        return new PerfOptions(test, durationS, warmupS, messageBytes, requestBytes, responseBytes, flows, hosts,
            pattern, count);
    }

    /* The most connections that end on one host: its own flows as a client plus those of which it is the server. */
    private static int connectionsPerHost(final TrafficPattern pattern, final int hosts, final int flows)
    {
        return switch (pattern)
        {
            case PAIRS -> flows;
            case INCAST -> (hosts - 1) * flows;
            case ALL_TO_ALL -> 2 * (hosts - 1) * flows;
        };
    }

    private static void range(final String option, final int bytes, final int max, final String why)
    {
        if (bytes < 1 || bytes > max)
        {
            throw new ConfigException(option + " must be in [1, " + max + "] bytes" + why + ", got " + bytes);
        }
    }
}
