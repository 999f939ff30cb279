package dev.nicsim.hw.pcie;

/**
 * What answers MMIO accesses to a BAR: a device's register file. Offsets are relative to the BAR and 4-byte aligned;
 * the {@link Mmio} in front of it checks that.
 */
public interface RegisterSpace
{
    /** Size of the BAR in bytes (a power of two). */
    long size();

    int read32(long offset);

    void write32(long offset, int value);
}
