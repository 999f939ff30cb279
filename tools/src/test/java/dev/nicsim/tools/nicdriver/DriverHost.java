package dev.nicsim.tools.nicdriver;

import dev.nicsim.driver.DriverConfig;
import dev.nicsim.driver.NicDriver;
import dev.nicsim.hw.eth.EthernetLink.EthernetPort;
import dev.nicsim.hw.host.CpuCosts;
import dev.nicsim.hw.host.HostCpu;
import dev.nicsim.hw.mem.DmaAllocator;
import dev.nicsim.hw.mem.HostMemory;
import dev.nicsim.hw.mem.Iommu;
import dev.nicsim.hw.pcie.InterruptController;
import dev.nicsim.hw.pcie.PcieConfig;
import dev.nicsim.hw.pcie.RootComplex;
import dev.nicsim.hw.pcie.device.PcieSlot;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.nic.Nic;
import dev.nicsim.nic.NicConfig;
import dev.nicsim.nic.regs.DeviceIdentity;

/**
 * One host for driver tests: memory, IOMMU, interrupt controller and CPU, an NS-1 in its PCIe slot on one end of a
 * link, and the driver bound to it (not probed yet).
 */
final class DriverHost
{
    final Simulator sim;
    final HostMemory memory = new HostMemory(16L << 20);
    final Iommu iommu = new Iommu(memory);
    final DmaAllocator allocator = new DmaAllocator(memory);
    final InterruptController interrupts;
    final RootComplex root;
    final PcieSlot slot;
    final Nic nic;
    final HostCpu cpu;
    final NicDriver driver;

    DriverHost(final Simulator sim, final String name, final EthernetPort port, final NicConfig nicConfig,
        final DriverConfig driverConfig)
    {
        this.sim = sim;
        this.interrupts = new InterruptController(sim, 0);
        this.root = new RootComplex(sim, memory, iommu, interrupts);
        this.slot = new PcieSlot(root, PcieConfig.defaults(), name + ".nic", DeviceIdentity.PCI_VENDOR_ID,
            DeviceIdentity.PCI_DEVICE_ID, DeviceIdentity.PCI_REVISION);
        this.nic = new Nic(slot, port, nicConfig);
        this.cpu = new HostCpu(sim, CpuCosts.defaults(), name + ".cpu");
        this.driver = new NicDriver(name + ".eth0", nic.function(), root, allocator, cpu, driverConfig);
    }
}
