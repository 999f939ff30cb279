package dev.nicsim.stack.posix;

import dev.nicsim.stack.sock.Socket;

import java.util.Arrays;

/**
 * A process's file descriptors, as Linux's {@code files_struct}: each open descriptor is a socket or another file,
 * with its file status flags and (for {@link Posix#watch}) a readiness watch of type {@code W}. A new descriptor is
 * the lowest free one ({@code get_unused_fd_flags}), found through a bitmap of open descriptors from a hint of the
 * lowest possibly free one ({@code next_fd}), so opening the 100,000th descriptor costs what opening the fourth does.
 * The arrays grow by doubling up to {@code RLIMIT_NOFILE}; past it a new descriptor is refused (EMFILE).
 */
final class FdTable<W>
{
    private static final int FREE = 0;
    private static final int SOCKET = 1;
    private static final int FILE = 2;

    private final int limit;
    private byte[] kind = new byte[64];
    private Socket[] sockets = new Socket[64];
    private int[] flags = new int[64];
    private Object[] watches = new Object[64];
    private long[] open = new long[1];
    /** No descriptor below this one is free. */
    private int nextFree;

    FdTable(final int limit)
    {
        this.limit = limit;
    }

    /** {@code RLIMIT_NOFILE}: descriptors are below it. */
    int limit()
    {
        return limit;
    }

    boolean isOpen(final int fd)
    {
        return fd >= 0 && fd < kind.length && kind[fd] != FREE;
    }

    boolean isSocket(final int fd)
    {
        return fd >= 0 && fd < kind.length && kind[fd] == SOCKET;
    }

    /** The socket behind an open socket descriptor. */
    Socket socket(final int fd)
    {
        return sockets[fd];
    }

    int flags(final int fd)
    {
        return flags[fd];
    }

    void setFlags(final int fd, final int value)
    {
        flags[fd] = value;
    }

    @SuppressWarnings("unchecked")
    W watch(final int fd)
    {
        return (W) watches[fd];
    }

    void setWatch(final int fd, final W watch)
    {
        watches[fd] = watch;
    }

    /** True when a new descriptor can be had now. */
    boolean hasFree()
    {
        return lowestFree() >= 0;
    }

    /** Opens {@code socket} on the lowest free descriptor; -1 when {@code RLIMIT_NOFILE} are open. */
    int installSocket(final Socket socket)
    {
        final int fd = take(SOCKET);
        if (fd >= 0)
        {
            sockets[fd] = socket;
        }
        return fd;
    }

    /** Opens a non-socket file on the lowest free descriptor; -1 when {@code RLIMIT_NOFILE} are open. */
    int installFile()
    {
        return take(FILE);
    }

    /** Frees a descriptor. The watch object stays, to be reused by the descriptor's next watch. */
    void release(final int fd)
    {
        kind[fd] = FREE;
        sockets[fd] = null;
        flags[fd] = 0;
        open[fd >>> 6] &= ~(1L << fd);
        nextFree = Math.min(nextFree, fd);
    }

    private int take(final int what)
    {
        final int fd = lowestFree();
        if (fd < 0)
        {
            return -1;
        }
        if (fd >= kind.length)
        {
            grow(fd + 1);
        }
        kind[fd] = (byte) what;
        open[fd >>> 6] |= 1L << fd;
        nextFree = fd + 1;
        return fd;
    }

    private int lowestFree()
    {
        for (int word = nextFree >>> 6; word < open.length; word++)
        {
            final long free = ~open[word] & (word == nextFree >>> 6 ? -1L << nextFree : -1L);
            if (free != 0)
            {
                final int fd = (word << 6) + Long.numberOfTrailingZeros(free);
                return fd < limit ? fd : -1;
            }
        }
        final int fd = Math.max(nextFree, open.length << 6);
        return fd < limit ? fd : -1;
    }

    private void grow(final int needed)
    {
        int length = kind.length;
        while (length < needed)
        {
            length *= 2;
        }
        kind = Arrays.copyOf(kind, length);
        sockets = Arrays.copyOf(sockets, length);
        flags = Arrays.copyOf(flags, length);
        watches = Arrays.copyOf(watches, length);
        open = Arrays.copyOf(open, (length + 63) >>> 6);
    }
}
