package dev.nicsim.tools.cli;

import dev.nicsim.tools.bridge.FrameBridge;
import dev.nicsim.tools.bridge.Netdev;
import dev.nicsim.tools.bridge.SerialLine;
import dev.nicsim.tools.config.ConfigException;
import dev.nicsim.tools.config.PlatformParameters;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.testbed.Network;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/**
 * The options that join the testbed to the outside world, shared by every command that builds one: QEMU-style
 * {@code --netdev} specs, and {@code --tap}/{@code --serial} as shorthands for the two kinds.
 */
final class BridgeOptions
{
    @Option(names = "--netdev", paramLabel = "SPEC", description = {"Attach a bridge to the outside, QEMU-style; " +
        "repeatable:", "  tap,ifname=NAME (the kernel through a TAP interface; needs root)",
        "  serial,path=DEVICE[,baud=115200][,framing=ip|ethernet][,board=10.0.0.200][,mtu=1500]",
        "  (a dev board; framing=ip for lwIP slipif, slattach, Contiki, Arduino; ethernet for Zephyr SLIP-TAP)"})
    private List<String> netdevs = new ArrayList<>();

    @Option(names = "--tap", paramLabel = "IFNAME", description = "Short for --netdev tap,ifname=IFNAME.")
    private String tap;

    @Option(names = "--serial", paramLabel = "DEVICE", description = "Short for --netdev serial,path=DEVICE " +
        "(IP in SLIP, board 10.0.0.200, MTU 1500).")
    private String serial;

    @Option(names = "--baud", paramLabel = "BPS", description = "With --serial: line speed (default: " +
        SerialLine.DEFAULT_BAUD + ").")
    private Integer baud;

    /**
     * The bridges asked for, checked before anything runs; empty when the run stays inside the simulation.
     *
     * @throws ConfigException (exit code 2) naming the spec or option that is wrong
     */
    List<Netdev> netdevs()
    {
        try
        {
            return parse();
        }
        catch (final IllegalArgumentException e)
        {
            throw new ConfigException(e.getMessage());
        }
    }

    private List<Netdev> parse()
    {
        final List<Netdev> all = new ArrayList<>();
        for (final String spec : netdevs)
        {
            all.add(Netdev.parse(spec));
        }
        if (tap != null)
        {
            all.add(new Netdev.Tap(tap));
        }
        if (serial != null)
        {
            final SerialLine line = SerialLine.of(serial);
            all.add(new Netdev.Serial(baud == null ? line : line.withBaud(baud)));
        }
        else if (baud != null)
        {
            throw new IllegalArgumentException("--baud goes with --serial (or give baud= in a --netdev serial spec)");
        }
        return all;
    }

    /** Bridges join through switch ports: when any is asked for, the testbed gets a switch. */
    static void prepare(final Settings settings, final List<Netdev> netdevs)
    {
        if (!netdevs.isEmpty())
        {
            settings.set(PlatformParameters.LINK_SWITCH, "true");
        }
    }

    /** Attaches every bridge to {@code network}; the caller closes them. */
    static List<FrameBridge> attach(final Network network, final List<Netdev> netdevs)
    {
        final List<FrameBridge> bridges = new ArrayList<>();
        try
        {
            for (final Netdev netdev : netdevs)
            {
                bridges.add(network.attach(netdev));
            }
        }
        catch (final RuntimeException e)
        {
            close(bridges, network);
            throw e;
        }
        return bridges;
    }

    /**
     * Closes the bridges and prints what each carried and dropped, and whether the paced simulation kept up with the
     * wall clock (when it did not, the outside saw the simulated hosts pause: {@code Pacing}).
     */
    static void close(final List<FrameBridge> bridges, final Network network)
    {
        for (final FrameBridge bridge : bridges)
        {
            bridge.close();
            System.out.println(bridge.name() + ": " + bridge.summary());
        }
        if (!bridges.isEmpty() && network.sim().pacing() != null)
        {
            System.out.println("pacing: " + network.sim().pacing().summary());
        }
    }
}
