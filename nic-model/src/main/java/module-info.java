/**
 * The NIC design. Will export {@code dev.nicsim.nic.regs} (the datasheet in code) to everyone and the device itself
 * only to the composition roots ({@code dev.nicsim.tools}, {@code dev.nicsim.bench}).
 */
module dev.nicsim.nic {
    requires dev.nicsim.hw;
}
