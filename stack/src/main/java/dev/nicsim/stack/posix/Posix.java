package dev.nicsim.stack.posix;

import dev.nicsim.hw.host.CpuUse;
import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.context.SockaddrIn;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.context.StackContext;
import dev.nicsim.stack.sock.ReadinessListener;
import dev.nicsim.stack.sock.Socket;
import dev.nicsim.stack.socket.SocketLayer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.BooleanSupplier;

/**
 * The POSIX facade of one simulated process: file descriptors, {@code errno}, and system calls whose pointer
 * arguments are addresses in the process's {@link ProcessMemory}. Each call returns what the C call returns (-1 with
 * {@link #errno()} set on failure) and checks its arguments in Linux's order: {@code connect(2)} looks up the fd
 * (EBADF), copies the address in (EINVAL for a length outside 0..128, EFAULT for a bad pointer), then asks whether
 * the fd is a socket (ENOTSOCK), and only then does the socket look at the address (EINVAL, EAFNOSUPPORT).
 *
 * <p>Descriptors 0, 1 and 2 are open non-socket files (stdin, stdout, stderr), so the first socket is fd 3 as in
 * packetdrill; {@link #pipe} makes more non-socket descriptors.
 *
 * <p>Every call is one system call on the host's CPU ({@link StackContext#enterSyscall()}); a blocking call runs
 * the simulation until it can return.
 *
 * <h2>Blocking and event-driven programs</h2>
 * The simulation is single-threaded, so one program at a time can block: the code that calls into the simulation
 * from outside events (a test, a CLI). Every other program runs event-driven: it arms a one-shot readiness
 * {@link #watch} and makes non-blocking calls from its {@link ReadinessHandler}, which runs inside an event. A call
 * from inside an event that would block fails with an {@link IllegalStateException} saying so.
 * <pre>{@code
 * final class DaytimeServer implements ReadinessHandler {
 *     public void ready(int listener, int revents) {
 *         int conn;
 *         while ((conn = posix.accept4(listener, 0, 0, SOCK_NONBLOCK)) >= 0) {   // until EAGAIN
 *             posix.send(conn, reply, length, 0);
 *             posix.close(conn);
 *         }
 *         posix.watch(listener, POLLIN, this);                                 // one-shot: arm again
 *     }
 * }
 * posix.watch(listener, POLLIN, new DaytimeServer());
 * }</pre>
 */
public final class Posix
{

    private final StackContext stack;
    private final SocketLayer sockets;
    private final ProcessMemory memory;
    private final FdTable<Watch> files;
    private final MemorySegment kernelAddress = Arena.ofAuto().allocate(SocketConstants.SOCKADDR_STORAGE_SIZE, 8);
    private final MemorySegment tcpInfo = Arena.ofAuto().allocate(SocketLayer.INFO_SIZE, 8);
    private final int[] name = new int[2];
    private int errno;
    /* The core this process's thread runs on (setCore). */
    private int core;

    /* poll(2)'s arguments while it waits. */
    private long pollFds;
    private int pollCount;
    private final BooleanSupplier pollReady = this::anyReady;

    public Posix(final StackContext stack, final SocketLayer sockets, final ProcessMemory memory)
    {
        this.stack = stack;
        this.sockets = sockets;
        this.memory = memory;
        this.files = new FdTable<>(stack.config().openFilesPerProcess());
        files.installFile();
        files.installFile();
        files.installFile();
    }

    /**
     * Places this process's thread on core {@code core} of the host's CPU, as {@code sched_setaffinity(2)} pins a
     * thread: its system calls from now on, and the handlers of watches armed from now on, run there.
     *
     * @throws IllegalArgumentException if the host has no such core
     */
    public void setCore(final int core)
    {
        if (core < 0 || core >= stack.cpu().cores())
        {
            throw new IllegalArgumentException(stack.cpu().name() + " has cores 0 to " + (stack.cpu().cores() - 1) +
                "; a process cannot run on core " + core);
        }
        this.core = core;
    }

    public int core()
    {
        return core;
    }

    /** The errno of the last failed call. */
    public int errno()
    {
        return errno;
    }

    public ProcessMemory memory()
    {
        return memory;
    }

    /** The socket behind a descriptor, or null (for tests and the Java API). */
    public Socket socketOf(final int fd)
    {
        return files.isSocket(fd) ? files.socket(fd) : null;
    }

