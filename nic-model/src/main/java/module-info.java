/**
 * The NIC design. It exports {@code dev.nicsim.nic.regs} (the datasheet in code) to everyone, drivers included, and
 * the device itself only to the composition roots ({@code dev.nicsim.tools}, {@code dev.nicsim.bench}): a driver
 * knows the device through its registers and DMA memory alone.
 */
module dev.nicsim.nic {
    requires transitive dev.nicsim.hw;

    exports dev.nicsim.nic.regs;
    exports dev.nicsim.nic to dev.nicsim.tools, dev.nicsim.bench;
}
