package dev.nicsim.tools.demo;

import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.posix.ReadinessHandler;
import dev.nicsim.tools.testbed.Host;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/**
 * A bulk-transfer check for bridges to real peers, event-driven: every connection is read to its end, then answered
 * with the number of bytes that came and their CRC-32 (4 bytes each, big-endian) and closed. A peer that sent bytes
 * with a known CRC-32 learns whether all of them arrived intact. Any number of connections may be open at once.
 */
public final class ChecksumSink implements ReadinessHandler
{
    /** Descriptors up to this many are tracked; Linux's default RLIMIT_NOFILE is 1024. */
    private static final int MAX_FDS = 1024;
    private static final int CHUNK = 64 * 1024;
    private static final int ANSWER = 8;
    private static final ValueLayout.OfInt NETWORK_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final Posix posix;
    private final long buffer;
    private final long answer;
    private final CRC32[] sums = new CRC32[MAX_FDS];
    private final long[] counts = new long[MAX_FDS];
    private int listener = -1;
    private int served;
    private long bytes;

    private ChecksumSink(final Posix posix)
    {
        this.posix = posix;
        this.buffer = posix.memory().allocate(CHUNK);
        this.answer = posix.memory().allocate(ANSWER);
    }

    /** Starts the sink on {@code host} port {@code port}. */
    public static ChecksumSink start(final Host host, final int port)
    {
        final ChecksumSink sink = new ChecksumSink(host.newProcess());
        final Posix posix = sink.posix;
        sink.listener = Syscalls.check(posix, "socket", posix.socket(SocketConstants.AF_INET,
            SocketConstants.SOCK_STREAM | SocketConstants.SOCK_NONBLOCK, 0));
        final long address = posix.memory().allocate(SocketConstants.SOCKADDR_IN_SIZE);
        posix.memory().putSockaddrIn(address, SocketConstants.AF_INET, 0, port);
        Syscalls.check(posix, "bind", posix.bind(sink.listener, address, SocketConstants.SOCKADDR_IN_SIZE));
        Syscalls.check(posix, "listen", posix.listen(sink.listener, 16));
        Syscalls.check(posix, "watch", posix.watch(sink.listener, SocketConstants.POLLIN, sink));
        return sink;
    }

    @Override
    public void ready(final int fd, final int revents)
    {
        if (fd == listener)
        {
            int connection;
            while ((connection = posix.accept4(listener, 0, 0, SocketConstants.SOCK_NONBLOCK)) >= 0)
            {
                if (connection >= MAX_FDS)
                {
                    posix.close(connection);
                    continue;
                }
                sums[connection] = new CRC32();
                counts[connection] = 0;
                Syscalls.check(posix, "watch", posix.watch(connection, SocketConstants.POLLIN, this));
            }
            Syscalls.check(posix, "watch", posix.watch(listener, SocketConstants.POLLIN, this));
            return;
        }
        final MemorySegment memory = posix.memory().segment();
        final long at = posix.memory().offset(buffer);
        int got;
        while ((got = posix.recv(fd, buffer, CHUNK, 0)) > 0)
        {
            sums[fd].update(memory.asSlice(at, got).asByteBuffer());
            counts[fd] += got;
            bytes += got;
        }
        if (got == 0 || (got < 0 && posix.errno() != Errno.EAGAIN))
        {
            if (got == 0)
            {
                final long answerAt = posix.memory().offset(answer);
                memory.set(NETWORK_INT, answerAt, (int) counts[fd]);
                memory.set(NETWORK_INT, answerAt + 4, (int) sums[fd].getValue());
                posix.send(fd, answer, ANSWER, 0);
                served++;
            }
            sums[fd] = null;
            posix.close(fd);
            return;
        }
        Syscalls.check(posix, "watch", posix.watch(fd, SocketConstants.POLLIN, this));
    }

    /** Connections read to their end and answered. */
    public int served()
    {
        return served;
    }

    /** Bytes received over all connections. */
    public long bytes()
    {
        return bytes;
    }
}
