package dev.nicsim.tools.demo;

import dev.nicsim.hw.testsupport.ExternalTool;
import dev.nicsim.hw.trace.EventTrace;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.config.TestbedParameters;
import dev.nicsim.tools.report.OutputDirectory;
import dev.nicsim.tools.report.RunEvidence;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DaytimeDemoTest
{
    @TempDir
    static Path dir;
    private static DaytimeDemo.Result result;

    private static DaytimeDemo.Result run(final Settings settings, final Path out)
    {
        return DaytimeDemo.run(settings, OutputDirectory.open(out));
    }

    @BeforeAll
    static void runOnce()
    {
        result = run(TestbedParameters.defaults(), dir.resolve("first"));
    }

    @Test
    void shouldReadTheDaytimeStringThroughTheWholeSystem()
    {
        assertTrue(result.daytime().matches("Tuesday, November 24, 2026 00:00:00-UTC"), result.daytime());
        assertEquals("10.0.0.1", result.client());
        assertEquals("10.0.0.2", result.server());
    }

    @Test
    void shouldSplitTheConnectLatencyIntoPartsThatSumExactlyToIt()
    {
        final long sum = result.breakdown().parts().values().stream().mapToLong(Long::longValue).sum();
        assertEquals(result.connectLatencyPs(), sum);
        assertEquals(result.connectLatencyPs(), result.breakdown().total());
        assertTrue(result.breakdown().parts().get(LatencyBreakdown.PCIE_DMA) > 0);
        assertTrue(result.breakdown().parts().get(LatencyBreakdown.MAC_WIRE) > 0);
        assertTrue(result.breakdown().parts().get(LatencyBreakdown.NIC_PIPELINE) > 0);
        assertTrue(result.breakdown().parts().get(LatencyBreakdown.PEER_STACK) > 0, "B answers the ARP and the SYN");
    }

    @Test
    void shouldWriteTheSameFilesForTheSameSeed() throws IOException
    {
        run(TestbedParameters.defaults(), dir.resolve("second"));
        for (final String file : List.of(RunEvidence.CAPTURE, RunEvidence.SIGNALS, RunEvidence.TIMELINE,
            RunEvidence.TRACE, RunEvidence.SUMMARY))
        {
            assertArrayEquals(Files.readAllBytes(dir.resolve("first").resolve(file)),
                Files.readAllBytes(dir.resolve("second").resolve(file)), file + " differs between identical runs");
        }
        final String summary = Files.readString(dir.resolve("first").resolve(RunEvidence.SUMMARY));
        assertTrue(summary.contains("\"trace_blake3\": \"" + result.traceDigest() + "\""), summary);
        assertTrue(result.traceDigest().matches("[0-9a-f]{64}"));
        assertTrue(summary.contains("\"connect_latency_ns\": " + result.connectLatencyPs() / 1000.0), summary);
    }

    /**
     * The DMA reads on connect()'s critical path. The ARP cache is cold, as after boot, so connect() first resolves
     * 10.0.0.2. Each of the four frames on the path costs its sender two reads: the descriptor fetch and the buffer
     * read. Receiving costs no read (the RX descriptors were prefetched when the ring was filled; data and
     * write-back are posted writes).
     */
    private static final List<String> READS_ON_THE_PATH = List.of(
        "A.nic fetches the TX descriptor of the ARP request", "A.nic reads the ARP request",
        "B.nic fetches the TX descriptor of the ARP reply", "B.nic reads the ARP reply",
        "A.nic fetches the TX descriptor of the SYN", "A.nic reads the SYN",
        "B.nic fetches the TX descriptor of the SYN-ACK", "B.nic reads the SYN-ACK");

    @Test
    void shouldMoveTheLatencyByTheDmaReadsOnThePathTimesTheChange()
    {
        final DaytimeDemo.Result slower = run(TestbedParameters.defaults().assign("pcie.dma_read_latency_ns=615.3"),
            dir.resolve("slower"));

        final List<String> reads = result.timeline().stream()
            .filter(entry -> entry.kind() == EventTrace.Kind.DMA && entry.detail().contains("TX queue"))
            .filter(entry -> entry.time() >= connectCall(result) && entry.time() <= clientEstablished(result))
            .map(EventTrace.Entry::format)
            .toList();
        assertEquals(READS_ON_THE_PATH.size(), reads.size(), "DMA reads during connect(): " + reads);
        assertEquals(READS_ON_THE_PATH.size() * 100_000L, slower.connectLatencyPs() - result.connectLatencyPs());
        assertEquals(READS_ON_THE_PATH.size() * 100_000L, slower.breakdown().parts().get(LatencyBreakdown.PCIE_DMA) -
            result.breakdown().parts().get(LatencyBreakdown.PCIE_DMA), "all of the change is PCIe time");
    }

    private static long connectCall(final DaytimeDemo.Result run)
    {
        return run.timeline().stream().filter(entry -> entry.detail().startsWith("connect(")).findFirst()
            .orElseThrow().time();
    }

    /* The third segment of the handshake (A's ACK) is sent after this, off the critical path. */
    private static long clientEstablished(final DaytimeDemo.Result run)
    {
        return run.timeline().stream().filter(entry -> entry.source().equals("A") &&
            entry.detail().endsWith("SYN_SENT -> ESTABLISHED")).findFirst().orElseThrow().time();
    }

    @Test
    void shouldCaptureTheWholeConversationWithValidChecksums()
    {
        final Path pcap = dir.resolve("first").resolve(RunEvidence.CAPTURE);
        final ExternalTool.Result fields = ExternalTool.run(dir, "tshark", "-r", pcap.toString(),
            "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE", "-Y", "tcp.stream == 0", "-T", "fields",
            "-e", "tcp.flags.syn", "-e", "tcp.flags.ack", "-e", "tcp.flags.fin", "-e", "tcp.len",
            "-e", "tcp.options.mss_val", "-e", "tcp.options.sack_perm", "-e", "tcp.options.timestamp.tsval",
            "-e", "tcp.options.wscale.shift", "-e", "tcp.checksum.status", "-e", "ip.checksum.status",
            "-E", "separator=,");
        assertEquals(0, fields.exitCode(), fields.stderr());
        final List<String> segments = fields.stdout().lines().toList();
        assertTrue(segments.get(0).matches("1,0,0,0,1460,[0-9a-f]+,\\d+,7,1,1"), "SYN with MSS, SACK-permitted, " +
            "timestamps and window scale: " + segments.get(0));
        assertTrue(segments.get(1).matches("1,1,0,0,1460,[0-9a-f]+,\\d+,7,1,1"), "SYN-ACK: " + segments.get(1));
        assertTrue(segments.get(2).matches("0,1,0,0,,,\\d+,,1,1"), "ACK: " + segments.get(2));
        assertTrue(segments.get(3).matches("0,1,0,41,,,\\d+,,1,1"), "the daytime line: " + segments.get(3));
        assertEquals(2, segments.stream().filter(line -> line.startsWith("0,1,1,")).count(), "a FIN each way");
        assertTrue(segments.get(segments.size() - 1).startsWith("0,1,0,0,"), "the last ACK of the close");
        segments.forEach(line -> assertTrue(line.endsWith(",1,1"), "checksums good: " + line));

        final ExternalTool.Result expert = ExternalTool.run(dir, "tshark", "-r", pcap.toString(), "-q",
            "-z", "expert,warn");
        assertEquals(0, expert.exitCode(), expert.stderr());
        assertTrue(!expert.stdout().contains("Warnings") && !expert.stdout().contains("Errors") &&
            !expert.stdout().contains("Malformed"), expert.stdout());
    }

    @Test
    void shouldWriteAWaveformGtkwaveConverts()
    {
        final Path vcd = dir.resolve("first").resolve(RunEvidence.SIGNALS);
        final ExternalTool.Result converted = ExternalTool.run(dir, "vcd2fst", vcd.toString(),
            dir.resolve("connect.fst").toString());
        assertEquals(0, converted.exitCode(), converted.stdout() + converted.stderr());
        assertTrue(Files.exists(dir.resolve("connect.fst")));
    }
}
