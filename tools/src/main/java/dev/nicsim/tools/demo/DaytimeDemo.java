package dev.nicsim.tools.demo;

import dev.nicsim.hw.sim.CausalityLog;
import dev.nicsim.hw.sim.CriticalPath;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.trace.EventTrace;
import dev.nicsim.stack.context.Errno;
import dev.nicsim.tools.config.PlatformParameters;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.measure.DeviceCounters;
import dev.nicsim.tools.report.OutputDirectory;
import dev.nicsim.tools.report.RunEvidence;
import dev.nicsim.tools.report.RunSummary;
import dev.nicsim.tools.testbed.Host;
import dev.nicsim.tools.testbed.Network;
import org.bouncycastle.crypto.digests.Blake3Digest;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The main job: host B (10.0.0.2) runs a daytime server on port 13; host A (10.0.0.1) runs the seed's client,
 * connects, reads the date and closes, through two NS-1 NICs, their drivers and stacks. Then it connects again: the
 * first connect() is cold (it waits for ARP to resolve B), the second warm (B's address is cached), and each has its
 * own latency breakdown from its critical path. A run records its evidence ({@link RunEvidence}), also when it fails.
 */
public final class DaytimeDemo
{
    public static final int DAYTIME_PORT = 13;

    /**
     * What a run found. Times in picoseconds; the cold connect is the first, the warm one the second.
     *
     * @param connectLatencyPs the cold connect()'s latency
     * @param breakdown        its split by component
     * @param warmLatencyPs    the warm connect()'s latency
     * @param warmBreakdown    its split by component
     */
    public record Result(long seed, String client, String server, long connectLatencyPs, LatencyBreakdown breakdown,
                         long warmLatencyPs, LatencyBreakdown warmBreakdown, String daytime, long frames,
                         List<EventTrace.Entry> timeline, String traceDigest, DeviceCounters counters)
    {
    }

    private DaytimeDemo()
    {
    }

    /**
     * Runs the demo with {@code settings} and leaves its evidence in {@code out}, whatever ends the run.
     *
     * @throws Syscalls.SyscallException if a system call of the client or server fails (e.g. a fault setting made
     *                                   connect() time out); the files are written first, the summary names the errno
     */
    public static Result run(final Settings settings, final OutputDirectory out)
    {
        final RunEvidence evidence = new RunEvidence(out, "demo", settings);
        final Result result;
        try
        {
            result = execute(settings, evidence);
        }
        catch (final RuntimeException | Error failure)
        {
            if (failure instanceof Syscalls.SyscallException syscall)
            {
                evidence.summary().put("errno", Errno.name(syscall.errno()));
            }
            evidence.finishFailed(failure);
            throw failure;
        }
        evidence.summary().putAll(results(result));
        evidence.finish(null);
        return result;
    }

    /** Runs the demo without writing files: for sweeps and tests that only need the figures. */
    public static Result measure(final Settings settings)
    {
        return execute(settings, null);
    }

    /* The run itself; recorded into evidence when given. */
    private static Result execute(final Settings settings, final RunEvidence evidence)
    {
        final Network network = Network.build(settings, 2);
        final Simulator sim = network.sim();
        final Host a = network.host('A');
        final Host b = network.host('B');
        final EventTrace trace = evidence != null ? evidence.timeline() : new EventTrace(true);
        final CausalityLog causality = evidence != null ? evidence.causality() : new CausalityLog();
        final FrameSummary frames = new FrameSummary();
        final long[] frameCount = {0};
        if (evidence != null)
        {
            evidence.attach(network);
        }
        else
        {
            network.traceTo(trace);
            sim.recordCausality(causality);
        }
        network.tapSenders((direction, time, frame, offset, length) ->
        {
            frameCount[0]++;
            trace.add(time, direction, EventTrace.Kind.FRAME, frames.describe(frame, offset, length));
        });

        new DaytimeServer(b.newProcess(), sim, trace, b.name() + ".daytime",
            settings.integer(PlatformParameters.EPOCH)).start(DAYTIME_PORT);
        final DaytimeClient client = new DaytimeClient(a.newProcess(), sim, trace, a.name() + ".client");
        final Connection cold = fetch(client, b, causality, evidence, "connect() cold");
        final Connection warm = fetch(client, b, causality, evidence, "connect() warm");
        // Let the closing handshake finish so the capture holds the whole conversation.
        sim.run(sim.now() + Time.MS);
        final List<EventTrace.Entry> timeline = trace.entries();
        return new Result(settings.integer(PlatformParameters.SEED), a.addressText(), b.addressText(),
            cold.latencyPs(), cold.breakdown(), warm.latencyPs(), warm.breakdown(), cold.daytime().trim(),
            frameCount[0], timeline, blake3(timelineText(timeline)), DeviceCounters.of(network));
    }

    /* One connection's figures. */
    private record Connection(String daytime, long latencyPs, LatencyBreakdown breakdown)
    {
    }

    /* One connection: connect, read the date, close; the connect's critical path is marked in the evidence. */
    private static Connection fetch(final DaytimeClient client, final Host server, final CausalityLog causality,
        final RunEvidence evidence, final String call)
    {
        final int fd = client.socket();
        if (client.connect(fd, server.addressText(), DAYTIME_PORT) < 0)
        {
            throw new Syscalls.SyscallException("connect", client.errno());
        }
        final CriticalPath path = CriticalPath.of(causality, client.connectRecord(), client.connectCalledAt(),
            client.connectReturnedAt());
        if (evidence != null)
        {
            evidence.markCriticalPath(call, path, client.connectCalledAt(), client.connectReturnedAt());
        }
        final String daytime = client.readAll(fd);
        client.close(fd);
        return new Connection(daytime, client.connectReturnedAt() - client.connectCalledAt(),
            LatencyBreakdown.of(path, server.name() + "."));
    }

    private static String timelineText(final List<EventTrace.Entry> timeline)
    {
        final StringBuilder text = new StringBuilder();
        for (final EventTrace.Entry entry : timeline)
        {
            text.append(entry.format()).append('\n');
        }
        return text.toString();
    }

    private static String blake3(final String text)
    {
        final Blake3Digest digest = new Blake3Digest(256);
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        digest.update(bytes, 0, bytes.length);
        final byte[] hash = new byte[digest.getDigestSize()];
        digest.doFinal(hash, 0);
        return HexFormat.of().formatHex(hash);
    }

    /** A run's summary: {@link RunSummary#start} (version, settings) and the results of {@link #results}. */
    public static Map<String, Object> summary(final Result result, final Settings settings)
    {
        final Map<String, Object> summary = RunSummary.start("demo", settings);
        summary.putAll(results(result));
        return summary;
    }

    /**
     * The figures of a run, each key with its unit: cold and warm connect latency and breakdown, frames, digest, and
     * every device counter at the end of the run.
     */
    public static Map<String, Object> results(final Result result)
    {
        final Map<String, Object> results = new LinkedHashMap<>();
        results.put("seed", result.seed());
        results.put("client", result.client());
        results.put("server", result.server() + ":" + DAYTIME_PORT);
        results.put("connect_latency_ps", result.connectLatencyPs());
        results.put("connect_latency_ns", result.connectLatencyPs() / 1000.0);
        results.put("breakdown_ps", breakdown(result.breakdown()));
        results.put("warm_connect_latency_ps", result.warmLatencyPs());
        results.put("warm_connect_latency_ns", result.warmLatencyPs() / 1000.0);
        results.put("warm_breakdown_ps", breakdown(result.warmBreakdown()));
        results.put("daytime", result.daytime());
        results.put("frames", result.frames());
        results.put("trace_blake3", result.traceDigest());
        results.put("counters", new LinkedHashMap<String, Object>(result.counters().values()));
        return results;
    }

    private static Map<String, Object> breakdown(final LatencyBreakdown breakdown)
    {
        final Map<String, Object> parts = new LinkedHashMap<>();
        for (final Map.Entry<String, Long> part : breakdown.parts().entrySet())
        {
            parts.put(RunSummary.key(part.getKey()), part.getValue());
        }
        return parts;
    }
}
