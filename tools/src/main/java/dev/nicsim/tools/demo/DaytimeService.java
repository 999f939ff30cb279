package dev.nicsim.tools.demo;

import dev.nicsim.hw.trace.EventTrace;
import dev.nicsim.tools.config.PlatformParameters;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.testbed.Host;

/** The daytime server and client as building blocks for custom runs, without the demo's recording. */
public final class DaytimeService
{
    private final DaytimeServer server;

    private DaytimeService(final DaytimeServer server)
    {
        this.server = server;
    }

    /** Starts a daytime server on {@code host} port {@code port}. */
    public static DaytimeService start(final Host host, final int port, final Settings settings)
    {
        final DaytimeServer server = new DaytimeServer(host.newProcess(), host.stack().sim(), EventTrace.off(),
            host.name() + ".daytime", settings.integer(PlatformParameters.EPOCH));
        server.start(port);
        return new DaytimeService(server);
    }

    /**
     * Connects from {@code client} to {@code server}'s port, reads the reply and closes; returns how long connect()
     * took in picoseconds.
     *
     * @throws Syscalls.SyscallException if a call fails
     */
    public static long fetch(final Host client, final Host server, final int port)
    {
        final DaytimeClient program = new DaytimeClient(client.newProcess(), client.stack().sim(), EventTrace.off(),
            client.name() + ".client");
        final int fd = program.socket();
        if (program.connect(fd, server.addressText(), port) < 0)
        {
            throw new Syscalls.SyscallException("connect", program.errno());
        }
        program.readAll(fd);
        program.close(fd);
        return program.connectReturnedAt() - program.connectCalledAt();
    }

    public int served()
    {
        return server.served();
    }

    public String lastReply()
    {
        return server.lastReply();
    }
}
