/**
 * The NIC driver. It sees only hw's host-side API (MMIO, host memory, DMA allocator, interrupts), the register map
 * in {@code dev.nicsim.nic.regs} and the stack's {@code NetDevice}: the module system keeps everything else out
 * (the NIC model itself and hw's device-side PCIe are not exported to it). Besides the built-in Java driver it hosts
 * C drivers through FFM ({@code dev.nicsim.driver.foreign}, needs --enable-native-access=dev.nicsim.driver) and
 * Java drivers of other modules found with ServiceLoader.
 */
module dev.nicsim.driver {
    requires transitive dev.nicsim.hw;
    requires transitive dev.nicsim.stack;
    requires dev.nicsim.nic;

    exports dev.nicsim.driver;
    // The C-driver host itself, for tests and tools that read a C driver's log.
    exports dev.nicsim.driver.foreign to dev.nicsim.tools;

    uses dev.nicsim.driver.DriverProvider;
}
