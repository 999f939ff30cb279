/**
 * The simulation kernel and the hardware platform: simulated time, clock domains and events; host memory with its
 * DMA allocator and IOMMU; PCIe (DMA, MMIO, MSI-X); Ethernet links with fault injection; pcap and VCD tracing.
 *
 * <p>Everything a device, a driver or a stack needs to live in simulated time is here; nothing here knows about NICs
 * or protocols.
 */
module dev.nicsim.hw {
    requires transitive jdk.management;

    exports dev.nicsim.hw.sim;
    exports dev.nicsim.hw.mem;
    exports dev.nicsim.hw.host;
    exports dev.nicsim.hw.eth;
    exports dev.nicsim.hw.trace;
    /* The host's view of PCIe: MMIO access to a BAR and interrupt delivery. */
    exports dev.nicsim.hw.pcie;
    /* The device's view of PCIe (DMA engine, BAR decoding, MSI-X table): only for device models and the
       composition roots that wire them up. A driver never sees it. */
    exports dev.nicsim.hw.pcie.device to dev.nicsim.nic, dev.nicsim.tools, dev.nicsim.bench;
}
