package dev.nicsim.tools.workload.perf;

import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.host.CpuUse;
import dev.nicsim.hw.host.HostCpu;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.context.Errno;
import dev.nicsim.tools.config.PlatformParameters;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.measure.DeviceCounters;
import dev.nicsim.tools.measure.PerfMeter;
import dev.nicsim.tools.measure.WireCensus;
import dev.nicsim.tools.testbed.Host;
import dev.nicsim.tools.testbed.Network;
import dev.nicsim.tools.testbed.SetupNotices;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A netperf-style run through the full model: hosts on the testbed (two on a cable, more through the switch), a
 * server on each host that is one, a client per flow, all event-driven inside the simulation. The run warms up, then
 * measures for the duration in equal samples, then stops the clients and lets what is in flight land, so that the
 * whole-run counts add up.
 */
public final class PerfRun
{
    /** netperf's data connections go to the netserver's port; this run's servers listen here. */
    public static final int SERVER_PORT = 12866;
    /** After the window, what is in flight lands within this (no new sends or transactions start). */
    static final long DRAIN_PS = 10 * Time.MS;
    /** Ethernet, IPv4 and UDP headers and the FCS around a datagram's payload. */
    static final int UDP_FRAME_OVERHEAD = 14 + 20 + 8 + 4;

    /** Told as simulated time advances, for a progress display. */
    @FunctionalInterface
    public interface Progress
    {
        /** {@code simulatedPs} of {@code totalPs} (warm-up and window) have run. */
        void advanced(long simulatedPs, long totalPs);
    }

    private final Settings settings;
    private final PerfOptions options;
    private final Network network;
    private final Simulator sim;
    private final PerfMeter meter;
    private final WireCensus census = new WireCensus();
    private final List<TcpClient> tcpClients = new ArrayList<>();
    private final List<TcpServer> tcpServers = new ArrayList<>();
    private final List<UdpClient> udpClients = new ArrayList<>();
    /* Per host, per core: the run queue its senders share. */
    private final CoreRunQueue[][] runQueues;

    private PerfRun(final Settings settings, final PerfOptions options)
    {
        this.settings = settings;
        this.options = options;
        this.network = Network.build(settings, options.hosts());
        this.sim = network.sim();
        this.meter = new PerfMeter(sim);
        this.runQueues = new CoreRunQueue[options.hosts()][];
        for (int h = 0; h < runQueues.length; h++)
        {
            final HostCpu cpu = network.hosts().get(h).cpu();
            runQueues[h] = new CoreRunQueue[cpu.cores()];
            for (int core = 0; core < cpu.cores(); core++)
            {
                runQueues[h][core] = new CoreRunQueue(sim, cpu, core);
            }
        }
        final boolean switched = network.fabric() != null;
        for (final EthernetLink link : network.links())
        {
            census.watch(link, switched);
        }
    }

    /** Runs {@code options} on a testbed built from {@code settings}: warm-up, window, drain. */
    public static PerfResult run(final Settings settings, final PerfOptions options, final Progress progress)
    {
        return start(settings, options).measure(progress);
    }

    /**
     * Builds the testbed, starts the servers and the clients, and returns before any simulated time passes; {@link
     * #advance} then runs it (benchmarks and allocation tests drive it this way).
     */
    public static PerfRun start(final Settings settings, final PerfOptions options)
    {
        final PerfRun run = new PerfRun(settings, options);
        run.startPrograms();
        return run;
    }

    private void startPrograms()
    {
        final PerfTest test = options.test();
        final int largestSend = Math.max(options.messageBytes(), Math.max(options.requestBytes(),
            options.responseBytes()));
        // Placement: a process per host and core, created for the first program placed there. A host's n-th client
        // runs on core n mod host.cores. Its TCP listener runs in its core-0 process (each accepted connection then
        // on its own core, see TcpServer); each UDP flow gets a server socket of its own, as netperf's netserver
        // forks a child with a data socket per test, the host's n-th on core n mod host.cores and port
        // SERVER_PORT + n, as the n-th accepted TCP connection is placed.
        final HostProcess[][] processes = new HostProcess[options.hosts()][];
        for (int h = 0; h < processes.length; h++)
        {
            processes[h] = new HostProcess[network.hosts().get(h).cpu().cores()];
        }
        final int[] clientsOn = new int[options.hosts()];
        final int[] udpServersOn = new int[options.hosts()];
        final List<TrafficPattern.Pair> pairs = options.pattern().pairs(options.hosts());
        if (test.tcp())
        {
            final boolean[] serving = new boolean[options.hosts()];
            for (final TrafficPattern.Pair pair : pairs)
            {
                if (!serving[pair.server()])
                {
                    serving[pair.server()] = true;
                    final TcpServer server = new TcpServer(test, process(processes, pair.server(), 0, largestSend),
                        meter, options);
                    server.listen(SERVER_PORT);
                    tcpServers.add(server);
                }
            }
        }
        final long datagramIntervalPs = PlatformParameters.ethernet(settings).wireTimePs(options.messageBytes() +
            UDP_FRAME_OVERHEAD);
        for (final TrafficPattern.Pair pair : pairs)
        {
            final Host server = network.hosts().get(pair.server());
            for (int flow = 0; flow < options.flows(); flow++)
            {
                final int core = clientsOn[pair.client()]++ % processes[pair.client()].length;
                final HostProcess client = process(processes, pair.client(), core, largestSend);
                final String name = client.host.name() + ".flow" + (tcpClients.size() + udpClients.size());
                if (test.tcp())
                {
                    tcpClients.add(new TcpClient(test, client, sim, meter, client.sockaddr(server.address(),
                        SERVER_PORT), options, name));
                }
                else
                {
                    final int n = udpServersOn[pair.server()]++;
                    final int port = SERVER_PORT + n;
                    new UdpServer(test, process(processes, pair.server(), n % processes[pair.server()].length,
                        largestSend), meter, options).listen(port);
                    udpClients.add(new UdpClient(test, client, sim, meter, client.sockaddr(server.address(), port),
                        options, datagramIntervalPs, name));
                }
            }
        }
        tcpClients.forEach(TcpClient::start);
        udpClients.forEach(UdpClient::start);
    }

