package dev.nicsim.stack.sock;

import dev.nicsim.stack.context.StackConfig;

/**
 * The host's sockets as one resource, shared by every transport's {@link SocketPool}: the buffer memory they charge
 * ({@code tcp_mem} in spirit) and the count held against {@code maxSockets} (past it, ENFILE).
 */
public final class HostSockets
{
    private final SocketMemory memory;
    private final int maxSockets;
    private int live;

    public HostSockets(final StackConfig config)
    {
        this.memory = new SocketMemory(config.socketMemoryBytes());
        this.maxSockets = config.maxSockets();
    }

    /** The host's socket buffer memory. */
    public SocketMemory memory()
    {
        return memory;
    }

    /** Sockets in use (open, or closed and still finishing, such as TIME_WAIT). */
    public int live()
    {
        return live;
    }

    /** True when one more socket may be opened. */
    boolean full()
    {
        return live >= maxSockets;
    }

    void opened()
    {
        live++;
    }

    void closed()
    {
        live--;
    }
}
