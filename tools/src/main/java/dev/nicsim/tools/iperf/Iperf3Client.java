package dev.nicsim.tools.iperf;

import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.stack.NetworkStack;
import dev.nicsim.stack.api.ErrnoException;
import dev.nicsim.stack.api.TcpConnection;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An iperf3 client on a simulated host, speaking iperf3's own control protocol ({@link Iperf3Protocol}) to a stock
 * {@code iperf3 -s}: one TCP stream, the client sending (iperf3's default direction) for the test's duration. The
 * calls block, which with a bridge attached means waiting in paced time for the real server.
 */
public final class Iperf3Client
{
    /** iperf3's default port. */
    public static final int DEFAULT_PORT = 5201;
    /** iperf3's default TCP block size (128 KiB). */
    public static final int DEFAULT_BLOCK = 128 * 1024;

    private static final Pattern BYTES = Pattern.compile("\"bytes\"\\s*:\\s*(\\d+)");

    /**
     * What one test measured.
     *
     * @param bytesSent     bytes the client sent on the data stream
     * @param seconds       the sending time, in simulated seconds
     * @param bytesReceived bytes the server reported receiving, from its results
     */
    public record Result(long bytesSent, double seconds, long bytesReceived)
    {
        /** The sender's throughput in bits per second, as iperf3 reports it. */
        public double bitsPerSecond()
        {
            return bytesSent * 8 / seconds;
        }
    }

    private final NetworkStack stack;
    private final Simulator sim;
    private final byte[] one = new byte[1];

    public Iperf3Client(final NetworkStack stack)
    {
        this.stack = stack;
        this.sim = stack.sim();
    }

    /**
     * Runs one test against the iperf3 server at {@code ip:port}, sending for {@code durationPs} of simulated time.
     * The cookie comes from {@code seed}, so runs repeat.
     *
     * @throws ErrnoException  when a call fails (ECONNREFUSED: no server)
     * @throws Iperf3Exception when the server refuses or breaks the protocol
     */
    public Result run(final int ip, final int port, final long durationPs, final long seed) throws ErrnoException
    {
        final byte[] cookie = Iperf3Protocol.cookie(new Random(seed));
        try (TcpConnection control = TcpConnection.open(stack))
        {
            control.setNoDelay(true);
            control.connect(ip, port);
            control.send(cookie, 0, cookie.length);
            expect(control, Iperf3Protocol.PARAM_EXCHANGE);
            final long seconds = Math.max(1, Math.round(durationPs / 1e12));
            writeJson(control, String.format(Locale.ROOT, "{\"tcp\":true,\"omit\":0,\"time\":%d,\"num\":0," +
                "\"blockcount\":0,\"parallel\":1,\"len\":%d,\"pacing_timer\":1000,\"client_version\":\"3.12\"}",
                seconds, DEFAULT_BLOCK));
            expect(control, Iperf3Protocol.CREATE_STREAMS);
            try (TcpConnection stream = TcpConnection.open(stack))
            {
                stream.connect(ip, port);
                stream.send(cookie, 0, cookie.length);
                expect(control, Iperf3Protocol.TEST_START);
                expect(control, Iperf3Protocol.TEST_RUNNING);
                final byte[] block = new byte[DEFAULT_BLOCK];
                new Random(seed).nextBytes(block);
                final long start = sim.now();
                final long end = start + durationPs;
                long sent = 0;
                while (sim.now() < end)
                {
                    sent += stream.send(block, 0, block.length);
                }
                final double elapsed = (sim.now() - start) / 1e12;
                sendState(control, Iperf3Protocol.TEST_END);
                expect(control, Iperf3Protocol.EXCHANGE_RESULTS);
                writeJson(control, Iperf3Protocol.results(true, new long[] {sent}, stack.stats().retransmissions,
                    elapsed));
                final String theirs = readJson(control);
                expect(control, Iperf3Protocol.DISPLAY_RESULTS);
                sendState(control, Iperf3Protocol.IPERF_DONE);
                final Matcher received = BYTES.matcher(theirs);
                if (!received.find())
                {
                    throw new Iperf3Exception("the server's results carry no stream bytes: " + theirs);
                }
                return new Result(sent, elapsed, Long.parseLong(received.group(1)));
            }
        }
    }

    private void expect(final TcpConnection control, final int state) throws ErrnoException
    {
        readFully(control, one);
        final int got = one[0];
        if (got == state)
        {
            return;
        }
        throw new Iperf3Exception(Iperf3Protocol.unexpected(state, got));
    }

    private void sendState(final TcpConnection control, final int state) throws ErrnoException
    {
        one[0] = (byte) state;
        control.send(one, 0, 1);
    }

    static void writeJson(final TcpConnection connection, final String json) throws ErrnoException
    {
        final byte[] text = json.getBytes(StandardCharsets.UTF_8);
        final byte[] framed = new byte[4 + text.length];
        framed[0] = (byte) (text.length >>> 24);
        framed[1] = (byte) (text.length >>> 16);
        framed[2] = (byte) (text.length >>> 8);
        framed[3] = (byte) text.length;
        System.arraycopy(text, 0, framed, 4, text.length);
        connection.send(framed, 0, framed.length);
    }

    static String readJson(final TcpConnection connection) throws ErrnoException
    {
        final byte[] length = new byte[4];
        readFully(connection, length);
        final int size = (length[0] & 0xFF) << 24 | (length[1] & 0xFF) << 16 | (length[2] & 0xFF) << 8 |
            (length[3] & 0xFF);
        if (size < 0 || size > 1 << 20)
        {
            throw new Iperf3Exception("a JSON message of " + size + " bytes: not iperf3 speaking");
        }
        final byte[] text = new byte[size];
        readFully(connection, text);
        return new String(text, StandardCharsets.UTF_8);
    }

    static void readFully(final TcpConnection connection, final byte[] into) throws ErrnoException
    {
        int at = 0;
        while (at < into.length)
        {
            final int got = connection.receive(into, at, into.length - at);
            if (got < 0)
            {
                throw new Iperf3Exception("the peer closed the control connection mid-message");
            }
            at += got;
        }
    }

    /** The peer refused the test or broke iperf3's protocol. */
    public static final class Iperf3Exception extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        public Iperf3Exception(final String message)
        {
            super(message);
        }
    }
}
