package dev.nicsim.tools.cli;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.tools.bridge.FrameBridge;
import dev.nicsim.tools.bridge.Netdev;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.demo.ConnectAttempt;
import dev.nicsim.tools.testbed.Network;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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
        "  nicsim connect 10.0.0.9:13        # nobody answers ARP: EHOSTUNREACH after 3 s",
        "  nicsim connect 192.168.1.1:13     # no route: ENETUNREACH",
        "  nicsim connect 10.0.0.2:13 --nonblocking --set fault.drop=1",
        "  sudo nicsim connect 10.0.0.254:13 --netdev tap,ifname=nsim0   # a server in the kernel, behind the " +
            "TAP interface nsim0 (ip tuntap add nsim0 mode tap; ip addr add 10.0.0.254/24 dev nsim0; ip link set " +
            "nsim0 up)"})
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

    @Override
    public void run()
    {
        final int colon = destination.lastIndexOf(':');
        if (colon <= 0)
        {
            throw new IllegalArgumentException("destination '" + destination + "' is not HOST:PORT, e.g. 10.0.0.2:13");
        }
        final String host = destination.substring(0, colon);
        final int port = parsePort(destination.substring(colon + 1));
        final List<Netdev> netdevs = bridgeOptions.netdevs();
        final Settings settings = options.resolve();
        BridgeOptions.prepare(settings, netdevs);
        final Network network = Network.build(settings, 2);
        final List<FrameBridge> bridges = BridgeOptions.attach(network, netdevs);
        final ConnectAttempt attempt;
        try
        {
            attempt = ConnectAttempt.run(network, host, port, noServer ? -1 : parsePort(Integer.toString(serverPort)),
                nonBlocking);
        }
        finally
        {
            BridgeOptions.close(bridges);
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
        throw new IllegalArgumentException("port '" + text + "' must be a number from 1 to 65535");
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