    private int fail(final int error)
    {
        errno = error;
        return -1;
    }

    /** Turns a layer's count-or-minus-errno into the C convention. */
    private int result(final int value)
    {
        return value < 0 ? fail(-value) : value;
    }

    private boolean badFd(final int fd)
    {
        return !files.isOpen(fd);
    }

    /** {@code move_addr_to_kernel}: 0, or -EINVAL / -EFAULT. */
    private int copyAddressIn(final long address, final int length)
    {
        if (length < 0 || length > SocketConstants.SOCKADDR_STORAGE_SIZE)
        {
            return -Errno.EINVAL;
        }
        if (length == 0)
        {
            return 0;
        }
        if (!memory.accessible(address, length))
        {
            return -Errno.EFAULT;
        }
        MemorySegment.copy(memory.segment(), memory.offset(address), kernelAddress, 0, length);
        return 0;
    }

    /** {@code move_addr_to_user}: writes a sockaddr_in truncated to {@code *lengthPointer}, then the full length. */
    private int copyAddressOut(final int address, final int port, final long pointer, final long lengthPointer)
    {
        return copyAddressOut(address, port, pointer, lengthPointer, SocketConstants.SOCKADDR_IN_SIZE);
    }

    /** As Linux's {@code move_addr_to_user}: copies up to {@code kernelLength} bytes and stores that length. */
    private int copyAddressOut(final int address, final int port, final long pointer, final long lengthPointer,
        final int kernelLength)
    {
        if (pointer == 0)
        {
            return 0;
        }
        if (!memory.accessible(lengthPointer, 4))
        {
            return -Errno.EFAULT;
        }
        final int room = memory.getInt(lengthPointer);
        if (room < 0)
        {
            return -Errno.EINVAL;
        }
        final int length = Math.min(room, kernelLength);
        if (length > 0)
        {
            if (!memory.accessible(pointer, length))
            {
                return -Errno.EFAULT;
            }
            SockaddrIn.put(kernelAddress, 0, SocketConstants.AF_INET, address, port);
            MemorySegment.copy(kernelAddress, 0, memory.segment(), memory.offset(pointer), length);
        }
        memory.putInt(lengthPointer, kernelLength);
        return 0;
    }

    /* ---------------------------------------------------------------------------------------------------------- */
    /* System calls                                                                                                 */

    /** socket(2). */
    public int socket(final int domain, final int type, final int protocol)
    {
        stack.enterSyscall(core);
        try
        {
            final Socket socket = sockets.create(domain, type, protocol);
            if (socket == null)
            {
                return fail(sockets.lastError());
            }
            final int fd = files.installSocket(socket);
            if (fd < 0)
            {
                sockets.close(socket);
                return fail(Errno.EMFILE);
            }
            return fd;
        }
        finally
        {
            stack.exitSyscall();
        }
    }

    /** pipe(2): two non-socket descriptors (they carry no data in this model; they exist for ENOTSOCK). */
    public int pipe(final long fdsPointer)
    {
        stack.enterSyscall(core);
        try
        {
            if (!memory.accessible(fdsPointer, 8))
            {
                return fail(Errno.EFAULT);
            }
            final int read = files.installFile();
            if (read < 0)
            {
                return fail(Errno.EMFILE);
            }
            final int write = files.installFile();
            if (write < 0)
            {
                files.release(read);
                return fail(Errno.EMFILE);
            }
            memory.putInt(fdsPointer, read);
            memory.putInt(fdsPointer + 4, write);
            return 0;
        }
        finally
        {
            stack.exitSyscall();
        }
    }

    /** connect(2): EBADF, then the address copy (EINVAL, EFAULT), then ENOTSOCK, then the socket's own checks. */
    public int connect(final int fd, final long address, final int length)
    {
        stack.enterSyscall(core);
        try
        {
            if (badFd(fd))
            {
                return fail(Errno.EBADF);
            }
            final int copied = copyAddressIn(address, length);
            if (copied < 0)
            {
                return result(copied);
            }
            if (!files.isSocket(fd))
            {
                return fail(Errno.ENOTSOCK);
            }
            return result(sockets.connect(files.socket(fd), kernelAddress, 0, length));
        }
        finally
        {
            stack.exitSyscall();
        }
    }

