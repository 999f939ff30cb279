package dev.nicsim.hw.pcie.device;

import dev.nicsim.hw.mem.DmaFault;

/** Told of every refused DMA, at the moment it is refused: a device's strict mode stops the simulation here. */
@FunctionalInterface
public interface DmaFaultListener
{
    void dmaFault(DmaFault fault);
}
