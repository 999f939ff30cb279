package dev.nicsim.hw.pcie.device;

/**
 * A device block that issues DMA and is told when each transfer is done. {@code tag} is the caller's own number for
 * the transfer (a ring slot, say), handed back unchanged, so one client can keep many transfers in flight without
 * allocating a callback per transfer.
 */
public interface DmaClient
{
    /**
     * A read's data is in the device's buffer, or a write has left the device (its data becomes visible in host
     * memory a posted-write latency later). {@code status} is {@link DmaEngine#OK} or {@link DmaEngine#FAULT}; after
     * a fault no byte was transferred and {@link DmaEngine#lastFault()} says why.
     */
    void dmaComplete(int tag, int status);
}
