package dev.nicsim.tools.iperf;

import java.util.Locale;
import java.util.Random;

/**
 * iperf3's control protocol (3.x, as its source documents it and the tool behaves), shared by {@link Iperf3Client}
 * and {@link Iperf3Server}:
 * <ol>
 *   <li>the client opens the control connection and sends a 37-byte cookie (36 characters and a NUL) naming the
 *   test;</li>
 *   <li>the server drives with one-byte states. PARAM_EXCHANGE (9): the client sends its parameters as JSON, preceded
 *   by the JSON's length in 4 bytes, big-endian;</li>
 *   <li>CREATE_STREAMS (10): the client opens each data connection to the same port and sends the cookie on it
 *   first;</li>
 *   <li>TEST_START (1), TEST_RUNNING (2): data flows for the test's duration, then the client sends TEST_END (4) on
 *   the control connection;</li>
 *   <li>EXCHANGE_RESULTS (13): the client sends its results as length-prefixed JSON, the server answers with its
 *   own;</li>
 *   <li>DISPLAY_RESULTS (14): the client answers IPERF_DONE (16) and both close.</li>
 * </ol>
 * A negative state (ACCESS_DENIED -1, SERVER_ERROR -2) ends a test with an error.
 */
final class Iperf3Protocol
{
    static final int TEST_START = 1;
    static final int TEST_RUNNING = 2;
    static final int TEST_END = 4;
    static final int PARAM_EXCHANGE = 9;
    static final int CREATE_STREAMS = 10;
    static final int EXCHANGE_RESULTS = 13;
    static final int DISPLAY_RESULTS = 14;
    static final int IPERF_DONE = 16;
    static final int ACCESS_DENIED = -1;
    static final int SERVER_ERROR = -2;
    static final int COOKIE_SIZE = 37;
    /** Largest JSON message accepted: iperf3's own are a few hundred bytes. */
    static final int MAX_JSON = 1 << 20;
    private static final String COOKIE_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

    private Iperf3Protocol()
    {
    }

    /** A cookie: 36 characters of iperf3's alphabet, then a NUL. */
    static byte[] cookie(final Random random)
    {
        final byte[] cookie = new byte[COOKIE_SIZE];
        for (int i = 0; i < COOKIE_SIZE - 1; i++)
        {
            cookie[i] = (byte) COOKIE_ALPHABET.charAt(random.nextInt(COOKIE_ALPHABET.length()));
        }
        return cookie;
    }

    /**
     * Stream ids as iperf3 3.x numbers them ({@code iperf_add_stream}): the first stream is 1, the k-th after it
     * k + 2, so 1, 3, 4, 5... Each side finds the other's per-stream results by these ids.
     */
    static int streamId(final int index)
    {
        return index == 0 ? 1 : index + 2;
    }

    /**
     * One side's results as iperf3's {@code get_results} requires them: CPU use (not modelled: 0), whether the
     * sender counts retransmissions, and per stream its id, bytes, retransmissions and time span.
     */
    static String results(final boolean sender, final long[] streamBytes, final long retransmits,
        final double seconds)
    {
        final StringBuilder json = new StringBuilder(String.format(Locale.ROOT, "{\"cpu_util_total\":0," +
            "\"cpu_util_user\":0,\"cpu_util_system\":0,\"sender_has_retransmits\":%d,\"congestion_used\":\"cubic\"," +
            "\"streams\":[", sender ? 1 : -1));
        for (int i = 0; i < streamBytes.length; i++)
        {
            json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "{\"id\":%d,\"bytes\":%d," +
                "\"retransmits\":%d,\"jitter\":0,\"errors\":0,\"omitted_errors\":0,\"packets\":0," +
                "\"omitted_packets\":0,\"start_time\":0,\"end_time\":%.6f}", streamId(i), streamBytes[i],
                sender ? retransmits : -1, seconds));
        }
        return json.append("]}").toString();
    }

    /** What an unexpected state means, for the error. */
    static String unexpected(final int expected, final int got)
    {
        return switch (got)
        {
            case ACCESS_DENIED -> "the peer denied access (busy with another test?)";
            case SERVER_ERROR -> "the peer reported an error";
            default -> "expected iperf3 state " + expected + ", got " + got;
        };
    }
}
