package dev.nicsim.tools.sweep;

import dev.nicsim.tools.config.ConfigException;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.demo.DaytimeDemo;
import dev.nicsim.tools.demo.LatencyBreakdown;
import dev.nicsim.tools.report.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The daytime demo at each point: connect()'s latency and its critical-path breakdown, in nanoseconds. */
final class DemoTarget implements SweepTarget
{
    static final String NAME = "demo";
    private static final String LATENCY = "connect_latency_ns";

    /** The demo takes no arguments of its own. */
    static SweepTarget parse(final List<String> arguments)
    {
        if (!arguments.isEmpty())
        {
            throw new ConfigException("the demo target takes no arguments, got " + arguments);
        }
        return new DemoTarget();
    }

    @Override
    public List<String> arguments()
    {
        return List.of(NAME);
    }

    @Override
    public PointResult run(final Settings settings)
    {
        final DaytimeDemo.Result result = DaytimeDemo.measure(settings);
        final Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put(LATENCY, result.connectLatencyPs() / 1000.0);
        result.breakdown().parts().forEach((part, ps) -> metrics.put(metricName(part), ps / 1000.0));
        return new PointResult(metrics, Json.write(DaytimeDemo.summary(result, settings)));
    }

    @Override
    public List<Plot> plots()
    {
        final List<String> parts = new ArrayList<>();
        for (final String part : LatencyBreakdown.PARTS)
        {
            parts.add(metricName(part));
        }
        return List.of(new Plot("breakdown", "connect() latency by component", Plot.Style.STACKED, parts),
            new Plot("latency", "connect() latency", Plot.Style.SERIES, List.of(LATENCY)));
    }

    /** "PCIe/DMA" becomes pcie_dma_ns, "MAC and wire" mac_and_wire_ns. */
    static String metricName(final String part)
    {
        return part.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_") + "_ns";
    }
}
