/**
 * The NIC driver. It sees only hw's host-side API (MMIO, host memory, DMA allocator, interrupts), the register map
 * in {@code dev.nicsim.nic.regs} and the stack's {@code NetDevice}: the module system keeps everything else out.
 */
module dev.nicsim.driver {
    requires dev.nicsim.hw;
    requires dev.nicsim.nic;
    requires dev.nicsim.stack;
}
