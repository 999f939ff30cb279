package dev.nicsim.tools.cli;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.tools.bridge.FrameBridge;
import dev.nicsim.tools.bridge.Netdev;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.demo.ConnectAttempt;
import dev.nicsim.tools.report.OutputDirectory;
import dev.nicsim.tools.testbed.Network;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** One connect() from host A to any address and port, with the errno Linux would give and why. */
@Command(name = "connect",
    mixinStandardHelpOptions = true,
    description = {"Connect from host A (10.0.0.1) to HOST:PORT on the testbed, where host B (10.0.0.2) runs a " +
        "daytime server (port 13 unless --server-port says otherwise).",
        "Prints connect()'s result with its latency breakdown, or the errno name and Linux's message; with " +
            "--nonblocking, the EINPROGRESS, poll and SO_ERROR steps of a non-blocking connect."},
    footer = {"", "Examples:", "  nicsim connect 10.0.0.2:13", "  nicsim connect 10.0.0.2:3328      # forgot htons()?",
        "  nicsim connect 10.0.0.9:13        # no ARP reply: EHOSTUNREACH after 3 s",
        "  nicsim connect 192.168.1.1:13     # no route: ENETUNREACH",
        "  nicsim connect 10.0.0.2:13 --nonblocking --set fault.drop=1",
        "  nicsim connect 10.0.0.9:13 --out /tmp/unreachable",
        "  sudo nicsim connect 10.0.0.254:13 --netdev tap,ifname=nsim0",
        "                                    # a kernel server behind TAP nsim0 (docs/bridges.md)"})
final class ConnectCommand implements Runnable
{
    @Mixin
    private SettingsOptions options;

    @Parameters(paramLabel = "HOST:PORT", description = "Destination, e.g. 10.0.0.2:13.")
    private String destination;

    @Option(names = "--server-port", defaultValue = "13", paramLabel = "PORT",
        description = "Port of host B's daytime server (default: ${DEFAULT-VALUE}).")
    private int serverPort;

    @Option(names = "--no-server", description = "Host B runs no server: connections to it are refused.")
    private boolean noServer;

    @Mixin
    private BridgeOptions bridgeOptions;

    @Option(names = "--nonblocking", description = "Connect with O_NONBLOCK, then poll(POLLOUT) and read SO_ERROR.")
    private boolean nonBlocking;

    @Option(names = "--out", paramLabel = "DIR", description = "Keep the run's files here (frames.pcapng, " +
        "signals.vcd, timeline.txt, trace.json, summary.json), also when connect() fails.")
    private Path out;

    @Override
    public void run()
    {
        final int colon = destination.lastIndexOf(':');
        if (colon <= 0)
        {
            throw new Main.UsageException("destination '" + destination + "' is not HOST:PORT, e.g. 10.0.0.2:13");
        }
        final String host = destination.substring(0, colon);
        final int port = parsePort(destination.substring(colon + 1));
        final List<Netdev> netdevs = bridgeOptions.netdevs();
        final Settings settings = options.resolve();
        final OutputDirectory evidence = out == null ? null : OutputDirectory.open(out);
        final int server = noServer ? -1 : parsePort(Integer.toString(serverPort));
        final ConnectAttempt attempt;
        if (netdevs.isEmpty())
        {
            attempt = ConnectAttempt.run(settings, host, port, server, nonBlocking, evidence);
        }
        else
        {
            BridgeOptions.prepare(settings, netdevs);
            final Network network = Network.build(settings, 2);
            final List<FrameBridge> bridges = BridgeOptions.attach(network, netdevs);
            try
            {
                attempt = ConnectAttempt.run(network, host, port, server, nonBlocking, evidence);
            }
            finally
            {
                BridgeOptions.close(bridges, network);
            }
        }
        for (final String step : attempt.steps())
        {
            System.out.println(step);
        }
        if (attempt.result() < 0)
        {
            System.out.printf("connect() failed: %s (%s) after %s (simulated)%n", attempt.errnoName(),
                attempt.errnoMessage(), Time.format(attempt.latencyPs()));
            final String hint = ConnectAttempt.byteSwapHint(port);
            if (hint != null)
            {
                System.out.println("hint: " + hint);
            }
            if (out != null)
            {
                System.out.println("files in " + out + ": the capture, timeline and trace up to the failure");
            }
            throw new ConnectFailedException(attempt.errnoName());
        }
        System.out.printf("connect() = 0 after %s (simulated)%n", Time.format(attempt.latencyPs()));
        for (final Map.Entry<String, Long> part : attempt.breakdown().parts().entrySet())
        {
            System.out.printf("  %-22s %12s%n", part.getKey(), Time.format(part.getValue()));
        }
        if (!attempt.reply().isEmpty())
        {
            System.out.println("received: " + attempt.reply());
        }
    }

    private static int parsePort(final String text)
    {
        try
        {
            final int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535)
            {
                return port;
            }
        }
        catch (final NumberFormatException e)
        {
            // reported below
        }
        throw new Main.UsageException("port '" + text + "' must be a number from 1 to 65535");
    }

    /** The connect() failed: exit code 1, the errno already printed. */
    static final class ConnectFailedException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        ConnectFailedException(final String errno)
        {
            super("connect failed with " + errno);
        }
    }
}