    /** bind(2): EBADF, ENOTSOCK, then the address copy, then the bind rules. */
    public int bind(final int fd, final long address, final int length)
    {
        stack.enterSyscall(core);
        try
        {
            final int checked = checkSocket(fd);
            if (checked < 0)
            {
                return checked;
            }
            final int copied = copyAddressIn(address, length);
            if (copied < 0)
            {
                return result(copied);
            }
            return result(sockets.bind(files.socket(fd), kernelAddress, 0, length));
        }
        finally
        {
            stack.exitSyscall();
        }
    }

    /** -1 with EBADF or ENOTSOCK, else 0. */
    private int checkSocket(final int fd)
    {
        if (badFd(fd))
        {
            return fail(Errno.EBADF);
        }
        if (!files.isSocket(fd))
        {
            return fail(Errno.ENOTSOCK);
        }
        return 0;
    }

    /** listen(2). */
    public int listen(final int fd, final int backlog)
    {
        stack.enterSyscall(core);
        try
        {
            final int checked = checkSocket(fd);
            return checked < 0 ? checked : result(sockets.listen(files.socket(fd), backlog));
        }
        finally
        {
            stack.exitSyscall();
        }
    }

    /** accept(2); {@code address}/{@code lengthPointer} may be 0 (NULL). */
    public int accept(final int fd, final long address, final long lengthPointer)
    {
        return accept4(fd, address, lengthPointer, 0);
    }

    /** accept4(2) with SOCK_NONBLOCK/SOCK_CLOEXEC flags. */
    public int accept4(final int fd, final long address, final long lengthPointer, final int flags)
    {
        stack.enterSyscall(core);
        try
        {
            if ((flags & ~(SocketConstants.SOCK_NONBLOCK | SocketConstants.SOCK_CLOEXEC)) != 0)
            {
                return fail(Errno.EINVAL);
            }
            final int checked = checkSocket(fd);
            if (checked < 0)
            {
                return checked;
            }
            // Linux's do_accept takes the descriptor before it looks at the queue: EMFILE leaves the connection queued.
            if (!files.hasFree())
            {
                return fail(Errno.EMFILE);
            }
            final Socket listener = files.socket(fd);
            final Socket child = sockets.accept(listener, false);
            if (child == null)
            {
                return fail(sockets.lastError());
            }
            child.nonBlocking = (flags & SocketConstants.SOCK_NONBLOCK) != 0;
            final int newFd = files.installSocket(child);
            if (newFd < 0)
            {
                sockets.close(child);
                return fail(Errno.EMFILE);
            }
            final int written = copyAddressOut(child.remoteAddress, child.remotePort, address, lengthPointer);
            return written < 0 ? result(written) : newFd;
        }
        finally
        {
            stack.exitSyscall();
        }
    }

    /** send(2). */
    public int send(final int fd, final long buffer, final int length, final int flags)
    {
        return sendto(fd, buffer, length, flags, 0, 0);
    }

    /** write(2) on a socket: send with no flags. */
    public int write(final int fd, final long buffer, final int length)
    {
        return sendto(fd, buffer, length, 0, 0, 0);
    }

    /** sendto(2): EBADF, ENOTSOCK, the address copy, then the data (EFAULT when unreadable). */
    public int sendto(final int fd, final long buffer, final int length, final int flags, final long address,
        final int addressLength)
    {
        stack.enterSyscall(core);
        try
        {
            final int checked = checkSocket(fd);
            if (checked < 0)
            {
                return checked;
            }
            if (address != 0)
            {
                final int copied = copyAddressIn(address, addressLength);
                if (copied < 0)
                {
                    return result(copied);
                }
            }
            if (length < 0 || length > 0 && !memory.accessible(buffer, length))
            {
                return fail(Errno.EFAULT);
            }
            final int sent = sockets.send(files.socket(fd), memory.segment(), memory.offset(buffer), length, flags,
                address != 0 ? kernelAddress : null, 0, address != 0 ? addressLength : 0);
            chargeCopy(sent);
            return result(sent);
        }
        finally
        {
            stack.exitSyscall();
        }
    }

    /* copy_from_user/copy_to_user of a call's data: CPU time by the byte (CpuCosts.copyPsPerKiB). */
    private void chargeCopy(final int bytes)
    {
        if (bytes > 0)
        {
            stack.cpu().charge(CpuUse.SYSCALL, stack.cpu().costs().copyPs(bytes));
        }
    }

