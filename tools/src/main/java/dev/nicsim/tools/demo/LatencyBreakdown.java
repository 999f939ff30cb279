package dev.nicsim.tools.demo;

import dev.nicsim.hw.sim.CriticalPath;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A call's latency split into the parts a co-design session asks about: the caller's host CPU, PCIe and DMA, the NIC
 * pipeline, MAC and wire, interrupt moderation, the peer's stack (software on the other host) and protocol timers.
 * It comes from the call's critical path, so the parts are measured, not estimated, and sum exactly to the total.
 */
public final class LatencyBreakdown
{
    /** The parts, in the order they are shown. */
    public static final String HOST_CPU = "host CPU";
    public static final String PCIE_DMA = "PCIe/DMA";
    public static final String NIC_PIPELINE = "NIC pipeline";
    public static final String MAC_WIRE = "MAC and wire";
    public static final String MODERATION = "interrupt moderation";
    public static final String PEER_STACK = "peer stack";
    public static final String TIMERS = "timers";
    public static final List<String> PARTS = List.of(HOST_CPU, PCIE_DMA, NIC_PIPELINE, MAC_WIRE, MODERATION,
        PEER_STACK, TIMERS);

    private final Map<String, Long> parts = new LinkedHashMap<>();
    private final long total;

    private LatencyBreakdown(final CriticalPath path, final String peerPrefix)
    {
        for (final String part : PARTS)
        {
            parts.put(part, 0L);
        }
        for (final CriticalPath.Segment segment : path.segments())
        {
            parts.merge(part(segment, peerPrefix), segment.duration(), Long::sum);
        }
        this.total = path.total();
    }

    /**
     * Splits a critical path. Software time on the host whose parts are named with {@code peerPrefix} ("B.") counts
     * as the peer's stack; all other software time is the caller's host CPU.
     */
    public static LatencyBreakdown of(final CriticalPath path, final String peerPrefix)
    {
        return new LatencyBreakdown(path, peerPrefix);
    }

    private static String part(final CriticalPath.Segment segment, final String peerPrefix)
    {
        return switch (segment.component())
        {
            case HOST_CPU -> segment.event().startsWith(peerPrefix) ? PEER_STACK : HOST_CPU;
            case PCIE_DMA -> PCIE_DMA;
            case NIC_PIPELINE -> NIC_PIPELINE;
            case MAC_WIRE -> MAC_WIRE;
            case INTERRUPT_MODERATION -> MODERATION;
            case TIMER, EXTERNAL -> TIMERS;
        };
    }

    /** Picoseconds per part, every part present (zero where nothing was spent), in display order. */
    public Map<String, Long> parts()
    {
        return Collections.unmodifiableMap(parts);
    }

    /** The whole interval in picoseconds: the sum of the parts. */
    public long total()
    {
        return total;
    }
}
