/** The TCP/UDP/IPv4 stack, its sockets and POSIX facade, and the {@code NetDevice} interface drivers implement. */
module dev.nicsim.stack {
    requires dev.nicsim.hw;
}
