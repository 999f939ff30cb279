/**
 * The TCP/UDP/IPv4 stack: wire views over memory, the interface layer (ARP, routing, ICMP, IPv4, reassembly),
 * UDP and TCP, the socket layer, a POSIX facade with errno and process memory, an idiomatic Java socket API, and the
 * {@code NetDevice} interface that drivers implement (with a paired device and loopback of its own).
 *
 * <p>Exported: what hosts, drivers, testbeds and applications use. The stack and its counters; the device contract;
 * the interface layer (addresses, routes, ARP entries of a host); the POSIX facade and the Java API; the socket
 * package's constants, errno values and configuration with the policies it names; the wire views (addresses and
 * frame layouts for testbeds and traces). The protocol machinery itself (packages {@code tcp} and {@code udp}: state
 * machines, control blocks, connection and port tables) stays inside the module.
 */
module dev.nicsim.stack {
    requires transitive dev.nicsim.hw;
    requires org.bouncycastle.provider;

    exports dev.nicsim.stack;
    exports dev.nicsim.stack.api;
    exports dev.nicsim.stack.device;
    exports dev.nicsim.stack.iface;
    exports dev.nicsim.stack.posix;
    exports dev.nicsim.stack.socket;
    exports dev.nicsim.stack.wire;
}
