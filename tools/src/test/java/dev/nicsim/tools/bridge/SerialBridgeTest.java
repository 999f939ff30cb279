package dev.nicsim.tools.bridge;

import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.testsupport.ExternalTool;
import dev.nicsim.tools.config.TestbedParameters;
import dev.nicsim.tools.testbed.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A dev board on a serial line, played by the test on the far end of a socat pseudo-terminal pair: it sends a
 * SLIP-framed ARP request for the simulated host 10.0.0.2 and must get B's ARP reply back over the same line, through
 * jssc, the bridge, the simulated switch and B's NIC, driver and stack.
 */
class SerialBridgeTest
{
    @Test
    void shouldCarryArpBetweenASerialDevBoardAndTheSimulatedHosts(@TempDir final Path dir) throws Exception
    {
        final Path board = dir.resolve("board");
        final Path line = dir.resolve("line");
        ExternalTool.require(ExternalTool.installed("socat"), "socat is not installed (Debian: apt-get install socat)");
        final Process socat = new ProcessBuilder("socat", "pty,raw,echo=0,link=" + board,
            "pty,raw,echo=0,link=" + line).redirectErrorStream(true).start();
        try
        {
            for (int tries = 0; tries < 500 && !(Files.exists(board) && Files.exists(line)); tries++)
            {
                Thread.onSpinWait();
                socat.waitFor(10, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            assertTrue(Files.exists(board) && Files.exists(line), "socat made no pseudo-terminals");

            final Network network = Network.build(TestbedParameters.defaults().assign("link.switch=true"), 2);
            final List<byte[]> fromLine = Collections.synchronizedList(new ArrayList<>());
            try (SerialBridge bridge = network.bridgeToSerial(line.toString(), 115_200);
                 OutputStream toBoard = Files.newOutputStream(board);
                 InputStream fromBoard = Files.newInputStream(board))
            {
                final Thread boardReader = Thread.ofPlatform().daemon().start(() -> readFrames(fromBoard, fromLine,
                    network.sim()));
                final byte[] request = arpRequest();
                final byte[] encoded = new byte[2 * request.length + 2];
                toBoard.write(encoded, 0, Slip.encode(request, request.length, encoded));
                toBoard.flush();

                network.sim().runUntil(() -> !fromLine.isEmpty(), network.sim().now() + Time.seconds(10));
                boardReader.interrupt();

                assertEquals(1, fromLine.size(), "one answer on the line");
                final byte[] reply = fromLine.get(0);
                assertEquals(0x0806, ((reply[12] & 0xFF) << 8) | (reply[13] & 0xFF), "an ARP frame");
                assertEquals(2, reply[21], "an ARP reply");
                assertArrayEquals(new byte[] {10, 0, 0, 2}, Arrays.copyOfRange(reply, 28, 32), "from 10.0.0.2");
                assertArrayEquals(new byte[] {2, 0, 0, 0, 0, 2}, Arrays.copyOfRange(reply, 22, 28), "B's MAC");
                assertEquals(60, reply.length, "FCS stripped, padding kept");
                assertEquals(1, bridge.framesIn());
                assertEquals(0, bridge.malformed());
            }
        }
        finally
        {
            socat.destroy();
        }
    }

    /* The board's receive side; wakes the paced simulation so it sees each frame at once. */
    private static void readFrames(final InputStream in, final List<byte[]> frames, final Simulator sim)
    {
        final Slip.Decoder decoder = new Slip.Decoder(2048);
        try
        {
            int b;
            while ((b = in.read()) >= 0)
            {
                final int completed = decoder.accept((byte) b);
                if (completed > 0)
                {
                    frames.add(Arrays.copyOf(decoder.frame(), completed));
                    sim.post(() -> { });
                }
            }
        }
        catch (final IOException e)
        {
            // the pty closes at the end of the test
        }
    }

    private static void assertArrayEquals(final byte[] expected, final byte[] actual, final String what)
    {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, what);
    }

    /** "Who has 10.0.0.2? Tell 10.0.0.9", from the board's MAC 02:00:00:00:00:09, without FCS. */
    private static byte[] arpRequest()
    {
        return new byte[] {
            -1, -1, -1, -1, -1, -1, 2, 0, 0, 0, 0, 9, 0x08, 0x06,
            0, 1, 0x08, 0x00, 6, 4, 0, 1,
            2, 0, 0, 0, 0, 9, 10, 0, 0, 9,
            0, 0, 0, 0, 0, 0, 10, 0, 0, 2};
    }
}
