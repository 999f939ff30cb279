package dev.nicsim.nic.regs;

/**
 * What identifies an NS-1: its PCI IDs and the values of the identification header (datasheet §1, §3.2). A driver
 * checks {@link NicRegisters#ID} and the major of {@link NicRegisters#VERSION} before touching anything else.
 */
public final class DeviceIdentity
{
    /** PCI vendor ID: simulation only, assigned to nobody. */
    public static final int PCI_VENDOR_ID = 0x4E53;
    public static final int PCI_DEVICE_ID = 0x0001;
    public static final int PCI_REVISION = 0x01;

    /** Value of the ID register: "NS01". */
    public static final int ID_VALUE = 0x4E533031;
    public static final int VERSION_MAJOR = 1;
    public static final int VERSION_MINOR = 0;
    public static final int VERSION_VALUE = VERSION_MAJOR << 16 | VERSION_MINOR;

    /* FEATURES bits. */
    public static final int FEATURE_TX_CSUM = 1;
    public static final int FEATURE_RX_CSUM = 1 << 1;
    public static final int FEATURE_MSIX = 1 << 2;
    public static final int FEATURE_STATS64 = 1 << 3;
    public static final int FEATURE_MULTI_QUEUE = 1 << 4;
    /** Receive-side scaling: MRQC, RETA and RSSRK (datasheet §3.6). */
    public static final int FEATURE_RSS = 1 << 5;
    /** TCP segmentation offload: CMD.TSE in TX descriptors (datasheet §4.3). Present only when the device has it. */
    public static final int FEATURE_TSO = 1 << 6;
    /** FEATURES of a device without TSO; one with TSO adds {@link #FEATURE_TSO}. */
    public static final int FEATURES_VALUE = FEATURE_TX_CSUM | FEATURE_RX_CSUM | FEATURE_MSIX | FEATURE_STATS64 |
        FEATURE_MULTI_QUEUE | FEATURE_RSS;

    /* QUEUES fields. */
    public static final int QUEUES_TX_SHIFT = 0;
    public static final int QUEUES_RX_SHIFT = 8;
    public static final int QUEUES_VECTORS_SHIFT = 16;

    private DeviceIdentity()
    {
    }

    /** The VERSION register's major version. */
    public static int major(final int version)
    {
        return version >>> 16;
    }

    /** The QUEUES register's field at {@code shift}. */
    public static int queuesField(final int queues, final int shift)
    {
        return (queues >>> shift) & 0xFF;
    }
}