    /** recv(2). */
    public int recv(final int fd, final long buffer, final int length, final int flags)
    {
        return recvfrom(fd, buffer, length, flags, 0, 0);
    }

    /** read(2) on a socket: recv with no flags. */
    public int read(final int fd, final long buffer, final int length)
    {
        return recvfrom(fd, buffer, length, 0, 0, 0);
    }

    /** recvfrom(2); {@code address}/{@code lengthPointer} may be 0 (NULL). */
    public int recvfrom(final int fd, final long buffer, final int length, final int flags, final long address,
        final long lengthPointer)
    {
        stack.enterSyscall(core);
        try
        {
            final int checked = checkSocket(fd);
            if (checked < 0)
            {
                return checked;
            }
            if (length < 0 || length > 0 && !memory.accessible(buffer, length))
            {
                return fail(Errno.EFAULT);
            }
            final Socket socket = files.socket(fd);
            final int received = sockets.receive(socket, memory.segment(), memory.offset(buffer), length, flags,
                name);
            if (received < 0)
            {
                return result(received);
            }
            // What was copied to the caller: with MSG_TRUNC, TCP copies nothing and UDP at most the buffer.
            chargeCopy((flags & SocketConstants.MSG_TRUNC) == 0 ? received :
                socket.isStream() ? 0 : Math.min(received, length));
            // tcp_recvmsg names no sender: the address length comes back 0 and nothing is copied.
            final int written = copyAddressOut(name[0], name[1], address, lengthPointer,
                socket.isStream() ? 0 : SocketConstants.SOCKADDR_IN_SIZE);
            return written < 0 ? result(written) : received;
        }
        finally
        {
            stack.exitSyscall();
        }
    }

    /** close(2). */
    public int close(final int fd)
    {
        stack.enterSyscall(core);
        try
        {
            if (badFd(fd))
            {
                return fail(Errno.EBADF);
            }
            if (files.watch(fd) != null)
            {
                files.watch(fd).disarm();
            }
            if (files.isSocket(fd))
            {
                sockets.close(files.socket(fd));
            }
            files.release(fd);
            return 0;
        }
        finally
        {
            stack.exitSyscall();
        }
    }

    /**
     * Arms a one-shot readiness watch on socket {@code fd}, like epoll with {@code EPOLLONESHOT}: once the socket's
     * poll(2) state intersects {@code events} (POLLERR and POLLHUP always count), at once if it already does,
     * {@code handler} runs as an event on this host ({@link Component#HOST_CPU}: it waits for the host's CPU, is
     * charged the host's wake-up cost, then runs), and the watch is disarmed before it is called. Readiness that
     * comes and goes before the handler runs does not call it; the watch stays armed. Closing {@code fd} disarms it.
     * One system call ({@code epoll_ctl}). Arming and delivering allocate nothing.
     *
     * @return 0, or -1 with EBADF (no such descriptor), ENOTSOCK, EINVAL ({@code events} 0 or no handler) or
     *         EEXIST (a watch is already armed on {@code fd})
     */
    public int watch(final int fd, final int events, final ReadinessHandler handler)
    {
        stack.enterSyscall(core);
        try
        {
            final int checked = checkSocket(fd);
            if (checked < 0)
            {
                return checked;
            }
            if (events == 0 || handler == null)
            {
                return fail(Errno.EINVAL);
            }
            if (files.watch(fd) == null)
            {
                files.setWatch(fd, new Watch(fd));
            }
            final Watch watch = files.watch(fd);
            if (watch.armed())
            {
                return fail(Errno.EEXIST);
            }
            watch.arm(files.socket(fd), events, handler);
            return 0;
        }
        finally
        {
            stack.exitSyscall();
        }
    }

    /** Disarms the watch on {@code fd}. Returns 0, or -1 with EBADF, or ENOENT when none is armed. */
    public int unwatch(final int fd)
    {
        stack.enterSyscall(core);
        try
        {
            if (badFd(fd))
            {
                return fail(Errno.EBADF);
            }
            if (files.watch(fd) == null || !files.watch(fd).armed())
            {
                return fail(Errno.ENOENT);
            }
            files.watch(fd).disarm();
            return 0;
        }
        finally
        {
            stack.exitSyscall();
        }
    }

    /** shutdown(2). */
    public int shutdown(final int fd, final int how)
    {
        stack.enterSyscall(core);
        try
        {
            final int checked = checkSocket(fd);
            return checked < 0 ? checked : result(sockets.shutdown(files.socket(fd), how));
        }
        finally
        {
            stack.exitSyscall();
        }
    }