    private HostProcess process(final HostProcess[][] processes, final int host, final int core,
        final int largestSend)
    {
        if (processes[host][core] == null)
        {
            processes[host][core] = new HostProcess(network.hosts().get(host), runQueues[host], core, largestSend);
        }
        return processes[host][core];
    }

    /** Runs the simulation for {@code ps} more picoseconds. */
    public void advance(final long ps)
    {
        sim.run(sim.now() + ps);
    }

    public Simulator sim()
    {
        return sim;
    }

    public Network network()
    {
        return network;
    }

    /** What crossed the wire so far. */
    public WireCensus census()
    {
        return census;
    }

    /** What the programs counted so far. */
    public PerfMeter meter()
    {
        return meter;
    }

    /** Runs a started run: the warm-up, the window in samples, then the drain; returns the results. */
    public PerfResult measure(final Progress progress)
    {
        final long start = sim.now();
        final long warmupPs = Math.round(options.warmupS() * Time.S);
        final long windowPs = Math.round(options.durationS() * Time.S);
        final long totalPs = warmupPs + windowPs;
        final int samples = options.samples();
        final int warmupSteps = (int) Math.max(1, Math.min(samples, warmupPs / Math.max(1, windowPs / samples)));
        for (int step = 1; step <= warmupSteps; step++)
        {
            sim.run(start + warmupPs * step / warmupSteps);
            progress.advanced(sim.now() - start, totalPs);
        }

        final DeviceCounters before = DeviceCounters.of(network);
        meter.startWindow();
        final long windowStart = sim.now();
        final double[] sampleEnd = new double[samples];
        final double[] sampleGbps = new double[samples];
        final double[] sampleTps = new double[samples];
        long lastBytes = 0;
        long lastTransactions = 0;
        long lastTime = windowStart;
        for (int sample = 0; sample < samples; sample++)
        {
            final long end = windowStart + windowPs * (sample + 1) / samples;
            sim.run(end);
            final double seconds = (end - lastTime) / (double) Time.S;
            sampleEnd[sample] = (end - windowStart) / (double) Time.S;
            sampleGbps[sample] = (meter.bytesInWindow() - lastBytes) * 8 / seconds / 1e9;
            sampleTps[sample] = (meter.transactionsInWindow() - lastTransactions) / seconds;
            lastBytes = meter.bytesInWindow();
            lastTransactions = meter.transactionsInWindow();
            lastTime = end;
            progress.advanced(sim.now() - start, totalPs);
        }
        meter.endWindow();
        final DeviceCounters window = DeviceCounters.of(network).since(before);

        tcpClients.forEach(TcpClient::stop);
        tcpServers.forEach(TcpServer::stop);
        udpClients.forEach(UdpClient::stop);
        sim.run(sim.now() + DRAIN_PS);

        return new PerfResult(options, settings.integer(PlatformParameters.SEED), settings, windowPs,
            meter.bytesInWindow(), meter.transactionsInWindow(), meter.latencyNs().copy(), meter.jainFairness(),
            meter.connectionBytes(), errors(meter), meter.datagramsSent(), meter.sendFailures(),
            meter.transactionsLost(), cpuShares(network, window, windowPs), window, census, meter.bytesTotal(),
            meter.transactionsTotal(), sampleEnd, sampleGbps, sampleTps, sim.firedCount(),
            sim.firedByName(), SetupNotices.of(network, settings));
    }

    private static Map<String, Long> errors(final PerfMeter meter)
    {
        final Map<String, Long> errors = new LinkedHashMap<>();
        for (int errno = 1; errno < meter.errnoLimit(); errno++)
        {
            if (meter.errors(errno) > 0)
            {
                errors.put(Errno.name(errno), meter.errors(errno));
            }
        }
        return errors;
    }

    /* A host's share is the average over its cores (mpstat's "all"); each core's share is its own. */
    private static List<PerfResult.HostCpuShare> cpuShares(final Network network, final DeviceCounters window,
        final long windowPs)
    {
        final List<PerfResult.HostCpuShare> shares = new ArrayList<>();
        for (final Host host : network.hosts())
        {
            final int cores = host.cpu().cores();
            final String h = host.name() + ".";
            final Map<CpuUse, Double> byUse = shares(window, h + "cpu.", windowPs * (double) cores);
            final List<Map<CpuUse, Double>> byCore = new ArrayList<>();
            for (int core = 0; core < cores; core++)
            {
                byCore.add(cores == 1 ? byUse : shares(window, h + "cpu" + core + ".", windowPs));
            }
            shares.add(new PerfResult.HostCpuShare(host.name(), byUse, byCore));
        }
        return shares;
    }

    private static Map<CpuUse, Double> shares(final DeviceCounters window, final String prefix, final double ps)
    {
        final Map<CpuUse, Double> byUse = new EnumMap<>(CpuUse.class);
        for (final CpuUse use : CpuUse.ALL)
        {
            byUse.put(use, window.get(prefix + use.label() + "_ps") / ps);
        }
        return byUse;
    }
}
