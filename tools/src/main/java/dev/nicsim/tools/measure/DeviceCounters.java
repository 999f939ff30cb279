package dev.nicsim.tools.measure;

import dev.nicsim.driver.DeviceDriver;
import dev.nicsim.driver.NicDriver;
import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.eth.EthernetSwitch;
import dev.nicsim.hw.host.CpuUse;
import dev.nicsim.hw.pcie.PcieLink;
import dev.nicsim.hw.pcie.device.DmaEngine;
import dev.nicsim.nic.regs.Counters;
import dev.nicsim.nic.regs.QueueCounters;
import dev.nicsim.stack.context.StackStats;
import dev.nicsim.tools.testbed.Host;
import dev.nicsim.tools.testbed.Network;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Every counter of a testbed at one moment, gem5 {@code stats.txt} style: one flat, ordered map from a dotted name
 * ({@code A.nic.interrupts}, {@code A.pcie.upstream.bytes}, {@code switch.port0.tail_drops}) to a count. Read from
 * the model directly, not over MMIO, so that measuring does not disturb the run. Two snapshots subtract into the
 * counts of the window between them.
 */
public final class DeviceCounters
{
    private final Map<String, Long> values;

    private DeviceCounters(final Map<String, Long> values)
    {
        this.values = values;
    }

    /** What every host, NIC, PCIe link, Ethernet link and the switch have counted so far. */
    public static DeviceCounters of(final Network network)
    {
        final Map<String, Long> values = new LinkedHashMap<>();
        for (final Host host : network.hosts())
        {
            hostCounters(values, host);
        }
        for (final EthernetLink link : network.links())
        {
            values.put(link.name() + ".a_to_b.frames", link.a().framesSent());
            values.put(link.name() + ".a_to_b.bytes", link.a().bytesSent());
            values.put(link.name() + ".b_to_a.frames", link.b().framesSent());
            values.put(link.name() + ".b_to_a.bytes", link.b().bytesSent());
        }
        final EthernetSwitch fabric = network.fabric();
        if (fabric != null)
        {
            values.put("switch.forwarded", fabric.forwarded());
            values.put("switch.flooded", fabric.flooded());
            values.put("switch.tail_drops", fabric.tailDrops());
            for (int port = 0; port < fabric.portCount(); port++)
            {
                values.put("switch.port" + port + ".tail_drops", fabric.tailDrops(port));
            }
        }
        return new DeviceCounters(values);
    }

