package dev.nicsim.hw.pcie;

import dev.nicsim.hw.sim.Simulator;

/**
 * Software's handle on one PCI function: its configuration space (through non-posted configuration accesses that
 * stall the CPU like MMIO reads) and its BAR 0. This is all a driver gets of the device.
 */
public final class PciFunction
{
    private final Simulator sim;
    private final PcieConfig pcie;
    private final PciConfigSpace config;
    private final Mmio bar0;
    private final String name;

    public PciFunction(final Simulator sim, final PcieConfig pcie, final PciConfigSpace config, final Mmio bar0,
        final String name)
    {
        this.sim = sim;
        this.pcie = pcie;
        this.config = config;
        this.bar0 = bar0;
        this.name = name;
    }

    public String name()
    {
        return name;
    }

    public int configRead16(final int offset)
    {
        sim.consume(pcie.mmioReadLatencyPs());
        return config.read16(offset);
    }

    public void configWrite16(final int offset, final int value)
    {
        sim.consume(pcie.mmioReadLatencyPs());
        config.write16(offset, value);
    }

    /** Sets memory-space and bus-master enable: the device may now answer MMIO and do DMA. */
    public void enableBusMaster()
    {
        configWrite16(PciConfigSpace.OFFSET_COMMAND, configRead16(PciConfigSpace.OFFSET_COMMAND) |
            PciConfigSpace.COMMAND_MEMORY_SPACE | PciConfigSpace.COMMAND_BUS_MASTER);
    }

    /** Clears bus-master enable: the device may no longer do DMA. */
    public void disableBusMaster()
    {
        configWrite16(PciConfigSpace.OFFSET_COMMAND, configRead16(PciConfigSpace.OFFSET_COMMAND) &
            ~PciConfigSpace.COMMAND_BUS_MASTER);
    }

    public Mmio bar0()
    {
        return bar0;
    }
}
