package dev.nicsim.tools.bridge;

import dev.nicsim.stack.NetworkStack;
import dev.nicsim.stack.api.ErrnoException;
import dev.nicsim.stack.api.TcpConnection;
import dev.nicsim.stack.wire.Ipv4Address;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the simulated side of a bridge test does as a client, with blocking calls (they wait for the outside). */
final class Transfers
{
    private Transfers()
    {
    }

    /**
     * Sends {@code bytes} of xorshift data to a checksum sink at {@code ip:port} (one that answers the count and
     * CRC-32 of what came, as {@code ChecksumSink} and the lwIP board do), and checks the answer.
     */
    static void sendChecked(final NetworkStack stack, final String ip, final int port, final int bytes)
        throws ErrnoException
    {
        final byte[] block = new byte[64 * 1024];
        final CRC32 crc = new CRC32();
        int state = 0x2545F491;
        try (TcpConnection connection = TcpConnection.open(stack))
        {
            connection.connect(Ipv4Address.parse(ip), port);
            for (int sent = 0; sent < bytes; sent += block.length)
            {
                final int length = Math.min(block.length, bytes - sent);
                for (int i = 0; i < length; i++)
                {
                    state ^= state << 13;
                    state ^= state >>> 17;
                    state ^= state << 5;
                    block[i] = (byte) state;
                }
                crc.update(block, 0, length);
                connection.send(block, 0, length);
            }
            connection.shutdownOutput();
            final byte[] answer = readAll(connection);
            assertEquals(8, answer.length, "the sink's answer: count and CRC-32");
            assertEquals(bytes, bigEndian(answer, 0), "bytes that arrived");
            assertEquals((int) crc.getValue(), bigEndian(answer, 4), "CRC-32 of what arrived");
        }
    }

    /** Connects to {@code ip:port} and reads until the peer closes (a daytime fetch). */
    static String fetch(final NetworkStack stack, final String ip, final int port) throws ErrnoException
    {
        try (TcpConnection connection = TcpConnection.open(stack))
        {
            connection.connect(Ipv4Address.parse(ip), port);
            return new String(readAll(connection), StandardCharsets.US_ASCII);
        }
    }

    private static byte[] readAll(final TcpConnection connection) throws ErrnoException
    {
        final byte[] buffer = new byte[4096];
        int length = 0;
        int got;
        while ((got = connection.receive(buffer, length, buffer.length - length)) > 0)
        {
            length += got;
        }
        return java.util.Arrays.copyOf(buffer, length);
    }

    private static int bigEndian(final byte[] bytes, final int at)
    {
        return (bytes[at] & 0xFF) << 24 | (bytes[at + 1] & 0xFF) << 16 | (bytes[at + 2] & 0xFF) << 8 |
            (bytes[at + 3] & 0xFF);
    }
}
