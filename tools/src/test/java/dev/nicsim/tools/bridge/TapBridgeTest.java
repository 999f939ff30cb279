package dev.nicsim.tools.bridge;

import dev.nicsim.hw.eth.EthernetConfig;
import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.sim.Pacing;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.testsupport.ExternalTool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bridge against the real kernel: a network namespace holds the TAP interface at 10.9.0.1/24; the kernel sends a
 * datagram to 10.9.0.2, which lives on the simulated side. The test answers the kernel's ARP request from the
 * simulation and then receives the datagram the kernel was holding.
 */
class TapBridgeTest
{
    private static final ValueLayout.OfShort NETWORK_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final byte[] SIMULATED_MAC = {2, 0, 0, 0, 0, 2};

    private final String namespace = "nicsim-tap-" + ProcessHandle.current().pid();
    private final String tapName = "nstap" + (ProcessHandle.current().pid() % 100000);
    private Path dir;

    @AfterEach
    void removeNamespace()
    {
        if (dir != null)
        {
            ExternalTool.run(dir, "ip", "netns", "del", namespace);
        }
    }

    @Test
    void shouldCarryArpAndUdpBetweenTheKernelAndTheSimulation(@TempDir final Path temp)
    {
        ExternalTool.require("root".equals(System.getProperty("user.name")) && Files.exists(Path.of("/dev/net/tun")),
            "a TAP interface needs root and /dev/net/tun");
        assertEquals(0, ExternalTool.run(temp, "ip", "netns", "add", namespace).exitCode());
        dir = temp;

        final Simulator sim = new Simulator();
        final EthernetLink link = new EthernetLink(sim, EthernetConfig.tenGigabit(), "bridge");
        final List<byte[]> fromKernel = new ArrayList<>();
        link.a().connect((frame, offset, length) -> fromKernel.add(frame.asSlice(offset, length).toArray(
            ValueLayout.JAVA_BYTE)));
        try (TapBridge bridge = new TapBridge(sim, LinuxTap.open(tapName), link.b()))
        {
            inNamespace(temp, "ip", "link", "set", tapName, "netns", namespace);
            inNamespace(temp, "ip", "netns", "exec", namespace, "ip", "addr", "add", "10.9.0.1/24", "dev", tapName);
            inNamespace(temp, "ip", "netns", "exec", namespace, "ip", "link", "set", tapName, "up");
            sim.pace(Pacing.realTime());
            inNamespace(temp, "ip", "netns", "exec", namespace, "python3", "-c",
                "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'nicsim', ('10.9.0.2', 9))");

            assertTrue(sim.runUntil(() -> fromKernel.stream().anyMatch(TapBridgeTest::isArpRequestFor2),
                sim.now() + Time.seconds(10)), "the kernel asks who has 10.9.0.2");
            final byte[] request = fromKernel.stream().filter(TapBridgeTest::isArpRequestFor2).findFirst().orElseThrow();
            assertTrue(validFcs(request), "the bridge adds a correct FCS to the kernel's frames");

            final MemorySegment reply = arpReply(request);
            link.a().transmit(reply, 0, (int) reply.byteSize());
            assertTrue(sim.runUntil(() -> fromKernel.stream().anyMatch(TapBridgeTest::isDatagram),
                sim.now() + Time.seconds(10)), "the kernel sends the datagram it held for the ARP answer");
            assertTrue(bridge.framesOut() >= 1);
            assertEquals(0, bridge.badFcs());
            final String neighbours = ExternalTool.run(temp, "ip", "netns", "exec", namespace, "ip", "neigh").stdout();
            assertTrue(neighbours.contains("10.9.0.2") && neighbours.contains("02:00:00:00:00:02"), neighbours);
        }
    }

    private static void inNamespace(final Path dir, final String... command)
    {
        final ExternalTool.Result result = ExternalTool.run(dir, command);
        assertEquals(0, result.exitCode(), String.join(" ", command) + ": " + result.stderr());
    }

    private static boolean isArpRequestFor2(final byte[] frame)
    {
        return frame.length >= 42 && frame[12] == 0x08 && frame[13] == 0x06 && frame[21] == 1 &&
            frame[38] == 10 && frame[39] == 9 && frame[40] == 0 && frame[41] == 2;
    }

    private static boolean isDatagram(final byte[] frame)
    {
        return frame.length > 48 && frame[12] == 0x08 && frame[13] == 0x00 && frame[23] == 17 &&
            new String(frame, 42, 6).equals("nicsim") && frame[0] == 2 && frame[5] == 2;
    }

    private static boolean validFcs(final byte[] frame)
    {
        final CRC32 crc = new CRC32();
        crc.update(frame, 0, frame.length - 4);
        final int expected = (int) crc.getValue();
        final int actual = (frame[frame.length - 4] & 0xFF) | (frame[frame.length - 3] & 0xFF) << 8 |
            (frame[frame.length - 2] & 0xFF) << 16 | (frame[frame.length - 1] & 0xFF) << 24;
        return expected == actual;
    }

    /** "10.9.0.2 is at 02:00:00:00:00:02", addressed to whoever asked; padded, with FCS. */
    private static MemorySegment arpReply(final byte[] request)
    {
        final MemorySegment frame = Arena.ofAuto().allocate(64);
        final byte[] askerMac = java.util.Arrays.copyOfRange(request, 6, 12);
        final byte[] askerIp = java.util.Arrays.copyOfRange(request, 28, 32);
        MemorySegment.copy(askerMac, 0, frame, ValueLayout.JAVA_BYTE, 0, 6);
        MemorySegment.copy(SIMULATED_MAC, 0, frame, ValueLayout.JAVA_BYTE, 6, 6);
        frame.set(NETWORK_SHORT, 12, (short) 0x0806);
        frame.set(NETWORK_SHORT, 14, (short) 1);
        frame.set(NETWORK_SHORT, 16, (short) 0x0800);
        frame.set(ValueLayout.JAVA_BYTE, 18, (byte) 6);
        frame.set(ValueLayout.JAVA_BYTE, 19, (byte) 4);
        frame.set(NETWORK_SHORT, 20, (short) 2);
        MemorySegment.copy(SIMULATED_MAC, 0, frame, ValueLayout.JAVA_BYTE, 22, 6);
        MemorySegment.copy(new byte[] {10, 9, 0, 2}, 0, frame, ValueLayout.JAVA_BYTE, 28, 4);
        MemorySegment.copy(askerMac, 0, frame, ValueLayout.JAVA_BYTE, 32, 6);
        MemorySegment.copy(askerIp, 0, frame, ValueLayout.JAVA_BYTE, 38, 4);
        final CRC32 crc = new CRC32();
        crc.update(frame.asSlice(0, 60).asByteBuffer());
        frame.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 60, (int) crc.getValue());
        assertEquals(64, frame.byteSize(), HexFormat.of().formatHex(frame.toArray(ValueLayout.JAVA_BYTE)));
        return frame;
    }
}
