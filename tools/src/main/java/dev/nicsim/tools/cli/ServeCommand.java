package dev.nicsim.tools.cli;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.tools.bridge.FrameBridge;
import dev.nicsim.tools.bridge.Netdev;
import dev.nicsim.tools.bridge.TapBridge;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.demo.DaytimeService;
import dev.nicsim.tools.report.OutputDirectory;
import dev.nicsim.tools.report.RunEvidence;
import dev.nicsim.tools.testbed.Host;
import dev.nicsim.tools.testbed.Network;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A daytime server on host B, for simulated clients or for the real kernel through a TAP interface. */
@Command(name = "serve",
    mixinStandardHelpOptions = true,
    description = {"Run a daytime server (RFC 867) on host B (10.0.0.2) port PORT.",
        "Without --tap, host A connects to it --clients times in a row and each connect() latency is printed (the " +
            "first pays for ARP).",
        "With --tap, the real Linux kernel joins the simulated network through a TAP interface (needs root) and the " +
            "simulation runs in real time, so real programs can connect to the simulated host.",
        "With --serial (or --netdev serial,...), a dev board joins it over a serial port instead: IP packets in SLIP " +
            "by default (lwIP slipif, slattach), the bridge answering ARP for the board; framing=ethernet for " +
            "Ethernet frames in SLIP (Zephyr SLIP-TAP)."},
    footer = {"", "Examples:", "  nicsim serve 13 --clients 5", "  sudo nicsim serve 13 --tap nsim0 --seconds 60",
        "  (then: ip addr add 10.0.0.254/24 dev nsim0; ip link set nsim0 up; nc 10.0.0.2 13)",
        "  nicsim serve 13 --serial /dev/ttyUSB0 --baud 921600 --seconds 300",
        "  nicsim serve 13 --netdev serial,path=/dev/ttyUSB0,framing=ethernet --seconds 300"})
final class ServeCommand implements Runnable
{
    @Mixin
    private SettingsOptions options;

    @Parameters(paramLabel = "PORT", description = "Port to serve on.")
    private int port;

    @Option(names = "--clients", defaultValue = "3", description = "Connections host A makes (default: ${DEFAULT-VALUE}).")
    private int clients;

    @Mixin
    private BridgeOptions bridgeOptions;

    @Option(names = "--seconds", defaultValue = "60", description = "With a bridge: how long to serve, in " +
        "wall-clock seconds (default: ${DEFAULT-VALUE}).")
    private int seconds;

    @Option(names = "--out", paramLabel = "DIR", description = "Keep the run's files here (frames.pcapng, " +
        "signals.vcd, timeline.txt, trace.json, summary.json), also when the run fails.")
    private Path out;

    @Override
    public void run()
    {
        if (port < 1 || port > 65535 || clients < 1 || clients > 10_000 || seconds < 1)
        {
            throw new Main.UsageException("PORT must be 1 to 65535, --clients 1 to 10000, --seconds positive");
        }
        final List<Netdev> netdevs = bridgeOptions.netdevs();
        final Settings settings = options.resolve();
        BridgeOptions.prepare(settings, netdevs);
        final RunEvidence evidence = out == null ? null : new RunEvidence(OutputDirectory.open(out), "serve",
            settings);
        try
        {
            serve(settings, netdevs, evidence);
        }
        catch (final RuntimeException | Error failure)
        {
            if (evidence != null)
            {
                evidence.finishFailed(failure);
            }
            throw failure;
        }
        if (evidence != null)
        {
            evidence.finish(null);
        }
    }

    private void serve(final Settings settings, final List<Netdev> netdevs, final RunEvidence evidence)
    {
        final Network network = Network.build(settings, 2);
        final Host a = network.host('A');
        final Host b = network.host('B');
        final DaytimeService service = DaytimeService.start(b, port, settings);
        if (netdevs.isEmpty())
        {
            if (evidence != null)
            {
                evidence.attach(network);
            }
            final List<Object> latencies = new ArrayList<>();
            for (int i = 1; i <= clients; i++)
            {
                final long latency = DaytimeService.fetch(a, b, port);
                latencies.add(latency);
                System.out.printf("client %d: connect() took %s; received \"%s\"%n", i, Time.format(latency),
                    service.lastReply());
            }
            if (evidence != null)
            {
                evidence.summary().put("connect_latencies_ps", latencies);
                evidence.summary().put("served", (long) service.served());
            }
            return;
        }
        final List<FrameBridge> bridges = BridgeOptions.attach(network, netdevs);
        try
        {
            if (evidence != null)
            {
                evidence.attach(network);
            }
            for (final FrameBridge bridge : bridges)
            {
                System.out.printf("Serving daytime on %s:%d for %d s of wall-clock time, through %s.%n",
                    b.addressText(), port, seconds, bridge.name());
                if (bridge instanceof TapBridge tapBridge)
                {
                    System.out.printf("In another shell:  ip addr add 10.0.0.254/24 dev %s && ip link set %s up && " +
                        "nc %s %d%n", tapBridge.ifname(), tapBridge.ifname(), b.addressText(), port);
                }
            }
            network.sim().run(network.sim().now() + Time.seconds(seconds));
            System.out.printf("Served %d connections.%n", service.served());
            if (evidence != null)
            {
                evidence.summary().put("served", (long) service.served());
            }
        }
        finally
        {
            BridgeOptions.close(bridges, network);
        }
    }
}
