package dev.nicsim.tools.demo;

import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.trace.EventTrace;
import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.posix.ProcessMemory;
import dev.nicsim.stack.wire.Ipv4Address;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The seed man page's example, with its two bugs fixed: the port goes through {@code htons()}, and the address
 * through {@code inet_pton()} (the page's {@code inet_atoi} does not exist). It runs as a blocking program, the way
 * the C would, and traces each system call strace-style.
 * <pre>
 * sockfd = socket(PF_INET, SOCK_STREAM, 0);
 * bzero(&amp;addr, sizeof(addr));
 * addr.sin_family = AF_INET;
 * addr.sin_port = htons(13);
 * inet_pton(AF_INET, "10.0.0.2", &amp;addr.sin_addr);
 * connect(sockfd, &amp;addr, sizeof(addr));
 * </pre>
 */
final class DaytimeClient
{
    private static final int PF_INET = SocketConstants.AF_INET;
    private static final int BUFFER = 256;

    private final Posix posix;
    private final Simulator sim;
    private final EventTrace trace;
    private final String source;
    private long connectCalledAt;
    private long connectReturnedAt;
    private int connectRecord = -1;
    private int connectResult;

    DaytimeClient(final Posix posix, final Simulator sim, final EventTrace trace, final String source)
    {
        this.posix = posix;
        this.sim = sim;
        this.trace = trace;
        this.source = source;
    }

    /** Opens a socket; returns the descriptor. */
    int socket()
    {
        final int fd = Syscalls.check(posix, "socket", posix.socket(PF_INET, SocketConstants.SOCK_STREAM, 0));
        trace.add(sim.now(), source, EventTrace.Kind.SOCKET, "socket(PF_INET, SOCK_STREAM, 0) = " + fd);
        return fd;
    }

    /**
     * Fills a {@code struct sockaddr_in} in process memory exactly as the C does and calls connect(); returns its
     * result (0 or -1 with errno in {@link Posix#errno()}).
     */
    int connect(final int fd, final String host, final int port)
    {
        final ProcessMemory memory = posix.memory();
        final long addr = memory.allocate(SocketConstants.SOCKADDR_IN_SIZE);            // bzero(&addr, ...)
        memory.putShort(addr, (short) SocketConstants.AF_INET);                          // addr.sin_family
        memory.putShort(addr + 2, htons(port));                                          // addr.sin_port
        memory.putInt(addr + 4, inetPton(host));                                         // addr.sin_addr
        final String call = "connect(" + fd + ", {sin_family=AF_INET, sin_port=htons(" + port +
            "), sin_addr=inet_addr(\"" + host + "\")}, " + SocketConstants.SOCKADDR_IN_SIZE + ")";
        trace.add(sim.now(), source, EventTrace.Kind.SOCKET, call + " ...");
        connectCalledAt = sim.now();
        connectResult = posix.connect(fd, addr, SocketConstants.SOCKADDR_IN_SIZE);
        connectReturnedAt = sim.now();
        connectRecord = sim.lastCallRecord();
        trace.add(connectReturnedAt, source, EventTrace.Kind.SOCKET, "... connect resumed = " + connectResult +
            (connectResult < 0 ? " " + Errno.name(posix.errno()) : "") + " after " +
            Time.format(connectReturnedAt - connectCalledAt));
        return connectResult;
    }

    /** Reads until end of file and returns what came, as text. */
    String readAll(final int fd)
    {
        final long buffer = posix.memory().allocate(BUFFER);
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        while (true)
        {
            final int count = Syscalls.check(posix, "read", posix.read(fd, buffer, BUFFER));
            final byte[] bytes = posix.memory().segment().asSlice(posix.memory().offset(buffer), count)
                .toArray(ValueLayout.JAVA_BYTE);
            trace.add(sim.now(), source, EventTrace.Kind.SOCKET, "read(" + fd + ", \"" +
                escape(new String(bytes, StandardCharsets.US_ASCII)) + "\", " + BUFFER + ") = " + count);
            if (count == 0)
            {
                return received.toString(StandardCharsets.US_ASCII);
            }
            received.write(bytes, 0, count);
        }
    }

    void close(final int fd)
    {
        final int result = Syscalls.check(posix, "close", posix.close(fd));
        trace.add(sim.now(), source, EventTrace.Kind.SOCKET, "close(" + fd + ") = " + result);
    }

    /** The errno of the last failed call. */
    int errno()
    {
        return posix.errno();
    }

    long connectCalledAt()
    {
        return connectCalledAt;
    }

    long connectReturnedAt()
    {
        return connectReturnedAt;
    }

    /** The causality record in which the last connect() returned: where its critical path ends. */
    int connectRecord()
    {
        return connectRecord;
    }

    /** htons(): the port's two bytes in network order, as the short the host stores. */
    static short htons(final int port)
    {
        final short value = (short) port;
        return ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? value : Short.reverseBytes(value);
    }

    /** inet_pton(AF_INET, ...): the address's four bytes in network order, as the int the host stores. */
    static int inetPton(final String dotted)
    {
        final int address = Ipv4Address.parse(dotted);
        return ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? address :
            Integer.reverseBytes(address);
    }

    private static String escape(final String text)
    {
        return text.replace("\r", "\\r").replace("\n", "\\n");
    }
}
