package dev.nicsim.stack;

import dev.nicsim.hw.host.HostCpu;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.trace.EventTrace;
import dev.nicsim.stack.context.StackConfig;
import dev.nicsim.stack.context.StackContext;
import dev.nicsim.stack.context.StackStats;
import dev.nicsim.stack.device.LoopbackDevice;
import dev.nicsim.stack.device.NetDevice;
import dev.nicsim.stack.iface.Icmp;
import dev.nicsim.stack.iface.Ipv4Layer;
import dev.nicsim.stack.iface.NetworkInterface;
import dev.nicsim.stack.iface.RouteTable;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.posix.ProcessMemory;
import dev.nicsim.stack.sock.EphemeralPorts;
import dev.nicsim.stack.sock.HostSockets;
import dev.nicsim.stack.socket.SocketLayer;
import dev.nicsim.stack.tcp.TcpLayer;
import dev.nicsim.stack.udp.UdpLayer;
import dev.nicsim.stack.wire.Ipv4Address;
import dev.nicsim.stack.wire.Ipv4Packet;

import java.util.ArrayList;
import java.util.List;

/**
 * One host's TCP/UDP/IPv4 stack: interfaces (a loopback one always, plus one per {@link NetDevice} added), routes,
 * ARP, ICMP, IPv4, UDP, TCP and the socket layer, all running on the host's {@link HostCpu} in simulated time.
 *
 * <pre>{@code
 * NetworkStack host = new NetworkStack(sim, cpu, StackConfig.defaults(), "hostA");
 * NetworkInterface eth0 = host.addInterface(device, Ipv4Address.parse("10.0.0.1"), 24);
 * host.routes().addDefault(Ipv4Address.parse("10.0.0.254"), eth0);
 * Posix app = host.newProcess(1 << 20);       // file descriptors, errno, process memory
 * }</pre>
 *
 * <p>It only assembles: each layer gets what it uses through its constructor, bottom up (context, IPv4 with its
 * routes and ICMP, the transports registered in IPv4's protocol table, the socket layer over them), so no layer
 * reaches another through this class and the order is one the compiler checks. The package graph is one-way:
 * {@code wire <- context <- device <- iface <- sock <- tcp, udp <- socket <- posix <- (this) <- api}
 * ({@code LayeringTest} keeps it so). CPU time per activity is described at {@link StackContext}.
 */
public final class NetworkStack
{
    private final StackContext context;
    private final RouteTable routes = new RouteTable();
    private final List<NetworkInterface> interfaces = new ArrayList<>();
    private final EphemeralPorts ephemeralPorts;
    private final Ipv4Layer ipv4;
    private final UdpLayer udp;
    private final TcpLayer tcp;
    private final SocketLayer sockets;

    public NetworkStack(final Simulator sim, final HostCpu cpu, final StackConfig config, final String name)
    {
        this.context = new StackContext(sim, cpu, config, name);
        this.ephemeralPorts = new EphemeralPorts(config);
        final HostSockets hostSockets = new HostSockets(config);
        this.ipv4 = new Ipv4Layer(context, routes);
        this.udp = new UdpLayer(context, ipv4, hostSockets);
        this.tcp = new TcpLayer(context, ipv4, routes, hostSockets, ephemeralPorts);
        ipv4.register(Ipv4Packet.PROTOCOL_TCP, tcp);
        ipv4.register(Ipv4Packet.PROTOCOL_UDP, udp);
        this.sockets = new SocketLayer(context, routes, tcp, udp, hostSockets, ephemeralPorts);
        final NetDevice loopback = new LoopbackDevice(sim, name + ".lo");
        attach(loopback, Ipv4Address.LOOPBACK, 8, true);
    }

    /**
     * Adds an interface on {@code device} with {@code address/prefixLength}; the connected subnet is routed through
     * it. The device's receiver is set to the new interface.
     */
    public NetworkInterface addInterface(final NetDevice device, final int address, final int prefixLength)
    {
        if (address == 0 || Ipv4Address.isMulticast(address) || Ipv4Address.isLoopback(address))
        {
            throw new IllegalArgumentException(device.name() + ": " + Ipv4Address.format(address) + " cannot be an " +
                "interface address; use a unicast address such as 10.0.0.1");
        }
        return attach(device, address, prefixLength, false);
    }

    private NetworkInterface attach(final NetDevice device, final int address, final int prefixLength,
        final boolean loopback)
    {
        final NetworkInterface iface = new NetworkInterface(context, ipv4, device, address, prefixLength, loopback);
        device.setReceiver(iface);
        interfaces.add(iface);
        context.addTransmitter(iface);
        routes.attach(iface, loopback);
        return iface;
    }

    /** A new process on this host: its own file descriptors and {@code size} bytes of memory. */
    public Posix newProcess(final int size)
    {
        return new Posix(context, sockets, new ProcessMemory(size));
    }

    /** What every layer shares: simulator, CPU and activities, configuration, counters, trace. */
    public StackContext context()
    {
        return context;
    }

    public Simulator sim()
    {
        return context.sim();
    }

    public HostCpu cpu()
    {
        return context.cpu();
    }

    public StackConfig config()
    {
        return context.config();
    }

    public String name()
    {
        return context.name();
    }

    public StackStats stats()
    {
        return context.stats();
    }

    public RouteTable routes()
    {
        return routes;
    }

    /** The host's ephemeral ports, shared by TCP and UDP. */
    public EphemeralPorts ephemeralPorts()
    {
        return ephemeralPorts;
    }

    public List<NetworkInterface> interfaces()
    {
        return interfaces;
    }

    public Ipv4Layer ipv4()
    {
        return ipv4;
    }

    public Icmp icmp()
    {
        return ipv4.icmp();
    }

    /** The UDP layer, for tests and tools inside this module (its package is not exported). */
    @SuppressWarnings("exports")
    public UdpLayer udp()
    {
        return udp;
    }

    /** The TCP layer, for tests and tools inside this module (its package is not exported). */
    @SuppressWarnings("exports")
    public TcpLayer tcp()
    {
        return tcp;
    }

    public SocketLayer sockets()
    {
        return sockets;
    }

    public EventTrace trace()
    {
        return context.trace();
    }

    /** Records socket state changes into {@code trace} (guarded: a disabled trace costs one branch). */
    public void setTrace(final EventTrace trace)
    {
        context.setTrace(trace);
    }

    /** {@link StackContext#enterSyscall()}. */
    public void enterSyscall()
    {
        context.enterSyscall();
    }

    /** {@link StackContext#enterSyscall(int)}. */
    public void enterSyscall(final int core)
    {
        context.enterSyscall(core);
    }

    /** {@link StackContext#exitSyscall()}. */
    public void exitSyscall()
    {
        context.exitSyscall();
    }
}
