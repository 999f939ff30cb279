package dev.nicsim.driver;

import dev.nicsim.hw.host.HostCpu;
import dev.nicsim.hw.mem.DmaAllocator;
import dev.nicsim.hw.pcie.PciFunction;
import dev.nicsim.hw.pcie.RootComplex;

/**
 * Everything a host hands the driver it binds to its NIC: what a kernel gives a PCI driver's probe (the function, and
 * through the root complex memory, IOMMU and interrupt controller), its DMA allocator, the CPU that runs driver code
 * and the driver's parameters.
 *
 * @param name      the network interface's name ("A.eth0"), used in traces and messages
 * @param function  the NIC's PCI function (configuration space and BAR 0)
 * @param root      the host's root complex: simulator, memory, IOMMU, interrupt controller
 * @param allocator DMA-coherent memory for rings and buffers
 * @param cpu       the host CPU that driver work is charged to
 * @param config    ring sizes, budget, ITR, timeouts
 */
public record DriverContext(String name, PciFunction function, RootComplex root, DmaAllocator allocator, HostCpu cpu,
                            DriverConfig config)
{
}
