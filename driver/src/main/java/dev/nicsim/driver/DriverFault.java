package dev.nicsim.driver;

/**
 * Deliberate driver mistakes, for showing what the device does when driven wrongly (strict mode stops the simulation
 * with the datasheet's message; silicon mode behaves as hardware would). A correct driver uses {@link #NONE}.
 */
public enum DriverFault
{
    /** A correct driver. */
    NONE,
    /** Places the TX ring 64 bytes past a 128-byte boundary (datasheet error RING_BASE_MISALIGNED). */
    MISALIGNED_RING,
    /** Never sets PCI bus mastering (DMA_BUS_MASTER_OFF at the first fetch). */
    NO_BUS_MASTER,
    /** Does not map the RX buffers in the IOMMU (DMA_UNMAPPED at the first received frame). */
    UNMAPPED_RX_BUFFERS,
    /** Unmasks the MSI-X vectors before programming their address (MSIX_UNPROGRAMMED). */
    UNMASK_BEFORE_PROGRAMMING
}
