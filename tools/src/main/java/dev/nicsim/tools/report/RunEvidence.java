package dev.nicsim.tools.report;

import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.host.CpuUse;
import dev.nicsim.hw.host.HostCpu;
import dev.nicsim.hw.sim.CausalityLog;
import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.CriticalPath;
import dev.nicsim.hw.trace.EventTrace;
import dev.nicsim.hw.trace.VcdWriter;
import dev.nicsim.tools.config.PlatformParameters;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.testbed.Host;
import dev.nicsim.tools.testbed.Network;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The evidence of one run, kept whatever ends it (a result, an errno, a fault, driver misuse, a bad setting): the
 * capture ({@value #CAPTURE}, one pcapng interface per link), the NICs' signals ({@value #SIGNALS}), the timeline
 * ({@value #TIMELINE}), a Perfetto trace ({@value #TRACE}) and {@value #SUMMARY} with the outcome. Files are staged
 * in an {@link OutputDirectory} and moved into place together by {@link #finish}, so each is complete or absent.
 */
public final class RunEvidence
{
    public static final String CAPTURE = "frames.pcapng";
    public static final String SIGNALS = "signals.vcd";
    public static final String TIMELINE = "timeline.txt";
    public static final String TRACE = "trace.json";
    public static final String SUMMARY = "summary.json";
    /** The Perfetto process that holds the marked critical paths. */
    public static final String CRITICAL_PATH = "critical path";

    private final OutputDirectory out;
    private final Settings settings;
    private final Map<String, Object> summary;
    private final EventTrace timeline = new EventTrace(true);
    private final CausalityLog causality = new CausalityLog();
    private final TraceEvents perfetto = new TraceEvents();
    private final VcdWriter signals = new VcdWriter();
    private PcapngWriter capture;
    private boolean finished;

    /** Starts the evidence of a run of {@code command}; nothing is written until {@link #finish}. */
    public RunEvidence(final OutputDirectory out, final String command, final Settings settings)
    {
        this.out = out;
        this.settings = settings;
        this.summary = RunSummary.start(command, settings);
    }

    /** What the run did, in order; the programs of a run add their system calls here. */
    public EventTrace timeline()
    {
        return timeline;
    }

    /** Every fired event's cause, for critical paths. */
    public CausalityLog causality()
    {
        return causality;
    }

    /** The summary being built: a run adds its results; {@link #finish} adds the outcome. */
    public Map<String, Object> summary()
    {
        return summary;
    }

    /**
     * Records {@code network} from now on: every link's frames (pcapng and the wire's tracks), the NICs' signals and
     * trace, the stacks' state changes, each host CPU's activities and the causality of every event. Call it once the
     * network has every link it will have (bridges included).
     */
    public void attach(final Network network)
    {
        capture = new PcapngWriter(out.create(CAPTURE), settings.integer(PlatformParameters.EPOCH),
            "nicsim " + RunSummary.version());
        for (final EthernetLink link : network.links())
        {
            final List<String> ends = network.ends(link);
            link.addTap(capture.addLink(link, ends.get(0) + " <-> " + ends.get(1)));
            final long psPerByte = link.config().psPerByte();
            final String first = link.a().name();
            final String forward = ends.get(0) + " -> " + ends.get(1);
            final String backward = ends.get(1) + " -> " + ends.get(0);
            final String wire = "wire " + link.name();
            link.addTap((direction, time, frame, offset, length) -> perfetto.slice(wire,
                direction.equals(first) ? forward : backward, "frame " + length + " B", "wire", time,
                time + length * psPerByte, Map.of()));
        }
        network.recordSignals(signals);
        network.traceTo(timeline);
        network.sim().recordCausality(causality);
        for (final Host host : network.hosts())
        {
            final String process = "host " + host.name();
            host.cpu().setActivityListener((cpu, core, use, start, end) ->
                perfetto.slice(process, cpuTrack(cpu, core, use), use.label(), "cpu", start, end, Map.of()));
        }
    }

    /**
     * Marks a call's critical path in the Perfetto trace: the call on one track of the {@value #CRITICAL_PATH}
     * process, and the segments that made up its latency, each named by its component, on the next.
     */
    public void markCriticalPath(final String call, final CriticalPath path, final long start, final long end)
    {
        perfetto.slice(CRITICAL_PATH, call, call, "critical_path", start, end, Map.of("latency_ps", end - start));
        for (final CriticalPath.Segment segment : path.segments())
        {
            perfetto.slice(CRITICAL_PATH, call + " segments", segment.component().label(), "critical_path",
                segment.from(), segment.to(), Map.of("event", segment.event(), "component",
                    RunSummary.key(segment.component().label())));
        }
    }

    /**
     * Writes the files of a run that {@code failure} ended, then returns so the caller can rethrow it; a problem
     * writing them is added to the failure as suppressed, so the failure's own message still reaches the user.
     */
    public void finishFailed(final Throwable failure)
    {
        try
        {
            finish(failure);
        }
        catch (final RuntimeException writing)
        {
            failure.addSuppressed(writing);
        }
    }

    /**
     * Writes every file and moves them into the output folder. With a {@code failure}, the summary says so and the
     * files hold the run up to the moment it ended.
     */
    public void finish(final Throwable failure)
    {
        if (finished)
        {
            throw new IllegalStateException("the run's evidence is already written to " + out.target());
        }
        finished = true;
        if (failure != null)
        {
            RunSummary.failed(summary, failure.getMessage() == null ? failure.toString() : failure.getMessage());
        }
        try
        {
            if (capture != null)
            {
                capture.close();
                summary.put("frames_captured", capture.packets());
                try (Writer vcd = new OutputStreamWriter(out.create(SIGNALS), StandardCharsets.US_ASCII))
                {
                    signals.writeTo(vcd, "nicsim " + RunSummary.version());
                }
            }
            final StringBuilder text = new StringBuilder();
            for (final EventTrace.Entry entry : timeline.entries())
            {
                text.append(entry.format()).append('\n');
            }
            out.writeString(TIMELINE, text.toString());
            addCausality();
            out.writeString(TRACE, Json.write(perfetto.toJson()));
            out.writeString(SUMMARY, Json.write(summary));
            out.commit();
        }
        catch (final IOException e)
        {
            out.abandon();
            throw new UncheckedIOException("writing the run's files into " + out.target(), e);
        }
    }

    /* Hardware activity from the causality log: each event's wait, on a track of its host, PCIe by direction. */
    private void addCausality()
    {
        for (int record = 0; record < causality.size(); record++)
        {
            final Component component = causality.component(record);
            if (component == Component.HOST_CPU || component == Component.EXTERNAL)
            {
                continue;
            }
            final String name = causality.name(record);
            final int dot = name.indexOf('.');
            final String process = dot > 0 && dot <= 2 ? "host " + name.substring(0, dot) : "network";
            final String event = dot > 0 ? name.substring(dot + 1) : name;
            final String track = switch (component)
            {
                case PCIE_DMA -> event.contains("dma-read") || event.contains("mmio") ? "PCIe to device" :
                    "PCIe to host";
                case NIC_PIPELINE -> "NIC " + nicBlock(event);
                case MAC_WIRE -> "MAC " + nicBlock(event);
                case INTERRUPT_MODERATION -> "interrupt moderation";
                default -> "timers";
            };
            perfetto.slice(process, track, event, RunSummary.key(component.label()), causality.issuedAt(record),
                causality.time(record), Map.of());
        }
    }

    /* "nic.tx0.fetch" is queue tx0's block; "nic.tx-engine" the TX engine. */
    private static String nicBlock(final String event)
    {
        final String[] parts = event.split("\\.");
        return parts.length > 1 ? parts[1] : event;
    }

    /*
     * Where Linux runs each activity: system calls in process context; a NAPI poll or reclaim (started as driver work)
     * and protocol timers (stack work) in softirq; interrupt entry in hardirq. The slice's name keeps the use.
     */
    private static String cpuTrack(final HostCpu cpu, final int core, final CpuUse use)
    {
        final String context = switch (use)
        {
            case SYSCALL -> "syscall";
            case DRIVER, STACK -> "softirq";
            case IRQ -> "hardirq";
        };
        return cpu.cores() == 1 ? "cpu " + context : "cpu" + core + " " + context;
    }
}
