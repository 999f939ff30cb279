package dev.nicsim.tools.bridge;

import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.testsupport.ExternalTool;
import dev.nicsim.stack.NetworkStack;
import dev.nicsim.tools.config.TestbedParameters;
import dev.nicsim.tools.demo.ChecksumSink;
import dev.nicsim.tools.demo.DaytimeService;
import dev.nicsim.tools.testbed.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stock lwIP board over the IP-framed serial bridge: Debian's liblwip (lwIP 2.1.3's TCP/IP thread and sockets API)
 * with a SLIP netif written in {@code lwip-board/board.c}, built here with gcc and run on one end of a socat pty pair.
 * Both directions: the board pings B 10 times, fetches B's daytime 20 times and sends B's checksum sink 1 MiB (and
 * throws bad SLIP frames on the line half-way); then a station on the simulated switch pings the board 10 times
 * (through the bridge's proxy ARP), B fetches the board's daytime 20 times and sends the board's sink 1 MiB.
 */
class LwipBoardTest
{
    private static final String BOARD_IP = "10.0.0.200";
    private static final int MIB = 1 << 20;

    @Test
    void shouldServeAndBeServedByAStockLwipBoardOverIpInSlip(@TempDir final Path dir) throws Exception
    {
        ExternalTool.require(ExternalTool.installed("gcc"), "gcc is not installed (Debian: apt-get install gcc)");
        ExternalTool.require(Files.exists(Path.of("/usr/include/lwip/lwipopts.h")),
            "lwIP is not installed (Debian: apt-get install liblwip-dev)");
        // The build goes under target/: /tmp may be mounted noexec.
        final Path build = Files.createDirectories(Path.of("target", "lwip-board")).toAbsolutePath();
        final Path source = build.resolve("board.c");
        try (InputStream in = LwipBoardTest.class.getResourceAsStream("/lwip-board/board.c"))
        {
            Files.write(source, in.readAllBytes());
        }
        final ExternalTool.Result built = ExternalTool.run(build, "gcc", "-O2", "-o", "board", source.toString(),
            "-I/usr/include/lwip", "-llwip", "-lpthread");
        assertEquals(0, built.exitCode(), built.stderr());

        try (PtyPair pty = PtyPair.open(dir))
        {
            final Network network = Network.build(TestbedParameters.defaults().assign("link.switch=true"), 2);
            final Simulator sim = network.sim();
            final NetworkStack b = network.host('B').stack();
            final DaytimeService daytime = DaytimeService.start(network.host('B'), 13, network.settings());
            final ChecksumSink sink = ChecksumSink.start(network.host('B'), 5001);
            final Station station = new Station(sim, network.outsidePort("station"));
            try (SerialBridge bridge = network.bridgeToSerial(SerialLine.of(pty.line().toString())))
            {
                final Process board = new ProcessBuilder(build.resolve("board").toString(), pty.board().toString(),
                    BOARD_IP, "10.0.0.2").redirectErrorStream(true).start();
                final List<String> said = Collections.synchronizedList(new ArrayList<>());
                Thread.ofPlatform().daemon().start(() -> collect(board.getInputStream(), said, sim));
                try
                {
                    assertTrue(sim.runUntil(() -> said.contains("client done") || !board.isAlive(),
                        sim.now() + Time.seconds(60)) && said.contains("client done"), "the board said: " + said);
                    assertEquals("ping 10/10", said.get(0), said.toString());
                    assertEquals("daytime 20/20", said.get(1), said.toString());
                    assertTrue(said.get(2).startsWith("upload matched"), said.toString());
                    assertEquals(20, daytime.served());
                    assertEquals(1, sink.served());
                    assertEquals(MIB, sink.bytes());

                    final byte[] boardIp = {10, 0, 0, (byte) 200};
                    assertArrayEquals(PointToPointPeer.MAC, station.resolve(boardIp), "proxy ARP: the bridge's MAC");
                    int replies = 0;
                    for (int sequence = 1; sequence <= 10; sequence++)
                    {
                        replies += station.ping(PointToPointPeer.MAC, boardIp, sequence) ? 1 : 0;
                    }
                    assertEquals(10, replies, "pings answered by the board");
                    for (int i = 1; i <= 20; i++)
                    {
                        assertEquals("lwIP board, day " + i + "\r\n", Transfers.fetch(b, BOARD_IP, 13));
                    }
                    Transfers.sendChecked(b, BOARD_IP, 5001, MIB);

                    assertEquals(1, bridge.badEscapes(), bridge.summary());
                    assertEquals(1, bridge.tooLong(), bridge.summary());
                    assertEquals(1, bridge.counters().runts(), bridge.summary());
                    assertEquals(1, bridge.counters().notIpv4(), bridge.summary());
                    assertTrue(bridge.counters().arpAnswered() >= 1, bridge.summary());
                }
                finally
                {
                    board.getOutputStream().close();
                    board.destroy();
                }
            }
        }
    }

    /* The board's report lines; each wakes the paced simulation. */
    private static void collect(final InputStream in, final List<String> lines, final Simulator sim)
    {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                lines.add(line);
                sim.post(() -> { });
            }
        }
        catch (final IOException e)
        {
            // the board ends with the test
        }
    }
}
