package dev.nicsim.hw.pcie.device;

import dev.nicsim.hw.mem.DmaAllocator;
import dev.nicsim.hw.mem.HostMemory;
import dev.nicsim.hw.mem.Iommu;
import dev.nicsim.hw.pcie.InterruptController;
import dev.nicsim.hw.pcie.PciConfigSpace;
import dev.nicsim.hw.pcie.PcieConfig;
import dev.nicsim.hw.pcie.RootComplex;
import dev.nicsim.hw.sim.Simulator;

/** A host with one PCIe slot, for tests of the platform itself. */
final class Platform
{
    final Simulator sim = new Simulator();
    final HostMemory memory = new HostMemory(1 << 20);
    final Iommu iommu = new Iommu(memory);
    final DmaAllocator allocator = new DmaAllocator(memory);
    final InterruptController interrupts = new InterruptController(sim, InterruptController.DEFAULT_LATENCY_PS);
    final RootComplex root = new RootComplex(sim, memory, iommu, interrupts);
    final PcieSlot slot;

    Platform(final PcieConfig pcie)
    {
        slot = new PcieSlot(root, pcie, "dev0", 0x1234, 0x5678, 1);
    }

    Platform enableBusMaster()
    {
        slot.config().write16(PciConfigSpace.OFFSET_COMMAND,
            PciConfigSpace.COMMAND_BUS_MASTER | PciConfigSpace.COMMAND_MEMORY_SPACE);
        return this;
    }
}
