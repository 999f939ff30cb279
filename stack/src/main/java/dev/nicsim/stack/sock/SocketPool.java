package dev.nicsim.stack.sock;

import java.util.function.Function;

/**
 * One transport's sockets ({@code sk_alloc} from the protocol's slab): built on first use, kept for reuse with their
 * timers and buffers when closed, so opening and closing connections allocates nothing once the pool has grown.
 * Every socket ever built stays reachable ({@link #built}) for the rare walk over all of them.
 *
 * @param <S> the transport's socket type
 */
public final class SocketPool<S extends Socket>
{
    private final HostSockets host;
    private final Function<SocketMemory, S> factory;
    private Socket free;
    private Socket[] all = new Socket[64];
    private int allCount;

    /** {@code factory} builds a new socket charging {@code memory}. */
    public SocketPool(final HostSockets host, final Function<SocketMemory, S> factory)
    {
        this.host = host;
        this.factory = factory;
    }

    /** A fresh socket from the pool (built on first use), or null when {@code maxSockets} are open (ENFILE). */
    @SuppressWarnings("unchecked")
    public S allocate()
    {
        if (host.full())
        {
            return null;
        }
        Socket socket = free;
        if (socket != null)
        {
            free = socket.nextFree;
        }
        else
        {
            socket = factory.apply(host.memory());
            socket.reset();
            remember(socket);
        }
        // A socket is reset once per use, when freed (and once when built), not again when it is taken.
        socket.nextFree = null;
        socket.open = true;
        host.opened();
        return (S) socket;
    }

    private void remember(final Socket socket)
    {
        if (allCount == all.length)
        {
            final Socket[] larger = new Socket[all.length * 2];
            System.arraycopy(all, 0, larger, 0, allCount);
            all = larger;
        }
        all[allCount++] = socket;
    }

    /** Returns a socket to the pool. */
    public void free(final S socket)
    {
        if (!socket.open)
        {
            return;
        }
        socket.reset();
        host.closed();
        socket.nextFree = free;
        free = socket;
    }

    /** How many sockets were ever built. */
    public int built()
    {
        return allCount;
    }

    /** The {@code index}th socket built, open or not. */
    @SuppressWarnings("unchecked")
    public S get(final int index)
    {
        return (S) all[index];
    }
}
