package dev.nicsim.tools.workload;

import dev.nicsim.hw.host.HostCpu;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.stack.NetworkStack;
import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.context.StackConfig;
import dev.nicsim.stack.device.NetDevice;
import dev.nicsim.stack.device.PairedDevice;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.tools.config.PlatformParameters;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.config.TestbedParameters;
import dev.nicsim.tools.testbed.Host;
import dev.nicsim.tools.testbed.Network;

import static dev.nicsim.tools.workload.Syscall.check;

/**
 * The handshake fast path as one operation that can repeat forever: a client on host A connect()s to a server
 * listening on host B (blocking, as the seed's client does), B accept()s, the client closes abortively (SO_LINGER 0,
 * so a RST and no TIME_WAIT), and B, reading, sees the reset (ECONNRESET) and closes its end too. Afterwards both hosts are as they
 * were: only the listener open, the ephemeral port free, no TIME_WAIT, no timer pending. Millions of cycles therefore
 * measure the same thing, which is what a benchmark and an allocation test need.
 *
 * <p>Two compositions: {@link #throughNics() through NICs} (stack, driver, NIC model, PCIe, link, and the same on the
 * other host) and {@link #overPairedDevices() over paired devices} (the two stacks back to back on the same link,
 * no NIC model), whose difference is what the model costs.
 */
public final class HandshakeWorkload
{
    /** The server's port. */
    public static final int PORT = 80;

    /** Server ports the idle connections of {@link #openIdleConnections} spread over. */
    public static final int IDLE_PORTS = 10;

    private static final int LINGER_SIZE = 8;

    private final Simulator sim;
    private final NetworkStack clientStack;
    private final NetworkStack serverStack;
    private final Posix client;
    private final Posix server;
    private final int listener;
    private final int serverIp;
    private final long serverAddress;
    private final long abortiveLinger;
    private final long serverBuffer;
    private long cycles;