    private static void hostCounters(final Map<String, Long> values, final Host host)
    {
        final String h = host.name() + ".";
        for (final CpuUse use : CpuUse.ALL)
        {
            values.put(h + "cpu." + use.label() + "_ps", host.cpu().busyPs(use));
        }
        values.put(h + "cpu.busy_ps", host.cpu().busyPs());
        if (host.cpu().cores() > 1)
        {
            for (int core = 0; core < host.cpu().cores(); core++)
            {
                final String c = h + "cpu" + core + ".";
                for (final CpuUse use : CpuUse.ALL)
                {
                    values.put(c + use.label() + "_ps", host.cpu().busyPs(core, use));
                }
                values.put(c + "busy_ps", host.cpu().busyPs(core));
            }
        }

        final DeviceDriver driver = host.driver();
        values.put(h + "driver.rx_interrupts", driver.rxInterrupts());
        values.put(h + "driver.tx_interrupts", driver.txInterrupts());
        values.put(h + "driver.other_interrupts", driver.otherInterrupts());
        if (driver instanceof NicDriver builtIn)
        {
            // The built-in driver's own counts of its work; a C or other Java driver keeps its own.
            values.put(h + "driver.polls", builtIn.polls());
            values.put(h + "driver.doorbells", builtIn.doorbells());
            values.put(h + "driver.frames_sent", builtIn.framesSent());
            values.put(h + "driver.frames_received", builtIn.framesReceived());
            values.put(h + "driver.tx_ring_full", builtIn.txNoSlot());
        }
        for (int q = 0; driver.rxQueues() > 1 && q < driver.rxQueues(); q++)
        {
            // Per queue, whatever the driver: the NIC's QPRC/QBRC/QPTC/QBTC and the host's count of handler runs.
            final String queue = h + "queue" + q + ".";
            values.put(queue + "rx_frames", host.nic().queueCounter(q, QueueCounters.QPRC));
            values.put(queue + "rx_bytes", host.nic().queueCounter(q, QueueCounters.QBRC));
            values.put(queue + "tx_frames", host.nic().queueCounter(q, QueueCounters.QPTC));
            values.put(queue + "tx_bytes", host.nic().queueCounter(q, QueueCounters.QBTC));
            values.put(queue + "rx_interrupts", driver.rxInterrupts(q));
            values.put(queue + "tx_interrupts", driver.txInterrupts(q));
        }

        values.put(h + "mmio.reads", host.nic().function().bar0().reads());
        values.put(h + "mmio.writes", host.nic().function().bar0().writes());
        for (int counter = 0; counter < Counters.COUNT; counter++)
        {
            values.put(h + "nic." + Counters.name(counter).toLowerCase(Locale.ROOT),
                host.nic().counter(counter));
        }

        final DmaEngine dma = host.slot().dma();
        values.put(h + "dma.reads", dma.readsIssued());
        values.put(h + "dma.read_bytes", dma.bytesRead());
        values.put(h + "dma.writes", dma.writesIssued());
        values.put(h + "dma.write_bytes", dma.bytesWritten());
        values.put(h + "dma.msix_messages", dma.messagesSent());
        values.put(h + "dma.read_tag_ps", dma.tagTimePs());
        values.put(h + "dma.read_tag_waits", dma.tagWaits());
        values.put(h + "dma.completer_busy_ps", dma.completerBusyPs());
        direction(values, h + "pcie.upstream.", host.slot().link().upstream());
        direction(values, h + "pcie.downstream.", host.slot().link().downstream());

        final StackStats stack = host.stack().stats();
        values.put(h + "stack.frames_received", stack.framesReceived);
        values.put(h + "stack.frames_dropped", stack.framesDropped());
        if (host.stack().config().gro())
        {
            values.put(h + "stack.gro_merged", host.eth0().groMerged());
        }
        values.put(h + "stack.segments_sent", stack.segmentsSent);
        values.put(h + "stack.segments_received", stack.segmentsReceived);
        values.put(h + "stack.datagrams_sent", stack.datagramsSent);
        values.put(h + "stack.datagrams_received", stack.datagramsReceived);
        values.put(h + "tcp.retransmissions", stack.retransmissions);
        values.put(h + "tcp.fast_retransmissions", stack.fastRetransmissions);
        values.put(h + "tcp.timeout_retransmissions", stack.timeoutRetransmissions);
        values.put(h + "tcp.loss_probes", stack.lossProbes);
        values.put(h + "tcp.rack_losses", stack.rackLosses);
        values.put(h + "tcp.resets_sent", stack.resetsSent);
        values.put(h + "arp.requests_sent", host.eth0().arp().requestsSent());
    }

    private static void direction(final Map<String, Long> values, final String prefix,
        final PcieLink.Direction direction)
    {
        values.put(prefix + "tlps", direction.tlpsSent());
        values.put(prefix + "bytes", direction.bytesSent());
        values.put(prefix + "busy_ps", direction.busyPs());
    }

    /** The counts between {@code before} and this snapshot. */
    public DeviceCounters since(final DeviceCounters before)
    {
        final Map<String, Long> difference = new LinkedHashMap<>();
        values.forEach((name, value) -> difference.put(name, value - before.values.getOrDefault(name, 0L)));
        return new DeviceCounters(difference);
    }

    /** A counter by name, or 0 when this testbed has no such counter. */
    public long get(final String name)
    {
        return values.getOrDefault(name, 0L);
    }

    /** Every counter, in a stable order. */
    public Map<String, Long> values()
    {
        return Collections.unmodifiableMap(values);
    }

    /** gem5 stats.txt style: one {@code name value} line per counter, names padded to one column. */
    public String text()
    {
        int width = 0;
        for (final String name : values.keySet())
        {
            width = Math.max(width, name.length());
        }
        final StringBuilder text = new StringBuilder();
        for (final Map.Entry<String, Long> entry : values.entrySet())
        {
            text.append(entry.getKey()).append(" ".repeat(width - entry.getKey().length() + 2))
                .append(entry.getValue()).append('\n');
        }
        return text.toString();
    }
}
