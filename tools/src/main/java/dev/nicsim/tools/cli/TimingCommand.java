package dev.nicsim.tools.cli;

import dev.nicsim.hw.eth.EthernetConfig;
import dev.nicsim.hw.mem.DmaAllocator;
import dev.nicsim.hw.mem.DmaBuffer;
import dev.nicsim.hw.mem.HostMemory;
import dev.nicsim.hw.mem.Iommu;
import dev.nicsim.hw.pcie.InterruptController;
import dev.nicsim.hw.pcie.PciConfigSpace;
import dev.nicsim.hw.pcie.PcieConfig;
import dev.nicsim.hw.pcie.RootComplex;
import dev.nicsim.hw.pcie.device.PcieSlot;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Shows what the platform model makes of Ethernet and PCIe parameters, measured by running the model. */
@Command(name = "timing",
    mixinStandardHelpOptions = true,
    description = {"Show the platform's modeled timings: how long frames hold the wire and how long DMA reads take.",
        "Each figure comes from running the model, so it reflects every parameter given."},
    footer = {"", "Example:", "  nicsim timing --rate-gbps 25 --pcie-gen 4 --pcie-lanes 16"})
final class TimingCommand implements Runnable
{
    @Option(names = "--rate-gbps", defaultValue = "10", description = "Ethernet line rate in Gb/s (default: ${DEFAULT-VALUE}).")
    private double rateGbps;

    @Option(names = "--pcie-gen", defaultValue = "3", description = "PCIe generation, 1 to 5 (default: ${DEFAULT-VALUE}).")
    private int generation;

    @Option(names = "--pcie-lanes", defaultValue = "8", description = "PCIe lanes: 1, 2, 4, 8 or 16 (default: ${DEFAULT-VALUE}).")
    private int lanes;

    @Option(names = "--dma-read-latency-ns", description = "Root complex read latency in ns (default: 515.3).")
    private Double readLatencyNs;

    @Override
    public void run()
    {
        final EthernetConfig ethernet = EthernetConfig.ofCable(Math.round(rateGbps * 1e9), 2.0);
        PcieConfig pcie = PcieConfig.defaults();
        pcie = new PcieConfig(generation, lanes, pcie.maxPayloadBytes(), pcie.maxReadRequestBytes(),
            pcie.maxOutstandingReads(), pcie.readLatencyPs(), pcie.completerPsPerByte(), pcie.postedWriteLatencyPs(),
            pcie.mmioWriteLatencyPs(), pcie.mmioReadLatencyPs(), pcie.mmioWriteIssuePs());
        if (readLatencyNs != null)
        {
            pcie = pcie.withReadLatencyPs(Math.round(readLatencyNs * Time.NS));
        }

        System.out.printf("Ethernet at %s Gb/s (preamble+SFD 8 B, IFG %d B):%n", trim(rateGbps),
            ethernet.interFrameGapBytes());
        for (final int frame : new int[] {64, 512, 1518})
        {
            final long wire = ethernet.wireTimePs(frame);
            System.out.printf("  %5d-byte frame holds the wire %12s  -> %,13d frames/s back to back%n", frame,
                Time.format(wire), Time.S / wire);
        }

        System.out.printf("%nPCIe Gen%d x%d (MPS %d B, MRRS %d B):%n", generation, lanes, pcie.maxPayloadBytes(),
            pcie.maxReadRequestBytes());
        for (final int size : new int[] {16, 64, 256, 1518, 4096})
        {
            System.out.printf("  DMA read of %5d bytes completes after %s%n", size, Time.format(measureRead(pcie, size)));
        }
        System.out.printf("  MMIO write reaches the device after %s; an MMIO read stalls the CPU for %s%n",
            Time.format(pcie.mmioWriteIssuePs() + pcie.serializationPs(PcieConfig.REQUEST_OVERHEAD_BYTES + 4) +
                pcie.mmioWriteLatencyPs()), Time.format(pcie.mmioReadLatencyPs()));
    }

    /** Runs one DMA read through a fresh platform and returns how long it took. */
    private static long measureRead(final PcieConfig pcie, final int size)
    {
        final Simulator sim = new Simulator();
        final HostMemory memory = new HostMemory(1 << 20);
        final Iommu iommu = new Iommu(memory);
        final RootComplex root = new RootComplex(sim, memory, iommu,
            new InterruptController(sim, InterruptController.DEFAULT_LATENCY_PS));
        final PcieSlot slot = new PcieSlot(root, pcie, "probe", 0, 0, 0);
        slot.config().write16(PciConfigSpace.OFFSET_COMMAND, PciConfigSpace.COMMAND_BUS_MASTER);
        final DmaBuffer buffer = new DmaAllocator(memory).allocate(size, 64, "probe");
        iommu.map(buffer, Iommu.Access.READ_ONLY);
        final MemorySegment local = Arena.ofAuto().allocate(size);
        final long[] done = {-1};
        slot.dma().read(buffer.busAddress(), size, local, 0, (tag, status) -> done[0] = sim.now(), 0);
        sim.runUntil(() -> done[0] >= 0, Time.seconds(1));
        return done[0];
    }

    private static String trim(final double value)
    {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
