package dev.nicsim.tools.sweep;

import java.awt.Color;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One colour per component, the same in every plot, so that "PCIe/DMA" is orange whether the plot shows connect() or
 * a perf test. Known components have their colour fixed here; any other metric gets one from its name's hash.
 */
final class SeriesColours
{
    /* Tableau 10: distinct for readers with the common colour-vision deficiencies. */
    private static final Color[] PALETTE = {new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759),
        new Color(0x76B7B2), new Color(0x59A14F), new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7),
        new Color(0x9C755F), new Color(0xBAB0AC)};
    private static final Map<String, Color> COMPONENTS = Map.of("host_cpu", PALETTE[0], "pcie_dma", PALETTE[1],
        "nic_pipeline", PALETTE[3], "mac_and_wire", PALETTE[4], "interrupt_moderation", PALETTE[2], "peer_stack",
        PALETTE[6], "timers", PALETTE[8]);

    private SeriesColours()
    {
    }

    /** The colour of a metric, by its name without the unit. */
    static Color of(final String metric)
    {
        final String stem = stem(metric);
        final Color fixed = COMPONENTS.get(stem);
        return fixed != null ? fixed : PALETTE[Math.floorMod(stem.hashCode(), PALETTE.length)];
    }

    /**
     * The colours of the metrics of one plot: each its own ({@link #of}), except that a metric whose colour an
     * earlier one in the plot already has takes the first colour still free, so no two series look alike.
     */
    static Map<String, Color> of(final List<String> metrics)
    {
        final Map<String, Color> colours = new LinkedHashMap<>();
        for (final String metric : metrics)
        {
            Color colour = of(metric);
            for (int i = 0; colours.containsValue(colour) && i < PALETTE.length; i++)
            {
                colour = PALETTE[i];
            }
            colours.put(metric, colour);
        }
        return colours;
    }

    /** The n-th colour, for series that are not components (one line per value of another key). */
    static Color nth(final int n)
    {
        return PALETTE[n % PALETTE.length];
    }

    /** {@code host_cpu_ns} without its unit: {@code host_cpu}; {@code interrupts_per_s}: {@code interrupts}. */
    static String stem(final String metric)
    {
        if (metric.indexOf('_') < 0)
        {
            return metric;
        }
        final String unit = metric.endsWith("_per_s") ? "_per_s" : metric.substring(metric.lastIndexOf('_'));
        return metric.substring(0, metric.length() - unit.length());
    }
}
