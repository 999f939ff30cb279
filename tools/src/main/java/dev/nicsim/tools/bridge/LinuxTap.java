package dev.nicsim.tools.bridge;

import java.io.Closeable;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A Linux TAP interface opened through {@code /dev/net/tun} with the Foreign Function API: the kernel sees an
 * Ethernet interface, and every frame it sends there can be read here (and every frame written here, it receives).
 * Frames carry no FCS and no packet-information header ({@code IFF_NO_PI}).
 *
 * <p>Needs CAP_NET_ADMIN (root) and {@code /dev/net/tun}; the interface disappears when closed.
 */
public final class LinuxTap implements Closeable
{
    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    private static final long TUNSETIFF = 0x400454caL;
    private static final short IFF_TAP = 0x0002;
    private static final short IFF_NO_PI = 0x1000;
    private static final int IFREQ_BYTES = 40;
    private static final int IFNAMSIZ = 16;
    private static final short POLLIN = 0x001;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
        CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final MethodHandle OPEN = LINKER.downcallHandle(LIBC.find("open").orElseThrow(),
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL = LINKER.downcallHandle(LIBC.find("ioctl").orElseThrow(),
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle READ = LINKER.downcallHandle(LIBC.find("read").orElseThrow(),
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE_ERRNO);
    private static final MethodHandle WRITE = LINKER.downcallHandle(LIBC.find("write").orElseThrow(),
        FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CAPTURE_ERRNO);
    private static final MethodHandle POLL = LINKER.downcallHandle(LIBC.find("poll").orElseThrow(),
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LIBC.find("close").orElseThrow(),
        FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LIBC.find("strerror").orElseThrow(),
        FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private final Arena arena = Arena.ofShared();
    private final String name;
    private final int fd;
    /* One capture area and buffer per direction: the reader thread and the writer never share one. */
    private final MemorySegment readState = arena.allocate(CAPTURE);
    private final MemorySegment writeState = arena.allocate(CAPTURE);
    private final MemorySegment pollFd = arena.allocate(8, 4);

    private LinuxTap(final String name, final int fd)
    {
        this.name = name;
        this.fd = fd;
        pollFd.set(JAVA_INT, 0, fd);
        pollFd.set(JAVA_SHORT, 4, POLLIN);
    }

    /**
     * Creates (or attaches to) the TAP interface {@code name}.
     *
     * @throws IllegalStateException with the system's reason (e.g. "Operation not permitted": run as root)
     */
    public static LinuxTap open(final String name)
    {
        final byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length == 0 || bytes.length >= IFNAMSIZ || !name.matches("[A-Za-z0-9_.-]+"))
        {
            throw new IllegalArgumentException("TAP interface name '" + name + "' must be 1 to 15 letters, digits, " +
                "'_', '.' or '-'");
        }
        try (Arena call = Arena.ofConfined())
        {
            final MemorySegment state = call.allocate(CAPTURE);
            final int fd = (int) OPEN.invokeExact(state, call.allocateFrom("/dev/net/tun"), O_RDWR | O_CLOEXEC);
            if (fd < 0)
            {
                throw failure("cannot open /dev/net/tun", state);
            }
            final MemorySegment request = call.allocate(IFREQ_BYTES);
            MemorySegment.copy(bytes, 0, request, ValueLayout.JAVA_BYTE, 0, bytes.length);
            request.set(JAVA_SHORT, IFNAMSIZ, (short) (IFF_TAP | IFF_NO_PI));
            final int result = (int) IOCTL.invokeExact(state, fd, TUNSETIFF, request);
            if (result < 0)
            {
                final IllegalStateException error = failure("cannot create TAP interface " + name +
                    " (needs root / CAP_NET_ADMIN)", state);
                closeDescriptor(fd);
                throw error;
            }
            return new LinuxTap(name, fd);
        }
        catch (final IllegalStateException | IllegalArgumentException e)
        {
            throw e;
        }
        catch (final Throwable e)
        {
            throw new IllegalStateException("native call failed opening TAP " + name, e);
        }
    }

    public String name()
    {
        return name;
    }

    /**
     * Waits up to {@code timeoutMillis} for a frame and reads it into {@code buffer}. Returns its length, or 0 if none
     * came in time.
     */
    public int read(final MemorySegment buffer, final int timeoutMillis)
    {
        try
        {
            final int ready = (int) POLL.invokeExact(readState, pollFd, 1L, timeoutMillis);
            if (ready < 0)
            {
                throw failure("poll on TAP " + name + " failed", readState);
            }
            if (ready == 0)
            {
                return 0;
            }
            final long length = (long) READ.invokeExact(readState, fd, buffer, buffer.byteSize());
            if (length < 0)
            {
                throw failure("read from TAP " + name + " failed", readState);
            }
            return (int) length;
        }
        catch (final IllegalStateException e)
        {
            throw e;
        }
        catch (final Throwable e)
        {
            throw new IllegalStateException("native read from TAP " + name + " failed", e);
        }
    }

    /** Hands a frame (no FCS) to the kernel as if received on the interface. */
    public void write(final MemorySegment frame, final int length)
    {
        try
        {
            final long written = (long) WRITE.invokeExact(writeState, fd, frame, (long) length);
            if (written != length)
            {
                throw failure("write of " + length + " bytes to TAP " + name + " failed", writeState);
            }
        }
        catch (final IllegalStateException e)
        {
            throw e;
        }
        catch (final Throwable e)
        {
            throw new IllegalStateException("native write to TAP " + name + " failed", e);
        }
    }

    @Override
    public void close()
    {
        try
        {
            final int result = (int) CLOSE.invokeExact(fd);
            if (result != 0)
            {
                throw new IllegalStateException("closing TAP " + name + " failed");
            }
        }
        catch (final IllegalStateException e)
        {
            throw e;
        }
        catch (final Throwable e)
        {
            throw new IllegalStateException("native close of TAP " + name + " failed", e);
        }
        finally
        {
            arena.close();
        }
    }

    /* Closes a descriptor on an error path, where a second failure would add nothing. */
    private static int closeDescriptor(final int fd) throws Throwable
    {
        return (int) CLOSE.invokeExact(fd);
    }

    private static IllegalStateException failure(final String what, final MemorySegment state)
    {
        final int errno = (int) ERRNO.get(state, 0L);
        return new IllegalStateException(what + ": " + strerror(errno) + " (errno " + errno + ")");
    }

    private static String strerror(final int errno)
    {
        try
        {
            final MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(256).getString(0);
        }
        catch (final Throwable e)
        {
            return "errno " + errno;
        }
    }
}
