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
import dev.nicsim.tools.config.PlatformParameters;
import dev.nicsim.tools.config.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Shows what the platform model makes of Ethernet and PCIe parameters, measured by running the model. */
@Command(name = "timing",
    mixinStandardHelpOptions = true,
    description = {"Show the platform's modeled timings: how long frames hold the wire, how long DMA reads take, " +
        "and which of the two limits a stream of frames.",
        "Each figure comes from running the model, so it reflects every parameter given."},
    footer = {"", "Examples:", "  nicsim timing --set link.rate_gbps=25",
        "  nicsim timing --set link.rate_gbps=100 --set pcie.lanes=16   # PCIe limits"})
final class TimingCommand implements Runnable
{
    @Mixin
    private SettingsOptions options;

    @Override
    public void run()
    {
        final Settings settings = options.resolve();
        final EthernetConfig ethernet = PlatformParameters.ethernet(settings);
        final PcieConfig pcie = PlatformParameters.pcie(settings);

        System.out.printf("Ethernet at %s Gb/s (preamble+SFD 8 B, IFG %d B):%n",
            settings.text(PlatformParameters.LINK_RATE), ethernet.interFrameGapBytes());
        for (final int frame : new int[] {64, 512, 1518})
        {
            final long wire = ethernet.wireTimePs(frame);
            System.out.printf("  %5d-byte frame holds the wire %12s  -> %,13d frames/s back to back%n", frame,
                Time.format(wire), Time.S / wire);
        }

        System.out.printf("%nPCIe Gen%d x%d (MPS %d B, MRRS %d B):%n", pcie.generation(), pcie.lanes(),
            pcie.maxPayloadBytes(), pcie.maxReadRequestBytes());
        for (final int size : new int[] {16, 64, 256, 1518, 4096})
        {
            System.out.printf("  DMA read of %5d bytes completes after %s%n", size,
                Time.format(measureRead(pcie, size, 1)));
        }
        System.out.printf("  MMIO write reaches the device after %s; an MMIO read stalls the CPU for %s%n",
            Time.format(pcie.mmioWriteIssuePs() + pcie.serializationPs(PcieConfig.REQUEST_OVERHEAD_BYTES + 4) +
                pcie.mmioWriteLatencyPs()), Time.format(pcie.mmioReadLatencyPs()));

        System.out.printf("%nBottleneck for a stream of frames sent back to back (the NIC reads each frame by DMA, %d " +
            "reads in flight):%n", pcie.maxOutstandingReads());
        for (final int frame : new int[] {64, 512, 1518})
        {
            final long wire = ethernet.wireTimePs(frame);
            final long dma = measureRead(pcie, frame, STREAM) / STREAM;
            System.out.printf("  %5d-byte frames: wire %12s each, PCIe %12s each -> %s limits the rate to %,d " +
                "frames/s%n", frame, Time.format(wire), Time.format(dma), dma > wire ? "PCIe" : "the wire",
                Time.S / Math.max(wire, dma));
        }
    }

    /** Reads issued at once to measure PCIe's sustained rate: enough that the first read's latency is amortized. */
    private static final int STREAM = 256;

    /** Issues {@code count} DMA reads at once through a fresh platform and returns when the last completed. */
    private static long measureRead(final PcieConfig pcie, final int size, final int count)
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
        final int[] remaining = {count};
        for (int i = 0; i < count; i++)
        {
            slot.dma().read(buffer.busAddress(), size, local, 0, (tag, status) ->
            {
                if (--remaining[0] == 0)
                {
                    done[0] = sim.now();
                }
            }, i);
        }
        sim.runUntil(() -> done[0] >= 0, Time.seconds(1));
        return done[0];
    }
}
