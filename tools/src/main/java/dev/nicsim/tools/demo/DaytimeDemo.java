package dev.nicsim.tools.demo;

import dev.nicsim.hw.sim.CausalityLog;
import dev.nicsim.hw.sim.CriticalPath;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.trace.EventTrace;
import dev.nicsim.hw.trace.PcapWriter;
import dev.nicsim.hw.trace.VcdWriter;
import dev.nicsim.tools.config.PlatformParameters;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.measure.DeviceCounters;
import dev.nicsim.tools.report.Json;
import dev.nicsim.tools.report.OutputDirectory;
import dev.nicsim.tools.testbed.Host;
import dev.nicsim.tools.testbed.Network;
import org.bouncycastle.crypto.digests.Blake3Digest;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The main job: host B (10.0.0.2) runs a daytime server on port 13; host A (10.0.0.1) runs the seed's client,
 * connects, reads the date and closes, through two NS-1 NICs, their drivers and stacks, on a 10 Gb/s link. The run
 * records a timeline, a pcap, a VCD of the NICs' signals and the critical path of {@code connect()}, and writes them
 * with a summary.
 */
public final class DaytimeDemo
{
    public static final int DAYTIME_PORT = 13;
    /** Files a run writes. */
    public static final String PCAP = "connect.pcap";
    public static final String VCD = "connect.vcd";
    public static final String TIMELINE = "timeline.txt";
    public static final String SUMMARY = "summary.json";

    /** What a run found. Times in picoseconds. */
    public record Result(long seed, String client, String server, long connectLatencyPs, LatencyBreakdown breakdown,
                         String daytime, long frames, List<EventTrace.Entry> timeline, String traceDigest,
                         DeviceCounters counters)
    {
    }

    private DaytimeDemo()
    {
    }

    /**
     * Runs the demo with {@code settings} and writes its files into {@code out} (staged: the caller commits them).
     *
     * @throws Syscalls.SyscallException if a system call of the client or server fails (e.g. a fault setting made
     *                                   connect() time out)
     */
    public static Result run(final Settings settings, final OutputDirectory out)
    {
        final VcdWriter vcd = new VcdWriter();
        final Result result;
        try (OutputStream pcapFile = out.create(PCAP); PcapWriter pcap = new PcapWriter(pcapFile))
        {
            result = execute(settings, pcap, vcd);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("writing " + PCAP, e);
        }
        out.writeString(TIMELINE, timelineText(result.timeline()));
        try (Writer vcdFile = new OutputStreamWriter(out.create(VCD), StandardCharsets.US_ASCII))
        {
            vcd.writeTo(vcdFile, "simulated run, seed " + result.seed());
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("writing " + VCD, e);
        }
        out.writeString(SUMMARY, Json.write(summary(result, settings)));
        return result;
    }

    /** Runs the demo without writing files: for sweeps and tests that only need the figures. */
    public static Result measure(final Settings settings)
    {
        return execute(settings, null, null);
    }

    /* The run itself; the capture and the waveform are recorded only when given. */
    private static Result execute(final Settings settings, final PcapWriter pcap, final VcdWriter vcd)
    {
        final Network network = Network.build(settings, 2);
        final Simulator sim = network.sim();
        final Host a = network.host('A');
        final Host b = network.host('B');
        final EventTrace trace = new EventTrace(true);
        final CausalityLog causality = new CausalityLog();
        final FrameSummary frames = new FrameSummary();
        final long[] frameCount = {0};
        if (pcap != null)
        {
            network.tap(pcap);
        }
        if (vcd != null)
        {
            network.recordSignals(vcd);
        }
        network.tap((direction, time, frame, offset, length) ->
        {
            frameCount[0]++;
            trace.add(time, direction, EventTrace.Kind.FRAME, frames.describe(frame, offset, length));
        });
        network.traceTo(trace);
        sim.recordCausality(causality);

        new DaytimeServer(b.newProcess(), sim, trace, b.name() + ".daytime",
            settings.integer(PlatformParameters.EPOCH)).start(DAYTIME_PORT);
        final DaytimeClient client = new DaytimeClient(a.newProcess(), sim, trace, a.name() + ".client");
        final int fd = client.socket();
        if (client.connect(fd, b.addressText(), DAYTIME_PORT) < 0)
        {
            throw new Syscalls.SyscallException("connect", client.errno());
        }
        final long latency = client.connectReturnedAt() - client.connectCalledAt();
        final LatencyBreakdown breakdown = LatencyBreakdown.of(CriticalPath.of(causality, sim.lastCallRecord(),
            client.connectCalledAt(), client.connectReturnedAt()), b.name() + ".");
        final String daytime = client.readAll(fd);
        client.close(fd);
        // Let the closing handshake finish so the capture holds the whole conversation.
        sim.run(sim.now() + Time.MS);
        final List<EventTrace.Entry> timeline = trace.entries();
        return new Result(settings.integer(PlatformParameters.SEED), a.addressText(), b.addressText(), latency,
            breakdown, daytime.trim(), frameCount[0], timeline, blake3(timelineText(timeline)),
            DeviceCounters.of(network));
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

    /**
     * The summary.json of a run: latency, breakdown (ns and exact ps), daytime, frames, seed, trace digest, and every
     * device counter at the end of the run.
     */
    public static Map<String, Object> summary(final Result result, final Settings settings)
    {
        final Map<String, Object> breakdownNs = new LinkedHashMap<>();
        final Map<String, Object> breakdownPs = new LinkedHashMap<>();
        for (final Map.Entry<String, Long> part : result.breakdown().parts().entrySet())
        {
            breakdownNs.put(part.getKey(), part.getValue() / 1000.0);
            breakdownPs.put(part.getKey(), part.getValue());
        }
        final Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("seed", result.seed());
        summary.put("client", result.client());
        summary.put("server", result.server() + ":" + DAYTIME_PORT);
        summary.put("connect_latency_ns", result.connectLatencyPs() / 1000.0);
        summary.put("breakdown_ns", breakdownNs);
        summary.put("connect_latency_ps", result.connectLatencyPs());
        summary.put("breakdown_ps", breakdownPs);
        summary.put("daytime", result.daytime());
        summary.put("frames", result.frames());
        summary.put("trace_blake3", result.traceDigest());
        summary.put("settings", new LinkedHashMap<String, Object>(settings.overrides()));
        summary.put("counters", new LinkedHashMap<String, Object>(result.counters().values()));
        return summary;
    }
}
