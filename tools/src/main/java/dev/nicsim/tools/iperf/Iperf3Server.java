package dev.nicsim.tools.iperf;

import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.posix.ProcessMemory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An iperf3 server on a simulated host ({@code iperf3 -s -1}): it runs one test for a stock {@code iperf3 -c}, the
 * client sending on one or more TCP streams, speaking iperf3's control protocol ({@link Iperf3Protocol}). Written as
 * iperf3's server is, over the POSIX facade: blocking accept and reads, and while data flows one poll(2) over the
 * control connection and the streams, until the client's TEST_END. Reverse, bidirectional and UDP tests are refused
 * with SERVER_ERROR.
 */
public final class Iperf3Server
{
    private static final Pattern PARALLEL = Pattern.compile("\"parallel\"\\s*:\\s*(\\d+)");
    private static final Pattern REVERSE = Pattern.compile("\"(reverse|bidirectional|udp)\"\\s*:\\s*true");
    private static final int MAX_STREAMS = 128;
    private static final int CHUNK = 128 * 1024;
    private static final int POLLFD = 8;
    private static final ValueLayout.OfInt NETWORK_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final Posix posix;
    private final Simulator sim;
    private final ProcessMemory memory;
    private final long buffer;
    private final int listener;

    /**
     * What one test measured.
     *
     * @param streams       data streams the client opened
     * @param bytesReceived bytes received over all streams until TEST_END
     * @param seconds       from TEST_RUNNING to TEST_END, simulated
     * @param clientBytes   bytes the client says it sent, from its results
     */
    public record Result(int streams, long bytesReceived, double seconds, long clientBytes)
    {
        public double bitsPerSecond()
        {
            return bytesReceived * 8 / seconds;
        }
    }