    /** fcntl(2): F_GETFL and F_SETFL (O_NONBLOCK). */
    public int fcntl(final int fd, final int command, final int argument)
    {
        stack.enterSyscall(core);
        try
        {
            if (badFd(fd))
            {
                return fail(Errno.EBADF);
            }
            final Socket socket = files.isSocket(fd) ? files.socket(fd) : null;
            switch (command)
            {
                case SocketConstants.F_GETFL:
                    final boolean nonBlocking = socket != null ? socket.nonBlocking
                        : (files.flags(fd) & SocketConstants.O_NONBLOCK) != 0;
                    return SocketConstants.O_RDWR | (nonBlocking ? SocketConstants.O_NONBLOCK : 0);
                case SocketConstants.F_SETFL:
                    files.setFlags(fd, argument & SocketConstants.O_NONBLOCK);
                    if (socket != null)
                    {
                        socket.nonBlocking = (argument & SocketConstants.O_NONBLOCK) != 0;
                    }
                    return 0;
                default:
                    return fail(Errno.EINVAL);
            }
        }
        finally
        {
            stack.exitSyscall();
        }
    }

    /**
     * ioctl(2) with an int argument at {@code argument}: FIONBIO sets non-blocking mode from it on any descriptor;
     * on a socket FIONREAD, SIOCOUTQ, SIOCOUTQNSD and SIOCATMARK write the answer there (a pipe here holds no data:
     * FIONREAD 0). Another request is ENOTTY.
     */
    public int ioctl(final int fd, final int request, final long argument)
    {
        stack.enterSyscall(core);
        try
        {
            if (badFd(fd))
            {
                return fail(Errno.EBADF);
            }
            if (!memory.accessible(argument, 4))
            {
                return fail(Errno.EFAULT);
            }
            final Socket socket = files.isSocket(fd) ? files.socket(fd) : null;
            if (request == SocketConstants.FIONBIO)
            {
                final boolean on = memory.getInt(argument) != 0;
                files.setFlags(fd, on ? files.flags(fd) | SocketConstants.O_NONBLOCK
                    : files.flags(fd) & ~SocketConstants.O_NONBLOCK);
                if (socket != null)
                {
                    socket.nonBlocking = on;
                }
                return 0;
            }
            final int answer = socket != null ? sockets.ioctl(socket, request)
                : request == SocketConstants.FIONREAD ? 0 : -Errno.ENOTTY;
            if (answer < 0)
            {
                return result(answer);
            }
            memory.putInt(argument, answer);
            return 0;
        }
        finally
        {
            stack.exitSyscall();
        }
    }

    /**
     * poll(2) over {@code count} {@code struct pollfd} (8 bytes: int fd, short events, short revents) at
     * {@code fds}. {@code timeoutMs} -1 waits forever, 0 returns at once.
     */
    public int poll(final long fds, final int count, final int timeoutMs)
    {
        stack.enterSyscall(core);
        try
        {
            // Linux's do_sys_poll: more entries than RLIMIT_NOFILE is EINVAL.
            if (count < 0 || count > files.limit())
            {
                return fail(Errno.EINVAL);
            }
            if (count > 0 && !memory.accessible(fds, 8L * count))
            {
                return fail(Errno.EFAULT);
            }
            pollFds = fds;
            pollCount = count;
            int ready = scan(true);
            if (ready == 0 && timeoutMs != 0)
            {
                stack.block(pollReady, timeoutMs < 0 ? 0 : Time.ms(timeoutMs));
                ready = scan(true);
            }
            return ready;
        }
        finally
        {
            stack.exitSyscall();
        }
    }

    private boolean anyReady()
    {
        return scan(false) > 0;
    }

    private int scan(final boolean write)
    {
        int ready = 0;
        for (int i = 0; i < pollCount; i++)
        {
            final long entry = pollFds + 8L * i;
            final int fd = memory.getInt(entry);
            final int events = memory.getShort(entry + 4) & 0xFFFF;
            int revents = 0;
            if (fd >= 0)
            {
                if (badFd(fd))
                {
                    revents = SocketConstants.POLLNVAL;
                }
                else if (files.isSocket(fd))
                {
                    revents = sockets.poll(files.socket(fd)) & (events | SocketConstants.POLLERR | SocketConstants.POLLHUP);
                }
                else
                {
                    revents = (SocketConstants.POLLIN | SocketConstants.POLLOUT) & events;
                }
            }
            if (write)
            {
                memory.putShort(entry + 6, (short) revents);
            }
            if (revents != 0)
            {
                ready++;
            }
        }
        return ready;
    }

