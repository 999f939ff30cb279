/**
 * The TCP/UDP/IPv4 stack: wire views over memory, the interface layer (ARP, routing, ICMP, IPv4, reassembly),
 * UDP and TCP, the socket layer, a POSIX facade with errno and process memory, an idiomatic Java socket API, and the
 * {@code NetDevice} interface that drivers implement (with a paired device and loopback of its own).
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
    exports dev.nicsim.stack.tcp;
    exports dev.nicsim.stack.udp;
    exports dev.nicsim.stack.wire;
}