    private HandshakeWorkload(final Simulator sim, final NetworkStack clientStack, final Posix client,
        final NetworkStack serverStack, final Posix server, final int serverIp)
    {
        this.sim = sim;
        this.clientStack = clientStack;
        this.serverStack = serverStack;
        this.client = client;
        this.server = server;
        this.serverIp = serverIp;
        listener = check(server, "socket", server.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0));
        final long any = server.memory().allocate(SocketConstants.SOCKADDR_IN_SIZE);
        server.memory().putSockaddrIn(any, SocketConstants.AF_INET, 0, PORT);
        check(server, "bind", server.bind(listener, any, SocketConstants.SOCKADDR_IN_SIZE));
        check(server, "listen", server.listen(listener, 16));
        serverAddress = client.memory().allocate(SocketConstants.SOCKADDR_IN_SIZE);
        client.memory().putSockaddrIn(serverAddress, SocketConstants.AF_INET, serverIp, PORT);
        // struct linger { l_onoff = 1, l_linger = 0 }: close() resets the connection.
        abortiveLinger = client.memory().allocate(LINGER_SIZE);
        client.memory().putInt(abortiveLinger, 1);
        client.memory().putInt(abortiveLinger + 4, 0);
        serverBuffer = server.memory().allocate(1);
    }

    /** Host A connects to host B of the standard testbed (default settings), through both NICs. */
    public static HandshakeWorkload throughNics()
    {
        return throughNics(Network.build(TestbedParameters.defaults(), 2));
    }

    /** Host A connects to host B of {@code network}, through both NICs. */
    public static HandshakeWorkload throughNics(final Network network)
    {
        final Host a = network.host('A');
        final Host b = network.host('B');
        return new HandshakeWorkload(network.sim(), a.stack(), a.newProcess(), b.stack(), b.newProcess(),
            b.address());
    }

    /** The same handshake between two stacks on paired devices, with the testbed's default link and CPU costs. */
    public static HandshakeWorkload overPairedDevices()
    {
        return overPairedDevices(TestbedParameters.defaults());
    }

    /**
     * The same handshake between two stacks on paired devices: the testbed's addresses, link and CPU costs from
     * {@code settings}, checksum offload both ways as the NS-1 offers it, and no NIC, driver or PCIe in between.
     */
    public static HandshakeWorkload overPairedDevices(final Settings settings)
    {
        return overPairedDevices(settings, StackConfig.defaults());
    }

    /** {@link #overPairedDevices(Settings)} with {@code config} for both stacks. */
    public static HandshakeWorkload overPairedDevices(final Settings settings, final StackConfig config)
    {
        final Simulator sim = new Simulator();
        final PairedDevice.Pair pair = PairedDevice.pair(sim, PlatformParameters.ethernet(settings), "A.eth0",
            0x02_00_00_00_00_01L, "B.eth0", 0x02_00_00_00_00_02L,
            NetDevice.FEATURE_TX_CHECKSUM | NetDevice.FEATURE_RX_CHECKSUM);
        final NetworkStack a = new NetworkStack(sim, new HostCpu(sim, PlatformParameters.cpuCosts(settings), "A.cpu"),
            config, "A");
        final NetworkStack b = new NetworkStack(sim, new HostCpu(sim, PlatformParameters.cpuCosts(settings), "B.cpu"),
            config, "B");
        a.addInterface(pair.a(), Network.SUBNET + 1, Network.PREFIX_LENGTH);
        b.addInterface(pair.b(), Network.SUBNET + 2, Network.PREFIX_LENGTH);
        return new HandshakeWorkload(sim, a, a.newProcess(1 << 20), b, b.newProcess(1 << 20), Network.SUBNET + 2);
    }

    /**
     * One cycle: socket, connect, accept, SO_LINGER 0, close (RST); B's read, failing with ECONNRESET once the RST
     * is in, and B's close. Allocates nothing once warm.
     *
     * @return the simulated time the cycle took, in picoseconds
     * @throws IllegalStateException if a system call fails (the message names it and its errno)
     */
    public long cycle()
    {
        final long start = sim.now();
        final int socket = check(client, "socket",
            client.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0));
        check(client, "connect", client.connect(socket, serverAddress, SocketConstants.SOCKADDR_IN_SIZE));
        final int connection = check(server, "accept", server.accept(listener, 0, 0));
        check(client, "setsockopt", client.setsockopt(socket, SocketConstants.SOL_SOCKET, SocketConstants.SO_LINGER,
            abortiveLinger, LINGER_SIZE));
        check(client, "close", client.close(socket));
        // B closes only once the RST is in: closing first would send a FIN into a connection A has forgotten.
        final int read = server.recv(connection, serverBuffer, 1, 0);
        if (read != -1 || server.errno() != Errno.ECONNRESET)
        {
            throw new IllegalStateException("recv on the reset connection returned " + read +
                (read < 0 ? " " + Errno.name(server.errno()) : "") + ", expected -1 ECONNRESET");
        }
        check(server, "close", server.close(connection));
        cycles++;
        return sim.now() - start;
    }

    /**
     * Opens {@code count} more connections from A to B and leaves them open, idle, for the cycles to run beside:
     * spread over the server's port and the next {@link #IDLE_PORTS} - 1, each accepted. One destination has 28,232
     * ephemeral ports and connect() tries the even half first (Linux's {@code __inet_hash_connect}), so up to about
     * 140,000 keep every destination below half. Both processes need RLIMIT_NOFILE above {@code count}.
     *
     * @throws IllegalStateException if a system call fails
     */
    public void openIdleConnections(final int count)
    {
        final int[] listeners = new int[IDLE_PORTS];
        final long[] addresses = new long[IDLE_PORTS];
        listeners[0] = listener;
        addresses[0] = serverAddress;
        for (int i = 1; i < IDLE_PORTS; i++)
        {
            listeners[i] = check(server, "socket", server.socket(SocketConstants.AF_INET,
                SocketConstants.SOCK_STREAM, 0));
            final long any = server.memory().allocate(SocketConstants.SOCKADDR_IN_SIZE);
            server.memory().putSockaddrIn(any, SocketConstants.AF_INET, 0, PORT + i);
            check(server, "bind", server.bind(listeners[i], any, SocketConstants.SOCKADDR_IN_SIZE));
            check(server, "listen", server.listen(listeners[i], 16));
            addresses[i] = client.memory().allocate(SocketConstants.SOCKADDR_IN_SIZE);
            client.memory().putSockaddrIn(addresses[i], SocketConstants.AF_INET, serverIp, PORT + i);
        }
        for (int i = 0; i < count; i++)
        {
            final int socket = check(client, "socket",
                client.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0));
            check(client, "connect", client.connect(socket, addresses[i % IDLE_PORTS],
                SocketConstants.SOCKADDR_IN_SIZE));
            check(server, "accept", server.accept(listeners[i % IDLE_PORTS], 0, 0));
        }
    }

    /** Cycles completed. */
    public long cycles()
    {
        return cycles;
    }

    public Simulator sim()
    {
        return sim;
    }

    /** The client's stack (host A). */
    public NetworkStack clientStack()
    {
        return clientStack;
    }

    /** The server's stack (host B). */
    public NetworkStack serverStack()
    {
        return serverStack;
    }
}