    /**
     * getsockopt(2). Int options (SO_ERROR get-and-clear, SO_TYPE, SO_REUSEADDR, SO_BROADCAST, SO_SNDBUF, SO_RCVBUF,
     * TCP_NODELAY, TCP_MAXSEG, TCP_SYNCNT) write up to 4 bytes and the length used; TCP_INFO up to
     * {@link SocketLayer#INFO_SIZE}; TCP_CONGESTION the algorithm's name, NUL-padded to TCP_CA_NAME_MAX.
     */
    public int getsockopt(final int fd, final int level, final int option, final long value,
        final long lengthPointer)
    {
        stack.enterSyscall(core);
        try
        {
            final int checked = checkSocket(fd);
            if (checked < 0)
            {
                return checked;
            }
            if (!memory.accessible(lengthPointer, 4))
            {
                return fail(Errno.EFAULT);
            }
            final int room = memory.getInt(lengthPointer);
            if (room < 0)
            {
                return fail(Errno.EINVAL);
            }
            final Socket socket = files.socket(fd);
            if (level == SocketConstants.IPPROTO_TCP && option == SocketConstants.TCP_INFO)
            {
                return tcpInfo(socket, value, lengthPointer, room);
            }
            if (level == SocketConstants.IPPROTO_TCP && option == SocketConstants.TCP_CONGESTION)
            {
                return congestionName(socket, value, lengthPointer, room);
            }
            if (level == SocketConstants.SOL_SOCKET && option == SocketConstants.SO_LINGER)
            {
                return linger(socket, value, lengthPointer, room);
            }
            if (level == SocketConstants.SOL_SOCKET &&
                (option == SocketConstants.SO_SNDTIMEO || option == SocketConstants.SO_RCVTIMEO))
            {
                return timeout(option == SocketConstants.SO_SNDTIMEO ? socket.sendTimeoutPs : socket.receiveTimeoutPs,
                    value, lengthPointer, room);
            }
            final long got = sockets.getOption(socket, level, option);
            if (got < 0)
            {
                return result((int) got);
            }
            final int length = Math.min(room, 4);
            if (length > 0 && !memory.accessible(value, length))
            {
                return fail(Errno.EFAULT);
            }
            for (int i = 0; i < length; i++)
            {
                memory.putByte(value + i, (byte) (got >>> (8 * i)));
            }
            memory.putInt(lengthPointer, length);
            return 0;
        }
        finally
        {
            stack.exitSyscall();
        }
    }

    /**
     * SO_LINGER: {@code struct linger} (int l_onoff, int l_linger), cut to the caller's length. Without limit the
     * seconds read as Linux's MAX_SCHEDULE_TIMEOUT / HZ in an int (the stack's configured HZ).
     */
    private int linger(final Socket socket, final long value, final long lengthPointer, final int room)
    {
        final int length = Math.min(room, 8);
        if (length > 0 && !memory.accessible(value, length))
        {
            return fail(Errno.EFAULT);
        }
        final long seconds = socket.lingerSeconds == Socket.LINGER_FOREVER ? Long.MAX_VALUE / stack.config().hz() :
            socket.lingerSeconds;
        final long both = (socket.lingerOn ? 1L : 0L) | seconds << 32;
        for (int i = 0; i < length; i++)
        {
            memory.putByte(value + i, (byte) (both >>> (8 * i)));
        }
        memory.putInt(lengthPointer, length);
        return 0;
    }

    /**
     * {@code sock_set_timeout}: negative seconds do not wait at all ({@link Socket#NO_WAIT}); zero, or more than the
     * simulation's clock can count, waits for ever (0); else the time in whole ticks of the configured HZ, the
     * microseconds rounded up to a tick.
     */
    private long timeoutPs(final long seconds, final long micros)
    {
        if (seconds < 0)
        {
            return Socket.NO_WAIT;
        }
        if (seconds == 0 && micros == 0 || seconds >= Long.MAX_VALUE / Time.S - 1)
        {
            return 0;
        }
        final long jiffy = stack.config().jiffyPs();
        final long tickMicros = jiffy / Time.US;
        return Time.seconds(seconds) + (micros + tickMicros - 1) / tickMicros * jiffy;
    }

