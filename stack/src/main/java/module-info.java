/**
 * The TCP/UDP/IPv4 stack: wire views over memory, the interface layer (ARP, routing, ICMP, IPv4, reassembly),
 * UDP and TCP, the socket layer, a POSIX facade with errno and process memory, an idiomatic Java socket API, and the
 * {@code NetDevice} interface that drivers implement (with a paired device and loopback of its own).
 *
 * <p>The packages form a one-way graph, lowest first: {@code wire} (frame views), {@code context} (simulator, CPU,
 * configuration, counters, errno and socket constants), {@code device}, {@code iface} (IPv4, ICMP, ARP, routes),
 * {@code sock} (the socket record and what TCP and UDP share), {@code tcp} and {@code udp}, {@code socket} (the
 * socket calls), {@code posix}, the stack that assembles them, and {@code api}.
 *
 * <p>Exported: what hosts, drivers, testbeds and applications use. The stack; the context's counters, constants,
 * errno values and configuration with the policies it names; the device contract; the interface layer (addresses,
 * routes, ARP entries of a host); the socket record; the POSIX facade and the Java API; the wire views (addresses
 * and frame layouts for testbeds and traces). The protocol machinery itself (packages {@code tcp} and {@code udp}: state
 * machines, control blocks, connection and port tables) stays inside the module.
 */
module dev.nicsim.stack {
    requires transitive dev.nicsim.hw;
    requires org.bouncycastle.provider;

    exports dev.nicsim.stack;
    exports dev.nicsim.stack.api;
    exports dev.nicsim.stack.context;
    exports dev.nicsim.stack.device;
    exports dev.nicsim.stack.iface;
    exports dev.nicsim.stack.posix;
    exports dev.nicsim.stack.sock;
    exports dev.nicsim.stack.socket;
    exports dev.nicsim.stack.wire;
}
