package dev.nicsim.hw.trace;

import dev.nicsim.hw.eth.EthernetConfig;
import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.testsupport.ExternalTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PcapWriterTest
{
    /** A broadcast ARP request from 10.0.0.1 for 10.0.0.2, padded to 60 bytes, plus its FCS. */
    private static MemorySegment arpRequest()
    {
        final ByteBuffer frame = ByteBuffer.allocate(64).order(ByteOrder.BIG_ENDIAN);
        frame.put(new byte[] {-1, -1, -1, -1, -1, -1}).put(new byte[] {2, 0, 0, 0, 0, 1}).putShort((short) 0x0806);
        frame.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
        frame.put(new byte[] {2, 0, 0, 0, 0, 1}).put(new byte[] {10, 0, 0, 1});
        frame.put(new byte[6]).put(new byte[] {10, 0, 0, 2});
        final CRC32 crc = new CRC32();
        crc.update(frame.array(), 0, 60);
        frame.order(ByteOrder.LITTLE_ENDIAN).putInt(60, (int) crc.getValue());
        final MemorySegment segment = Arena.ofAuto().allocate(64);
        segment.copyFrom(MemorySegment.ofArray(frame.array()));
        return segment;
    }

    @Test
    void shouldWriteANanosecondPcapWithoutFcs()
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PcapWriter pcap = new PcapWriter(bytes))
        {
            pcap.frameOnWire("a", 1_234_567_891_234L, arpRequest(), 0, 64);
        }
        final ByteBuffer file = ByteBuffer.wrap(bytes.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);

        assertEquals(0xa1b23c4d, file.getInt(0), "nanosecond magic");
        assertEquals(1, file.getInt(20), "link type Ethernet");
        assertEquals(1, file.getInt(24), "seconds");
        assertEquals(234_567_891, file.getInt(28), "nanoseconds (picoseconds truncated)");
        assertEquals(60, file.getInt(32), "captured length excludes the FCS");
        assertEquals(60, file.getInt(36));
        assertEquals(24 + 16 + 60, bytes.size());
    }

    @Test
    void shouldProduceAFileTsharkReadsWithoutComplaint(@TempDir final Path dir) throws IOException
    {
        final Path file = dir.resolve("link.pcap");
        final Simulator sim = new Simulator();
        final EthernetLink link = new EthernetLink(sim, EthernetConfig.tenGigabit(), "l0");
        try (OutputStream out = Files.newOutputStream(file); PcapWriter pcap = new PcapWriter(out))
        {
            link.addTap(pcap);
            final MemorySegment frame = arpRequest();
            for (int i = 0; i < 3; i++)
            {
                link.a().transmit(frame, 0, 64);
            }
            sim.run(Time.US);
        }

        final ExternalTool.Result read = ExternalTool.run(dir, "tshark", "-r", file.toString(), "-T", "fields",
            "-e", "frame.time_relative", "-e", "arp.dst.proto_ipv4", "-z", "expert,warn", "-q");
        assertEquals(0, read.exitCode(), read.stderr());
        final String complaints = read.stderr().replaceAll("(?m)^Running as user \"root\".*$\n?", "");
        assertTrue(complaints.isBlank(), complaints);
        assertTrue(!read.stdout().contains("Malformed"), read.stdout());

        final ExternalTool.Result fields = ExternalTool.run(dir, "tshark", "-r", file.toString(), "-T", "fields",
            "-e", "frame.time_relative", "-e", "arp.dst.proto_ipv4");
        assertEquals("0.000000000\t10.0.0.2\n0.000000067\t10.0.0.2\n0.000000134\t10.0.0.2\n", fields.stdout(),
            "back-to-back minimum frames 67.2 ns apart, shown to the nanosecond");
    }
}
