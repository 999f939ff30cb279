/** The TCP/UDP/IPv4 stack, its sockets and POSIX facade, and the {@code NetDevice} interface drivers implement. */
module dev.nicsim.stack {
    requires transitive dev.nicsim.hw;

    exports dev.nicsim.stack.device;
}
