package dev.nicsim.tools.testbed;

import dev.nicsim.hw.eth.CorruptFault;
import dev.nicsim.hw.eth.DelayFault;
import dev.nicsim.hw.eth.DropFault;
import dev.nicsim.hw.eth.DuplicateFault;
import dev.nicsim.hw.eth.EthernetConfig;
import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.eth.EthernetSwitch;
import dev.nicsim.hw.eth.FrameTap;
import dev.nicsim.hw.eth.ReorderFault;
import dev.nicsim.hw.eth.ScriptedDropFault;
import dev.nicsim.hw.sim.Pacing;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.trace.EventTrace;
import dev.nicsim.hw.trace.VcdWriter;
import dev.nicsim.stack.wire.Ipv4Address;
import dev.nicsim.tools.bridge.FrameBridge;
import dev.nicsim.tools.bridge.LinuxTap;
import dev.nicsim.tools.bridge.Netdev;
import dev.nicsim.tools.bridge.SerialBridge;
import dev.nicsim.tools.bridge.SerialLine;
import dev.nicsim.tools.bridge.TapBridge;
import dev.nicsim.tools.config.CrossKeyRules;
import dev.nicsim.tools.config.PlatformParameters;
import dev.nicsim.tools.config.Settings;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hosts joined by Ethernet: two hosts on one cable, or any number through a store-and-forward switch
 * ({@code link.switch=true}), all in one /24. Faults configured under {@code fault.*} apply to every receiving end,
 * each stage seeded from {@code sim.seed}, so a run repeats exactly.
 */
public final class Network
{
    /** The hosts of the standard testbed: A is 10.0.0.1, B is 10.0.0.2, and so on. */
    public static final int SUBNET = Ipv4Address.parse("10.0.0.0");
    public static final int PREFIX_LENGTH = 24;
    private static final String SWITCH = "switch";

    private final Simulator sim;
    private final Settings settings;
    private final List<Host> hosts = new ArrayList<>();
    private final List<EthernetLink> links = new ArrayList<>();
    private final Map<EthernetLink, List<String>> ends = new HashMap<>();
    private EthernetSwitch fabric;

    private Network(final Settings settings)
    {
        this.sim = new Simulator();
        this.settings = settings;
    }

    /**
     * Builds {@code count} hosts named A, B, C... at 10.0.0.1, .2, .3... and brings their NICs up.
     *
     * @throws dev.nicsim.tools.config.ConfigException if the settings break a {@link CrossKeyRules} rule or ask for
     *                                                  host memory the JVM cannot reserve
     * @throws IllegalArgumentException if the settings describe hardware that cannot work (the message says why)
     */
    public static Network build(final Settings settings, final int count)
    {
        if (count < 2 || count > 26)
        {
            throw new IllegalArgumentException("a network has 2 to 26 hosts, got " + count);
        }
        CrossKeyRules.check(settings);
        final Network network = new Network(settings);
        final EthernetConfig cable = PlatformParameters.ethernet(settings);
        if (count == 2 && !settings.bool(PlatformParameters.LINK_SWITCH))
        {
            final EthernetLink link = network.link(cable, "wire", "A", "B");
            network.addHost(link.a());
            network.addHost(link.b());
        }
        else
        {
            network.fabric = new EthernetSwitch(network.sim, SWITCH,
                settings.picosFromNanos(PlatformParameters.SWITCH_LATENCY), cable.maxFrameBytes(),
                settings.integer(PlatformParameters.SWITCH_BUFFER) << 10);
            for (int i = 0; i < count; i++)
            {
                final String host = String.valueOf((char) ('A' + i));
                final EthernetLink link = network.link(cable, "wire" + host, host, SWITCH);
                network.fabric.connect(link.b());
                network.addHost(link.a());
            }
        }
        return network;
    }

    private EthernetLink link(final EthernetConfig cable, final String name, final String firstEnd,
        final String secondEnd)
    {
        final EthernetLink link = new EthernetLink(sim, cable, name);
        ends.put(link, List.of(firstEnd, secondEnd));
        injectFaults(link.a(), links.size() * 2);
        injectFaults(link.b(), links.size() * 2 + 1);
        links.add(link);
        return link;
    }

    private void addHost(final EthernetLink.EthernetPort port)
    {
        final int index = hosts.size() + 1;
        final String name = String.valueOf((char) ('A' + hosts.size()));
        hosts.add(new Host(sim, name, index, SUBNET + index, PREFIX_LENGTH, port, settings));
    }

    /* Fault stages in front of one receiving end, each with its own seed derived from the run's. */
    private void injectFaults(final EthernetLink.EthernetPort end, final int stream)
    {
        final long seed = settings.integer(PlatformParameters.SEED) * 1_000_003L + stream * 16L;
        final double drop = settings.decimal(PlatformParameters.FAULT_DROP);
        final double corrupt = settings.decimal(PlatformParameters.FAULT_CORRUPT);
        final double duplicate = settings.decimal(PlatformParameters.FAULT_DUPLICATE);
        final double reorder = settings.decimal(PlatformParameters.FAULT_REORDER);
        final long delay = settings.picosFromNanos(PlatformParameters.FAULT_DELAY);
        final long jitter = settings.picosFromNanos(PlatformParameters.FAULT_JITTER);
        if (drop > 0)
        {
            end.addReceiveFault(new DropFault(drop, seed));
        }
        final long[] dropFrames = settings.ordinals(PlatformParameters.FAULT_DROP_FRAMES);
        if (dropFrames.length > 0)
        {
            end.addReceiveFault(new ScriptedDropFault(dropFrames));
        }
        if (corrupt > 0)
        {
            end.addReceiveFault(new CorruptFault(corrupt, seed + 1));
        }
        if (duplicate > 0)
        {
            end.addReceiveFault(new DuplicateFault(duplicate, seed + 2));
        }
        if (reorder > 0)
        {
            end.addReceiveFault(new ReorderFault(reorder, Time.MS, seed + 3));
        }
        if (delay > 0 || jitter > 0)
        {
            end.addReceiveFault(new DelayFault(delay, jitter, seed + 4));
        }
    }

