package dev.nicsim.hw.pcie.device;

import dev.nicsim.hw.pcie.Mmio;
import dev.nicsim.hw.pcie.PciConfigSpace;
import dev.nicsim.hw.pcie.PciFunction;
import dev.nicsim.hw.pcie.PcieConfig;
import dev.nicsim.hw.pcie.PcieLink;
import dev.nicsim.hw.pcie.RegisterSpace;
import dev.nicsim.hw.pcie.RootComplex;
import dev.nicsim.hw.sim.Simulator;

/**
 * One PCIe slot of a host: a link to the root complex, a function's configuration space and a DMA engine for the
 * device that is plugged in. The device model gets {@link #dma()} and {@link #config()}; once it is
 * {@link #plug(RegisterSpace) plugged}, software gets {@link #function()}.
 */
public final class PcieSlot
{
    private final Simulator sim;
    private final RootComplex root;
    private final PcieLink link;
    private final PciConfigSpace config;
    private final DmaEngine dma;
    private final String name;
    private PciFunction function;
    private long barAddress;

    public PcieSlot(final RootComplex root, final PcieConfig pcie, final String name, final int vendorId,
        final int deviceId, final int revision)
    {
        this.sim = root.sim();
        this.root = root;
        this.link = new PcieLink(pcie);
        this.config = new PciConfigSpace(vendorId, deviceId, revision);
        this.dma = new DmaEngine(sim, link, root, config, name);
        this.name = name;
    }

    public String name()
    {
        return name;
    }

    public Simulator sim()
    {
        return sim;
    }

    public PcieLink link()
    {
        return link;
    }

    public PciConfigSpace config()
    {
        return config;
    }

    public DmaEngine dma()
    {
        return dma;
    }

    public RootComplex root()
    {
        return root;
    }

    /** Connects the device's registers as BAR 0 and makes the function visible to software. */
    public PciFunction plug(final RegisterSpace registers)
    {
        if (function != null)
        {
            throw new IllegalStateException("slot " + name + " already has a device");
        }
        barAddress = root.assignBar(registers.size(), name);
        final Mmio bar0 = new Mmio(sim, link, registers, config, name);
        function = new PciFunction(sim, link.config(), config, bar0, name);
        return function;
    }

    /** Software's handle; null until a device is plugged. */
    public PciFunction function()
    {
        return function;
    }

    /** The bus address of BAR 0 (so a device can recognize DMA aimed at itself). */
    public long barAddress()
    {
        return barAddress;
    }
}