    /** Listens on {@code port} of every address of {@code posix}'s host. */
    public Iperf3Server(final Posix posix, final Simulator sim, final int port)
    {
        this.posix = posix;
        this.sim = sim;
        this.memory = posix.memory();
        this.buffer = memory.allocate(CHUNK);
        this.listener = check("socket", posix.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0));
        final long address = memory.allocate(SocketConstants.SOCKADDR_IN_SIZE);
        final long one = memory.allocate(4);
        memory.putInt(one, 1);
        check("setsockopt", posix.setsockopt(listener, SocketConstants.SOL_SOCKET, SocketConstants.SO_REUSEADDR, one,
            4));
        memory.putSockaddrIn(address, SocketConstants.AF_INET, 0, port);
        check("bind", posix.bind(listener, address, SocketConstants.SOCKADDR_IN_SIZE));
        check("listen", posix.listen(listener, 16));
    }

    /**
     * Serves one test, blocking until it is over.
     *
     * @throws Iperf3Client.Iperf3Exception when the client breaks the protocol or asks for what is not supported
     */
    public Result serveOne()
    {
        final int control = check("accept", posix.accept(listener, 0, 0));
        final int[] streams = new int[MAX_STREAMS];
        int opened = 0;
        try
        {
            final byte[] cookie = read(control, Iperf3Protocol.COOKIE_SIZE);
            sendState(control, Iperf3Protocol.PARAM_EXCHANGE);
            final String parameters = readJson(control);
            final Matcher parallel = PARALLEL.matcher(parameters);
            final int count = parallel.find() ? Integer.parseInt(parallel.group(1)) : 1;
            if (REVERSE.matcher(parameters).find() || count < 1 || count > MAX_STREAMS)
            {
                refuse(control);
                throw new Iperf3Client.Iperf3Exception("only forward TCP tests of 1 to " + MAX_STREAMS + " streams " +
                    "are served; the client asked: " + parameters);
            }
            sendState(control, Iperf3Protocol.CREATE_STREAMS);
            while (opened < count)
            {
                streams[opened] = check("accept", posix.accept(listener, 0, 0));
                if (!Arrays.equals(cookie, read(streams[opened++], Iperf3Protocol.COOKIE_SIZE)))
                {
                    throw new Iperf3Client.Iperf3Exception("a data stream came with another test's cookie");
                }
            }
            sendState(control, Iperf3Protocol.TEST_START);
            sendState(control, Iperf3Protocol.TEST_RUNNING);
            final long start = sim.now();
            final long[] received = receiveUntilTestEnd(control, streams, count);
            final double seconds = (sim.now() - start) / 1e12;
            sendState(control, Iperf3Protocol.EXCHANGE_RESULTS);
            final String theirs = readJson(control);
            writeJson(control, Iperf3Protocol.results(false, received, 0, seconds));
            sendState(control, Iperf3Protocol.DISPLAY_RESULTS);
            expect(control, Iperf3Protocol.IPERF_DONE);
            final Matcher bytes = Pattern.compile("\"bytes\"\\s*:\\s*(\\d+)").matcher(theirs);
            long total = 0;
            for (final long r : received)
            {
                total += r;
            }
            return new Result(count, total, seconds, bytes.find() ? Long.parseLong(bytes.group(1)) : -1);
        }
        finally
        {
            for (int i = 0; i < opened; i++)
            {
                posix.close(streams[i]);
            }
            posix.close(control);
        }
    }

    /* One poll(2) over the control connection and every stream, as iperf3's select loop does. */
    private long[] receiveUntilTestEnd(final int control, final int[] streams, final int count)
    {
        final long[] received = new long[count];
        final long fds = memory.allocate(POLLFD * (count + 1));
        for (int i = 0; i <= count; i++)
        {
            memory.putInt(fds + (long) POLLFD * i, i == 0 ? control : streams[i - 1]);
            memory.putShort(fds + (long) POLLFD * i + 4, (short) SocketConstants.POLLIN);
        }
        while (true)
        {
            check("poll", posix.poll(fds, count + 1, -1));
            for (int i = 1; i <= count; i++)
            {
                if (memory.getShort(fds + (long) POLLFD * i + 6) != 0)
                {
                    final int got = posix.recv(streams[i - 1], buffer, CHUNK, SocketConstants.MSG_DONTWAIT);
                    if (got > 0)
                    {
                        received[i - 1] += got;
                    }
                    else if (got == 0 || posix.errno() != Errno.EAGAIN)
                    {
                        throw new Iperf3Client.Iperf3Exception("data stream " + i + " ended before TEST_END");
                    }
                }
            }
            if (memory.getShort(fds + 6) != 0)
            {
                expect(control, Iperf3Protocol.TEST_END);
                return received;
            }
        }
    }

    private void refuse(final int control)
    {
        final long error = memory.allocate(9);
        final MemorySegment segment = memory.segment();
        final long at = memory.offset(error);
        segment.set(ValueLayout.JAVA_BYTE, at, (byte) Iperf3Protocol.SERVER_ERROR);
        // SERVER_ERROR is followed by iperf3's i_errno and errno (4 bytes each); this server has no number of
        // iperf3's for "unsupported", so both are 0 and the reason is in the exception on this side.
        segment.set(NETWORK_INT, at + 1, 0);
        segment.set(NETWORK_INT, at + 5, 0);
        posix.send(control, error, 9, 0);
    }

    private void expect(final int control, final int state)
    {
        final int got = read(control, 1)[0];
        if (got != state)
        {
            throw new Iperf3Client.Iperf3Exception(Iperf3Protocol.unexpected(state, got));
        }
    }

    private void sendState(final int fd, final int state)
    {
        memory.segment().set(ValueLayout.JAVA_BYTE, memory.offset(buffer), (byte) state);
        check("send", posix.send(fd, buffer, 1, 0));
    }

    private String readJson(final int fd)
    {
        final byte[] length = read(fd, 4);
        final int size = (length[0] & 0xFF) << 24 | (length[1] & 0xFF) << 16 | (length[2] & 0xFF) << 8 |
            (length[3] & 0xFF);
        if (size < 0 || size > Iperf3Protocol.MAX_JSON)
        {
            throw new Iperf3Client.Iperf3Exception("a JSON message of " + size + " bytes: not iperf3 speaking");
        }
        return new String(read(fd, size), StandardCharsets.UTF_8);
    }

    private void writeJson(final int fd, final String json)
    {
        final byte[] text = json.getBytes(StandardCharsets.UTF_8);
        final MemorySegment segment = memory.segment();
        final long at = memory.offset(buffer);
        segment.set(NETWORK_INT, at, text.length);
        MemorySegment.copy(text, 0, segment, ValueLayout.JAVA_BYTE, at + 4, text.length);
        check("send", posix.send(fd, buffer, 4 + text.length, 0));
    }

    /* Reads exactly n bytes (blocking). */
    private byte[] read(final int fd, final int n)
    {
        final byte[] into = new byte[n];
        int at = 0;
        while (at < n)
        {
            final int got = check("recv", posix.recv(fd, buffer, Math.min(CHUNK, n - at), 0));
            if (got == 0)
            {
                throw new Iperf3Client.Iperf3Exception("the client closed a connection mid-message");
            }
            MemorySegment.copy(memory.segment(), ValueLayout.JAVA_BYTE, memory.offset(buffer), into, at, got);
            at += got;
        }
        return into;
    }

    private int check(final String call, final int result)
    {
        if (result < 0)
        {
            throw new Iperf3Client.Iperf3Exception(call + " failed: " + Errno.name(posix.errno()) + " (" +
                Errno.strerror(posix.errno()) + ")");
        }
        return result;
    }

    /** Stops listening. */
    public void close()
    {
        posix.close(listener);
    }
}