    /**
     * Joins the real Linux kernel to the network through a new TAP interface {@code tapName} on a new switch port, and
     * paces the simulation to real time (the kernel cannot wait for simulated time). The network must have been
     * built with a switch ({@code link.switch=true}); creating a TAP interface needs root.
     */
    public TapBridge bridgeToKernel(final String tapName)
    {
        final EthernetLink.EthernetPort port = outsidePort("kernel");
        final TapBridge bridge = new TapBridge(sim, LinuxTap.open(tapName), port);
        sim.pace(Pacing.realTime());
        return bridge;
    }

    /**
     * Joins a dev board on a serial line (SLIP-framed IP or Ethernet, see {@link SerialBridge}) to the network on a
     * new switch port, and paces the simulation to real time. The network must have been built with a switch
     * ({@code link.switch=true}).
     */
    public SerialBridge bridgeToSerial(final SerialLine line)
    {
        final EthernetLink.EthernetPort port = outsidePort("serial");
        final SerialBridge bridge = new SerialBridge(sim, line, port);
        sim.pace(Pacing.realTime());
        return bridge;
    }

    /** Attaches the bridge {@code netdev} describes ({@link #bridgeToKernel} or {@link #bridgeToSerial}). */
    public FrameBridge attach(final Netdev netdev)
    {
        return switch (netdev)
        {
            case Netdev.Tap tap -> bridgeToKernel(tap.ifname());
            case Netdev.Serial serial -> bridgeToSerial(serial.line());
        };
    }

    /**
     * A new link from a new switch port to the outside world (a bridge, or a test's own station); the returned end is
     * the outside's. The network must have been built with a switch ({@code link.switch=true}).
     */
    public EthernetLink.EthernetPort outsidePort(final String name)
    {
        if (fabric == null)
        {
            throw new IllegalStateException("the outside world joins through a switch port: build the network with " +
                "link.switch=true");
        }
        final EthernetLink link = link(PlatformParameters.ethernet(settings), name, name, SWITCH);
        fabric.connect(link.b());
        return link.a();
    }

    public Simulator sim()
    {
        return sim;
    }

    public Settings settings()
    {
        return settings;
    }

    public List<Host> hosts()
    {
        return Collections.unmodifiableList(hosts);
    }

    /** Host A, B, ... by letter. */
    public Host host(final char letter)
    {
        final int index = Character.toUpperCase(letter) - 'A';
        if (index < 0 || index >= hosts.size())
        {
            throw new IllegalArgumentException("no host " + letter + ": this network has hosts A to " +
                (char) ('A' + hosts.size() - 1));
        }
        return hosts.get(index);
    }

    /** The host with IPv4 address {@code address}, or null. */
    public Host hostAt(final int address)
    {
        for (final Host host : hosts)
        {
            if (host.address() == address)
            {
                return host;
            }
        }
        return null;
    }

    /** The switch joining the hosts, or null when two hosts share one cable. */
    public EthernetSwitch fabric()
    {
        return fabric;
    }

    public List<EthernetLink> links()
    {
        return Collections.unmodifiableList(links);
    }

    /** Who sits at each end of {@code link}, first end first: {@code [A, B]}, {@code [C, switch]}. */
    public List<String> ends(final EthernetLink link)
    {
        return ends.get(link);
    }

    /** Shows every frame on every link to {@code tap} (a pcap writer, say). */
    public void tap(final FrameTap tap)
    {
        for (final EthernetLink link : links)
        {
            link.addTap(tap);
        }
    }

    /**
     * Shows {@code tap} every frame once, as its sender puts it on the first wire: with a switch, the frames the switch
     * forwards are left out (they are the same frames again), so counts and timelines do not double.
     */
    public void tapSenders(final FrameTap tap)
    {
        for (final EthernetLink link : links)
        {
            if (fabric == null)
            {
                link.addTap(tap);
                continue;
            }
            final String switchPort = link.b().name();
            link.addTap((direction, time, frame, offset, length) ->
            {
                if (!direction.equals(switchPort))
                {
                    tap.frameOnWire(direction, time, frame, offset, length);
                }
            });
        }
    }

    /** Records NIC register accesses, DMA, interrupts and frames, and stack state changes, into {@code trace}. */
    public void traceTo(final EventTrace trace)
    {
        for (final Host host : hosts)
        {
            host.nic().traceTo(trace);
            host.stack().setTrace(trace);
        }
    }

    /** Records every NIC's signals (ring pointers, FIFO levels, interrupts, MAC activity) into {@code vcd}. */
    public void recordSignals(final VcdWriter vcd)
    {
        for (final Host host : hosts)
        {
            host.nic().recordSignals(vcd);
        }
    }
}
