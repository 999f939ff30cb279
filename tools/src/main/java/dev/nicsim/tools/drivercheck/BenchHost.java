package dev.nicsim.tools.drivercheck;

import dev.nicsim.driver.DeviceDriver;
import dev.nicsim.driver.DriverConfig;
import dev.nicsim.driver.DriverContext;
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
import dev.nicsim.nic.MisuseMode;
import dev.nicsim.nic.Nic;
import dev.nicsim.nic.NicConfig;
import dev.nicsim.nic.regs.DeviceIdentity;

import java.util.function.Function;

/**
 * One host of the kit's bench: 16 MiB of memory behind an IOMMU, an NS-1 (strict mode for the kit) in its PCIe slot, a CPU with
 * the default costs, and the driver the factory makes (not probed yet). The kit looks at what a driver cannot hide:
 * the NIC's own counters and register trace, the allocator and the IOMMU.
 */
public final class BenchHost
{
    final HostMemory memory = new HostMemory(16L << 20);
    final Iommu iommu = new Iommu(memory);
    final DmaAllocator allocator = new DmaAllocator(memory);
    final Nic nic;
    final HostCpu cpu;
    final DeviceDriver driver;

    BenchHost(final Simulator sim, final String name, final EthernetPort port, final long mac,
        final DriverConfig config, final Function<DriverContext, DeviceDriver> factory, final MisuseMode misuse)
    {
        // As on the testbed: taking an interrupt is the driver's CPU work (CpuCosts.interruptPs), not a delay here.
        final InterruptController interrupts = new InterruptController(sim, 0);
        final RootComplex root = new RootComplex(sim, memory, iommu, interrupts);
        final PcieSlot slot = new PcieSlot(root, PcieConfig.defaults(), name + ".nic", DeviceIdentity.PCI_VENDOR_ID,
            DeviceIdentity.PCI_DEVICE_ID, DeviceIdentity.PCI_REVISION);
        // Queues and TSO as the driver's parameters ask (at least the NS-1's default two queues).
        final int queues = Math.max(NicConfig.defaults().txQueues(), config.queues());
        this.nic = new Nic(slot, port, NicConfig.builder().macAddress(mac).misuseMode(misuse).txQueues(queues)
            .rxQueues(queues).tso(config.tso()).build());
        this.cpu = new HostCpu(sim, CpuCosts.defaults(), name + ".cpu");
        this.driver = factory.apply(new DriverContext(name + ".eth0", nic.function(), root, allocator, cpu, config));
    }

    public DeviceDriver driver()
    {
        return driver;
    }

    public Nic nic()
    {
        return nic;
    }

    public HostCpu cpu()
    {
        return cpu;
    }

    public DmaAllocator allocator()
    {
        return allocator;
    }

    public Iommu iommu()
    {
        return iommu;
    }
}
