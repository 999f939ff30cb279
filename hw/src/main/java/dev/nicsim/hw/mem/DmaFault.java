package dev.nicsim.hw.mem;

import dev.nicsim.hw.sim.Time;

/** A device's DMA that was refused: nothing was read or written. */
public record DmaFault(String device, long busAddress, long length, boolean write, String reason, long time)
{
    public String message()
    {
        return device + ": DMA " + (write ? "write" : "read") + " of " + length + " bytes at bus address 0x" +
            Long.toHexString(busAddress) + " refused at " + Time.format(time) + ": " + reason;
    }
}
