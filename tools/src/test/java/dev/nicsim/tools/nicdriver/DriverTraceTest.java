package dev.nicsim.tools.nicdriver;

import dev.nicsim.driver.DriverConfig;
import dev.nicsim.hw.eth.EthernetConfig;
import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.testsupport.ExternalTool;
import dev.nicsim.hw.trace.EventTrace;
import dev.nicsim.hw.trace.PcapWriter;
import dev.nicsim.hw.trace.VcdWriter;
import dev.nicsim.nic.NicConfig;
import dev.nicsim.tools.drivercheck.FrameStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a driver developer looks at: the register trace of a probe, the NIC's waveform, the link's capture. */
class DriverTraceTest
{
    private final Simulator sim = new Simulator();
    private final EthernetLink link = new EthernetLink(sim, EthernetConfig.tenGigabit(), "link");
    private final DriverHost a = new DriverHost(sim, "hostA", link.a(), NicConfig.builder()
        .macAddress(DriverPair.MAC_A).build(), DriverConfig.defaults());
    private final DriverHost b = new DriverHost(sim, "hostB", link.b(), NicConfig.builder()
        .macAddress(DriverPair.MAC_B).build(), DriverConfig.defaults());

    @Test
    void shouldProgramTheRegistersInTheDatasheetsOrder()
    {
        final EventTrace trace = new EventTrace(true);
        a.nic.traceTo(trace);

        a.driver.probe();

        final List<String> writes = trace.entries().stream().filter(e -> e.kind() == EventTrace.Kind.MMIO)
            .map(EventTrace.Entry::detail).filter(d -> d.startsWith("write "))
            .map(d -> d.substring(6, d.indexOf(' ', 6))).toList();
        assertEquals(List.of("CTRL",
            "MSIX[0].address_lo", "MSIX[0].address_hi", "MSIX[0].data",
            "MSIX[2].address_lo", "MSIX[2].address_hi", "MSIX[2].data",
            "MSIX[4].address_lo", "MSIX[4].address_hi", "MSIX[4].data",
            "RXCSUM", "RDBAL(0)", "RDBAH(0)", "RDLEN(0)", "RXDCTL(0)", "RDT(0)", "RCTL",
            "TDBAL(0)", "TDBAH(0)", "TDLEN(0)", "TXDCTL(0)", "TCTL", "ITR", "IMS",
            "MSIX[0].control", "MSIX[2].control", "MSIX[4].control"), writes, "datasheet §8.1");
        assertTrue(trace.entries().get(0).detail().startsWith("read  ID = 0x4e533031"), "identity first");
    }

    @Test
    void shouldRecordAWaveformGtkwaveConvertsAndACaptureTsharkReads(@TempDir final Path dir) throws IOException
    {
        final VcdWriter vcd = new VcdWriter();
        a.nic.recordSignals(vcd);
        a.driver.probe();
        b.driver.probe();
        final FrameStream streamA = new FrameStream(sim, a.driver, 1, DriverPair.MAC_B, 2);
        final FrameStream streamB = new FrameStream(sim, b.driver, 2, DriverPair.MAC_A, 1);
        a.driver.setReceiver(streamA);
        b.driver.setReceiver(streamB);
        final Path capture = dir.resolve("link.pcap");
        try (OutputStream out = Files.newOutputStream(capture); PcapWriter pcap = new PcapWriter(out))
        {
            link.addTap(pcap);
            streamA.send(20);
            streamB.send(20);
            sim.runUntil(() -> streamA.received() == 20 && streamB.received() == 20, sim.now() + Time.ms(1));
        }
        final Path waveform = dir.resolve("nic.vcd");
        try (Writer out = Files.newBufferedWriter(waveform))
        {
            vcd.writeTo(out, "reproducible");
        }

        assertTrue(Files.readString(waveform).contains("$var wire 16 "), "ring heads and tails are 16-bit signals");
        final ExternalTool.Result fst = ExternalTool.run(dir, "vcd2fst", waveform.toString(),
            dir.resolve("nic.fst").toString());
        assertEquals(0, fst.exitCode(), fst.stdout() + fst.stderr());
        final ExternalTool.Result frames = ExternalTool.run(dir, "tshark", "-r", capture.toString(), "-T", "fields",
            "-e", "eth.type");
        assertEquals(0, frames.exitCode(), frames.stderr());
        assertEquals(40, frames.stdout().lines().filter("0x88b5"::equals).count(), frames.stdout());
    }
}
