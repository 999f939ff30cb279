package dev.nicsim.tools.bridge;

import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.wire.Ipv4Address;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The serial bridge with the test as the board on the far end of a socat pseudo-terminal pair, in both framings. In
 * IP framing the board sends bare IPv4 (an ICMP echo request from 10.0.0.200 to B) and must get B's reply as a bare
 * packet: the bridge resolved B by ARP, and B learnt the board's MAC (the bridge's) from that request. In both framings the board then sends what
 * no line should carry (a bad escape, a frame past the limit, a runt, a non-IP packet) and the exchange must work
 * exactly as before, with each drop counted.
 */
class SerialLineTest
{
    private static final int BOARD = Ipv4Address.parse("10.0.0.200");

    @Test
    void shouldBeTheBoardsPointToPointPeerForBareIpAndSurviveBadFrames(@TempDir final Path dir) throws Exception
    {
        try (PtyPair pty = PtyPair.open(dir))
        {
            final Network network = Network.build(TestbedParameters.defaults().assign("link.switch=true"), 2);
            try (SerialBridge bridge = network.bridgeToSerial(SerialLine.of(pty.line().toString()));
                 Board board = new Board(pty.board(), network.sim()))
            {
                final byte[] reply = board.exchange(echoRequest(1));
                assertEquals(0x45, reply[0] & 0xFF, "a bare IPv4 packet, no Ethernet header");
                assertEquals(28, reply.length, "trimmed to the IP total length: no Ethernet padding");
                assertArrayEquals(new byte[] {10, 0, 0, 2, 10, 0, 0, (byte) 200}, Arrays.copyOfRange(reply, 12, 20));
                assertEquals(0, reply[20], "an echo reply");

                board.sendRaw(new byte[] {Slip.END, 0x45, Slip.ESC, 0x01, Slip.END});
                board.send(new byte[1600]);
                board.send(new byte[10]);
                final byte[] ipv6 = new byte[40];
                ipv6[0] = 0x60;
                board.send(ipv6);

                final byte[] again = board.exchange(echoRequest(2));
                assertEquals(0, again[20], "still answered");
                assertEquals(1, bridge.badEscapes(), bridge.summary());
                assertEquals(1, bridge.tooLong(), bridge.summary());
                assertEquals(1, bridge.counters().runts(), bridge.summary());
                assertEquals(1, bridge.counters().notIpv4(), bridge.summary());
                assertTrue(bridge.summary().contains("1 bad escape, 1 too long"), bridge.summary());
            }
        }
    }

    @Test
    void shouldCarryEthernetFramesInEthernetModeAndSurviveBadFrames(@TempDir final Path dir) throws Exception
    {
        try (PtyPair pty = PtyPair.open(dir))
        {
            final Network network = Network.build(TestbedParameters.defaults().assign("link.switch=true"), 2);
            final SerialLine line = SerialLine.of(pty.line().toString()).withFraming(SerialFraming.ETHERNET);
            try (SerialBridge bridge = network.bridgeToSerial(line);
                 Board board = new Board(pty.board(), network.sim()))
            {
                assertEquals(2, board.exchange(arpRequest())[21], "B's ARP reply");
                board.sendRaw(new byte[] {Slip.END, 1, 2, Slip.ESC, Slip.ESC_END, Slip.ESC, 0x00, Slip.END});
                board.send(new byte[1519]);
                board.send(new byte[13]);
                final byte[] reply = board.exchange(arpRequest());
                assertEquals(2, reply[21], "still answered");
                assertEquals(60, reply.length, "FCS stripped, padding kept");
                assertEquals(1, bridge.badEscapes(), bridge.summary());
                assertEquals(1, bridge.tooLong(), bridge.summary());
                assertEquals(1, bridge.counters().runts(), bridge.summary());
            }
        }
    }

    /** The test's side of the line: SLIP in both directions, each frame it receives waking the paced simulation. */
    private static final class Board implements AutoCloseable
    {
        private final Simulator sim;
        private final OutputStream out;
        private final InputStream in;
        private final List<byte[]> received = Collections.synchronizedList(new ArrayList<>());
        private final Thread reader;

        Board(final Path pty, final Simulator sim) throws IOException
        {
            this.sim = sim;
            this.out = Files.newOutputStream(pty);
            this.in = Files.newInputStream(pty);
            this.reader = Thread.ofPlatform().daemon().start(this::read);
        }

        void send(final byte[] frame) throws IOException
        {
            final byte[] encoded = new byte[2 * frame.length + 2];
            sendRaw(Arrays.copyOf(encoded, Slip.encode(frame, frame.length, encoded)));
        }

        void sendRaw(final byte[] bytes) throws IOException
        {
            out.write(bytes);
            out.flush();
        }

        /** Sends {@code frame} and runs the simulation until a frame comes back (at most 5 s); returns it. */
        byte[] exchange(final byte[] frame) throws IOException
        {
            final int before = received.size();
            send(frame);
            assertTrue(sim.runUntil(() -> received.size() > before, sim.now() + Time.seconds(5)), "no answer");
            return received.get(before);
        }

        private void read()
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
                        received.add(Arrays.copyOf(decoder.frame(), completed));
                        sim.post(() -> { });
                    }
                }
            }
            catch (final IOException e)
            {
                // the pty closes at the end of the test
            }
        }

        @Override
        public void close() throws IOException
        {
            reader.interrupt();
            out.close();
            in.close();
        }
    }

    /** ICMP echo request, id 0x4242, sequence {@code sequence}, from the board to B, with both checksums. */
    private static byte[] echoRequest(final int sequence)
    {
        final byte[] packet = new byte[28];
        packet[0] = 0x45;
        packet[3] = 28;
        packet[8] = 64;
        packet[9] = 1;
        packet[12] = 10;
        packet[15] = (byte) 200;
        packet[16] = 10;
        packet[19] = 2;
        Station.checksum(packet, 0, 20, 10);
        packet[20] = 8;
        packet[24] = 0x42;
        packet[25] = 0x42;
        packet[27] = (byte) sequence;
        Station.checksum(packet, 20, 8, 22);
        return packet;
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