    /**
     * SO_RCVTIMEO or SO_SNDTIMEO: {@code struct timeval} (long seconds, long microseconds), cut to the caller's
     * length; no timeout, and no waiting, both read as zero ({@code sock_get_timeout}).
     */
    private int timeout(final long ps, final long value, final long lengthPointer, final int room)
    {
        final int length = Math.min(room, 16);
        if (length > 0 && !memory.accessible(value, length))
        {
            return fail(Errno.EFAULT);
        }
        final long kept = Math.max(ps, 0);
        final long seconds = kept / Time.S;
        final long micros = kept % Time.S / Time.US;
        for (int i = 0; i < length; i++)
        {
            memory.putByte(value + i, (byte) ((i < 8 ? seconds : micros) >>> (8 * (i % 8))));
        }
        memory.putInt(lengthPointer, length);
        return 0;
    }

    /**
     * TCP_CONGESTION: the name in TCP_CA_NAME_MAX bytes, NUL-padded, cut to the caller's length (do_tcp_getsockopt);
     * EOPNOTSUPP on a socket of another protocol (ip_getsockopt).
     */
    private int congestionName(final Socket socket, final long value, final long lengthPointer, final int room)
    {
        final String name = sockets.congestion(socket);
        if (name == null)
        {
            return fail(Errno.EOPNOTSUPP);
        }
        final int length = Math.min(room, SocketConstants.TCP_CA_NAME_MAX);
        if (length > 0 && !memory.accessible(value, length))
        {
            return fail(Errno.EFAULT);
        }
        for (int i = 0; i < length; i++)
        {
            memory.putByte(value + i, i < name.length() ? (byte) name.charAt(i) : 0);
        }
        memory.putInt(lengthPointer, length);
        return 0;
    }

    /** TCP_INFO: Linux's {@code struct tcp_info}, cut to the caller's length (tcp_get_info, then copy_to_user). */
    private int tcpInfo(final Socket socket, final long value, final long lengthPointer, final int room)
    {
        final int size = sockets.info(socket, tcpInfo);
        if (size < 0)
        {
            return result(size);
        }
        final int length = Math.min(room, size);
        if (length > 0 && !memory.accessible(value, length))
        {
            return fail(Errno.EFAULT);
        }
        MemorySegment.copy(tcpInfo, 0, memory.segment(), memory.offset(value), length);
        memory.putInt(lengthPointer, length);
        return 0;
    }

    /**
     * setsockopt(TCP_CONGESTION): a name of at most TCP_CA_NAME_MAX - 1 bytes, up to a NUL or {@code length}
     * (do_tcp_setsockopt; less than one byte is EINVAL).
     */
    private int setCongestion(final Socket socket, final long value, final int length)
    {
        if (!socket.isStream())
        {
            return result(sockets.setCongestion(socket, ""));
        }
        if (length < 1)
        {
            return fail(Errno.EINVAL);
        }
        final int most = Math.min(length, SocketConstants.TCP_CA_NAME_MAX - 1);
        if (!memory.accessible(value, most))
        {
            return fail(Errno.EFAULT);
        }
        final StringBuilder name = new StringBuilder(most);
        for (int i = 0; i < most && memory.getByte(value + i) != 0; i++)
        {
            name.append((char) (memory.getByte(value + i) & 0xFF));
        }
        return result(sockets.setCongestion(socket, name.toString()));
    }

