package dev.nicsim.hw.pcie;

/**
 * The part of a PCI function's configuration space that matters here: identity and the command register. The
 * device model reads {@link #busMasterEnabled()} before every DMA; software sets it during probe.
 */
public final class PciConfigSpace
{
    /** Command register: the function responds to memory (MMIO) accesses. */
    public static final int COMMAND_MEMORY_SPACE = 1 << 1;
    /** Command register: the function may initiate DMA. */
    public static final int COMMAND_BUS_MASTER = 1 << 2;

    public static final int OFFSET_VENDOR_ID = 0x00;
    public static final int OFFSET_DEVICE_ID = 0x02;
    public static final int OFFSET_COMMAND = 0x04;
    public static final int OFFSET_REVISION = 0x08;

    private final int vendorId;
    private final int deviceId;
    private final int revision;
    private int command;

    public PciConfigSpace(final int vendorId, final int deviceId, final int revision)
    {
        this.vendorId = vendorId & 0xFFFF;
        this.deviceId = deviceId & 0xFFFF;
        this.revision = revision & 0xFF;
    }

    public int read16(final int offset)
    {
        return switch (offset)
        {
            case OFFSET_VENDOR_ID -> vendorId;
            case OFFSET_DEVICE_ID -> deviceId;
            case OFFSET_COMMAND -> command;
            case OFFSET_REVISION -> revision;
            default -> throw new IllegalArgumentException("configuration register 0x" + Integer.toHexString(offset) +
                " is not modeled (vendor 0x00, device 0x02, command 0x04, revision 0x08 are)");
        };
    }

    public void write16(final int offset, final int value)
    {
        if (offset != OFFSET_COMMAND)
        {
            throw new IllegalArgumentException("configuration register 0x" + Integer.toHexString(offset) +
                " is read-only here; only the command register (0x04) is writable");
        }
        command = value & (COMMAND_MEMORY_SPACE | COMMAND_BUS_MASTER);
    }

    public boolean busMasterEnabled()
    {
        return (command & COMMAND_BUS_MASTER) != 0;
    }

    public boolean memorySpaceEnabled()
    {
        return (command & COMMAND_MEMORY_SPACE) != 0;
    }
}
