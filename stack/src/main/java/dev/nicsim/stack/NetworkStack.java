package dev.nicsim.stack;

import dev.nicsim.hw.host.CpuUse;
import dev.nicsim.hw.host.HostCpu;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.trace.EventTrace;
import dev.nicsim.stack.device.LoopbackDevice;
import dev.nicsim.stack.device.NetDevice;
import dev.nicsim.stack.iface.Icmp;
import dev.nicsim.stack.iface.Ipv4Layer;
import dev.nicsim.stack.iface.NetworkInterface;
import dev.nicsim.stack.iface.RouteTable;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.posix.ProcessMemory;
import dev.nicsim.stack.socket.EphemeralPorts;
import dev.nicsim.stack.socket.SocketLayer;
import dev.nicsim.stack.socket.StackConfig;
import dev.nicsim.stack.tcp.TcpLayer;
import dev.nicsim.stack.udp.UdpLayer;
import dev.nicsim.stack.wire.Ipv4Address;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

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
 * <h2>CPU time</h2>
 * System calls, received packets and timers each run as one activity on the host CPU: a syscall is charged
 * {@code syscallPs}, each packet sent {@code stackTxPacketPs}, each received {@code stackRxPacketPs}, and a blocked
 * caller that wakes up {@code wakeupPs} (see {@link dev.nicsim.hw.host.CpuCosts}). The device is flushed (one
 * doorbell) at the end of each activity.
 */
public final class NetworkStack
{
    private final Simulator sim;
    private final HostCpu cpu;
    private final StackConfig config;
    private final String name;
    private final StackStats stats = new StackStats();
    private final RouteTable routes = new RouteTable();
    private final List<NetworkInterface> interfaces = new ArrayList<>();
    private final EphemeralPorts ephemeralPorts;
    private final Ipv4Layer ipv4;
    private final Icmp icmp;
    private final UdpLayer udp;
    private final TcpLayer tcp;
    private final SocketLayer sockets;
    private EventTrace trace = EventTrace.off();
    private int syscallDepth;
    private boolean syscallFromEvent;
    /* The core of the outermost system call in progress, to resume on after blocking. */
    private int syscallCore;

    public NetworkStack(final Simulator sim, final HostCpu cpu, final StackConfig config, final String name)
    {
        this.sim = sim;
        this.cpu = cpu;
        this.config = config;
        this.name = name;
        this.ephemeralPorts = new EphemeralPorts(config);
        this.ipv4 = new Ipv4Layer(this);
        this.icmp = new Icmp(this);
        this.udp = new UdpLayer(this);
        this.tcp = new TcpLayer(this);
        this.sockets = new SocketLayer(this);
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
        final NetworkInterface iface = new NetworkInterface(this, device, address, prefixLength, loopback);
        device.setReceiver(iface);
        interfaces.add(iface);
        routes.attach(iface, loopback);
        return iface;
    }

    /** A new process on this host: its own file descriptors and {@code size} bytes of memory. */
    public Posix newProcess(final int size)
    {
        return new Posix(this, new ProcessMemory(size));
    }

    public Simulator sim()
    {
        return sim;
    }

    public HostCpu cpu()
    {
        return cpu;
    }

    public StackConfig config()
    {
        return config;
    }

    public String name()
    {
        return name;
    }

    public StackStats stats()
    {
        return stats;
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
        return icmp;
    }

    /** The UDP layer, for the other layers of this module (its package is not exported). */
    @SuppressWarnings("exports")
    public UdpLayer udp()
    {
        return udp;
    }

    /** The TCP layer, for the other layers of this module (its package is not exported). */
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
        return trace;
    }

    /** Records socket state changes into {@code trace} (guarded: a disabled trace costs one branch). */
    public void setTrace(final EventTrace trace)
    {
        this.trace = trace;
    }

    /* ---------------------------------------------------------------------------------------------------------- */
    /* Activities                                                                                                   */

    /**
     * Starts a system call: a call into the simulation, one CPU activity, the syscall entry cost. It may come from
     * outside the simulation (a blocking program) or from inside an event (an event-driven program's readiness
     * handler), which may then only make calls that do not block.
     */
    public void enterSyscall()
    {
        enterSyscall(0);
    }

    /** {@link #enterSyscall()} for a program whose thread runs on core {@code core} of the host's CPU. */
    public void enterSyscall(final int core)
    {
        if (syscallDepth++ == 0)
        {
            syscallFromEvent = sim.inEvent();
            syscallCore = core;
        }
        sim.beginCall();
        cpu.begin(core, CpuUse.SYSCALL);
        cpu.charge(cpu.costs().syscallPs());
    }

    /** Ends a system call: flushes what it sent, frees the CPU, lets the simulation catch up. */
    public void exitSyscall()
    {
        syscallDepth--;
        flushTransmit();
        cpu.end();
        sim.endCall();
    }

    /** Starts protocol work from an event (a received frame, a timer). */
    public void enterSoftirq()
    {
        cpu.begin(CpuUse.STACK);
    }

    public void exitSoftirq()
    {
        cpu.end();
    }

    /** Rings every interface's doorbell for what was committed. */
    public void flushTransmit()
    {
        for (int i = 0; i < interfaces.size(); i++)
        {
            interfaces.get(i).flush();
        }
    }

    /**
     * Blocks the calling syscall until {@code condition} holds or {@code timeoutPs} passes (0 = no timeout): ends the
     * syscall activity, runs the simulation, then resumes with the wake-up cost. Returns false on timeout.
     *
     * @throws IllegalStateException if nothing could ever make the condition true (no event pending, no timeout and
     *                               no bridge to the outside attached), or when the call was made from inside an event
     */
    public boolean block(final BooleanSupplier condition, final long timeoutPs)
    {
        if (condition.getAsBoolean())
        {
            return true;
        }
        if (syscallFromEvent)
        {
            throw new IllegalStateException(name + ": a blocking socket call was made from inside a simulation " +
                "event at " + Time.format(sim.now()) + ", and it would have to wait: code running " +
                "in events (a readiness handler, say) may only make non-blocking calls. Open the socket with " +
                "SOCK_NONBLOCK (or set O_NONBLOCK, or pass MSG_DONTWAIT), and arm Posix.watch to be called when it " +
                "is ready.");
        }
        flushTransmit();
        cpu.end();
        sim.endCall();
        final long deadline = timeoutPs > 0 ? sim.now() + timeoutPs : Time.NEVER;
        boolean ready;
        while (true)
        {
            ready = condition.getAsBoolean();
            if (ready || sim.now() >= deadline)
            {
                break;
            }
            final long next = sim.nextEventTime();
            if (next == Time.NEVER && deadline == Time.NEVER && !sim.awaitsOutsideInput())
            {
                sim.beginCall();
                cpu.begin(syscallCore, CpuUse.SYSCALL);
                throw new IllegalStateException(name + ": a blocking call would wait forever at " +
                    Time.format(sim.now()) + ": nothing is scheduled that could make it ready. Use a timeout " +
                    "(SO_RCVTIMEO/SO_SNDTIMEO) or a non-blocking call.");
            }
            sim.runUntil(condition, Math.min(next == Time.NEVER ? deadline : next, deadline));
        }
        sim.beginCall();
        cpu.begin(syscallCore, CpuUse.SYSCALL);
        cpu.charge(cpu.costs().wakeupPs());
        return ready;
    }
}