    /**
     * setsockopt(2): int options need {@code length >= 4}; SO_LINGER takes {@code struct linger} (8 bytes),
     * SO_SNDTIMEO/SO_RCVTIMEO a {@code struct timeval} (16 bytes; tv_usec outside 0..999999 is EDOM).
     */
    public int setsockopt(final int fd, final int level, final int option, final long value, final int length)
    {
        stack.enterSyscall(core);
        try
        {
            final int checked = checkSocket(fd);
            if (checked < 0)
            {
                return checked;
            }
            if (length < 0)
            {
                return fail(Errno.EINVAL);
            }
            final Socket socket = files.socket(fd);
            if (level == SocketConstants.IPPROTO_TCP && option == SocketConstants.TCP_CONGESTION)
            {
                return setCongestion(socket, value, length);
            }
            if (level == SocketConstants.SOL_SOCKET && option == SocketConstants.SO_LINGER)
            {
                if (length < 8)
                {
                    return fail(Errno.EINVAL);
                }
                if (!memory.accessible(value, 8))
                {
                    return fail(Errno.EFAULT);
                }
                sockets.setLinger(socket, memory.getInt(value) != 0, memory.getInt(value + 4));
                return 0;
            }
            if (level == SocketConstants.SOL_SOCKET &&
                (option == SocketConstants.SO_SNDTIMEO || option == SocketConstants.SO_RCVTIMEO))
            {
                if (length < 16)
                {
                    return fail(Errno.EINVAL);
                }
                if (!memory.accessible(value, 16))
                {
                    return fail(Errno.EFAULT);
                }
                final long seconds = memory.getLong(value);
                final long micros = memory.getLong(value + 8);
                if (micros < 0 || micros >= 1_000_000)
                {
                    return fail(Errno.EDOM);
                }
                sockets.setTimeout(socket, option == SocketConstants.SO_SNDTIMEO, timeoutPs(seconds, micros));
                return 0;
            }
            if (length < 4)
            {
                return fail(Errno.EINVAL);
            }
            if (!memory.accessible(value, 4))
            {
                return fail(Errno.EFAULT);
            }
            return result(sockets.setOption(socket, level, option, memory.getInt(value)));
        }
        finally
        {
            stack.exitSyscall();
        }
    }

    /** getsockname(2). */
    public int getsockname(final int fd, final long address, final long lengthPointer)
    {
        return socketName(fd, false, address, lengthPointer);
    }

    /** getpeername(2): ENOTCONN until connected (a TCP socket in SYN_SENT has no peer yet). */
    public int getpeername(final int fd, final long address, final long lengthPointer)
    {
        return socketName(fd, true, address, lengthPointer);
    }

    private int socketName(final int fd, final boolean peer, final long address, final long lengthPointer)
    {
        stack.enterSyscall(core);
        try
        {
            final int checked = checkSocket(fd);
            if (checked < 0)
            {
                return checked;
            }
            final int named = sockets.name(files.socket(fd), peer, name);
            if (named < 0)
            {
                return result(named);
            }
            if (address == 0)
            {
                return fail(Errno.EFAULT);
            }
            return result(copyAddressOut(name[0], name[1], address, lengthPointer));
        }
        finally
        {
            stack.exitSyscall();
        }
    }

    /**
     * One descriptor's readiness watch: while armed it listens to its socket's readiness changes, and it is itself
     * the event that runs the handler.
     */
    private final class Watch extends Event implements ReadinessListener
    {
        private final int fd;
        private Socket socket;
        private int events;
        private ReadinessHandler handler;
        private int handlerCore;

        Watch(final int fd)
        {
            super("posix.watch", Component.HOST_CPU);
            this.fd = fd;
        }

        boolean armed()
        {
            return socket != null;
        }

        void arm(final Socket watched, final int interest, final ReadinessHandler target)
        {
            socket = watched;
            events = interest | SocketConstants.POLLERR | SocketConstants.POLLHUP;
            handler = target;
            handlerCore = core;
            watched.readinessListener = this;
            readinessChanged(watched);
        }

        void disarm()
        {
            if (socket != null && socket.readinessListener == this)
            {
                socket.readinessListener = null;
            }
            socket = null;
            handler = null;
            stack.sim().cancel(this);
        }

        @Override
        public void readinessChanged(final Socket changed)
        {
            if (!isScheduled() && (sockets.poll(changed) & events) != 0)
            {
                stack.sim().schedule(this, stack.sim().now());
            }
        }

        @Override
        protected void fire()
        {
            stack.cpu().begin(handlerCore, CpuUse.SYSCALL);
            try
            {
                stack.cpu().charge(stack.cpu().costs().wakeupPs());
                final int revents = sockets.poll(socket) & events;
                if (revents != 0)
                {
                    final ReadinessHandler target = handler;
                    disarm();
                    // The handler may run inside another call of this process (one made outside events lets the
                    // simulation catch up before it returns): like a signal handler, it must leave that call's
                    // errno as it found it.
                    final int interrupted = errno;
                    target.ready(fd, revents);
                    errno = interrupted;
                }
            }
            finally
            {
                stack.flushTransmit();
                stack.cpu().end();
            }
        }
    }
}
