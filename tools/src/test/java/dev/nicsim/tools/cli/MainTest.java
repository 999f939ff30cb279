package dev.nicsim.tools.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest
{
    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();
    private final ByteArrayOutputStream out = console.out();
    private final ByteArrayOutputStream err = console.err();

    @Test
    void shouldListTheCommandsOnHelp()
    {
        assertEquals(0, Main.run("--help"));
        assertTrue(out.toString().contains("timing"), out.toString());
    }

    @Test
    void shouldRejectAnUnknownCommandWithUsageAndExitCode2()
    {
        assertEquals(2, Main.run("bogus"));
        assertTrue(err.toString().contains("Unmatched argument at index 0: 'bogus'"), err.toString());
        assertEquals(2, Main.run("sweeep", "--set", "pcie.lanes=4,8"));
        assertTrue(err.toString().contains("The closest command is 'sweep'"), err.toString());
    }

    @Test
    void shouldRejectABadFlagOrSettingWithExitCode2AndAMessage()
    {
        assertEquals(2, Main.run("timing", "--no-such-flag"));
        assertEquals(2, Main.run("timing", "--set", "pcie.lanes=3"));
        assertTrue(err.toString().contains("bad value '3' for pcie.lanes: it takes one of 1, 2, 4, 8, 16"),
            err.toString());
        assertEquals(2, Main.run("timing", "--set", "pcie.dma_read_latncy_ns=600"));
        assertTrue(err.toString().contains("unknown configuration key 'pcie.dma_read_latncy_ns'; did you mean " +
            "'pcie.dma_read_latency_ns'?"), err.toString());
        assertEquals("", out.toString(), "nothing is printed before the configuration is known to be valid");
    }

    @Test
    void shouldListEveryKeyWithDefaultUnitAndMeaning()
    {
        assertEquals(0, Main.run("config", "--set", "pcie.dma_read_latency_ns=615.3"));
        assertTrue(out.toString().contains("pcie.dma_read_latency_ns       615.3 ns       root complex"),
            out.toString());
        assertTrue(out.toString().contains("a number in [0, 1000000]  [default 515.3]"), out.toString());
        assertTrue(out.toString().contains("link.rate_gbps"), out.toString());
    }

    @Test
    void shouldListEachSectionOnceWithItsKeysTogether()
    {
        // Before, [host] and [tcp] each came twice: host.driver and tcp.congestion_control apart from their sections.
        assertEquals(0, Main.run("config"));
        final List<String> headers = out.toString().lines().filter(line -> line.startsWith("[")).toList();
        assertEquals(headers.stream().distinct().toList(), headers, "each section once");
        final String host = section(out.toString(), "[host]");
        assertTrue(host.contains("host.driver ") && host.contains("host.cores "), host);
        assertTrue(section(out.toString(), "[tcp]").contains("tcp.congestion_control"));
    }

    @Test
    void shouldDescribeTheVectorsAndWhatCoresNeed()
    {
        assertEquals(0, Main.run("config"));
        assertTrue(out.toString().contains("(2 x queues + 1, datasheet §6)"), "nic.queues: the datasheet's count");
        assertTrue(out.toString().contains("with the default 1 queue pair, cores past 0 take only application " +
            "threads"), "host.cores: why more cores alone leave them idle");
    }

    private static String section(final String config, final String header)
    {
        final String rest = config.substring(config.indexOf(header) + header.length());
        final int next = rest.indexOf("\n[");
        return next < 0 ? rest : rest.substring(0, next);
    }

    @Test
    void shouldMoveTheMeasuredReadLatencyByTheSetChange()
    {
        assertEquals(0, Main.run("timing", "--set", "pcie.dma_read_latency_ns=615.3"));
        assertTrue(out.toString().contains("DMA read of    64 bytes completes after 645.972 ns"), out.toString());
    }

    @Test
    void shouldExplainAFailedConnectAndSpotAMissingHtons()
    {
        assertEquals(1, Main.run("connect", "10.0.0.2:3328"));
        assertTrue(out.toString().contains("connect() failed: ECONNREFUSED (Connection refused) after"),
            out.toString());
        assertTrue(out.toString().contains("hint: port 3328 (0xd00) is 13 with its two bytes swapped"),
            out.toString());
        assertEquals(1, Main.run("connect", "192.168.7.7:13"));
        assertTrue(out.toString().contains("ENETUNREACH (Network is unreachable)"), out.toString());
    }

    @Test
    void shouldCompleteANonBlockingConnectThroughPollAndSoError()
    {
        assertEquals(0, Main.run("connect", "10.0.0.2:13", "--nonblocking"));
        final String text = out.toString();
        assertTrue(text.contains("... connect resumed = -1 EINPROGRESS"), text);
        assertTrue(text.contains("([{revents=POLLOUT}])"), text);
        assertTrue(text.contains("getsockopt(3, SOL_SOCKET, SO_ERROR, [0], [4]) = 0"), text);
        assertTrue(text.contains("received: Tuesday, November 24, 2026"), text);
    }

    @Test
    void shouldRefuseBadSettingsBeforeAndKeepEvidenceOfAFailedRun(@TempDir final Path dir) throws IOException
    {
        final Path out = dir.resolve("demo");
        assertEquals(2, Main.run("demo", "--out", out.toString(), "--set", "nic.mac_clock_mhz=nope"));
        assertTrue(err.toString().contains("bad value 'nope' for nic.mac_clock_mhz"), err.toString());
        assertFalse(Files.exists(out), "a bad setting is refused before anything is created");

        final Path file = dir.resolve("plain-file");
        Files.writeString(file, "x");
        assertEquals(2, Main.run("demo", "--out", file.resolve("sub").toString()));
        assertTrue(err.toString().contains("cannot write to --out"), err.toString());

        Files.createDirectories(out);
        Files.writeString(out.resolve("summary.json"), "previous run");
        assertEquals(1, Main.run("demo", "--out", out.toString(), "--set", "fault.drop=1"));
        assertTrue(err.toString().contains("EHOSTUNREACH"), err.toString());
        assertTrue(err.toString().contains("its files up to the failure are in"), err.toString());
        final String summary = Files.readString(out.resolve("summary.json"));
        assertTrue(summary.contains("\"outcome\": \"failed\"") && summary.contains("\"errno\": \"EHOSTUNREACH\""),
            "the failed run's summary replaces the old one whole: " + summary);
        try (var files = Files.list(dir))
        {
            assertEquals(2, files.count(), "no staging folder left behind");
        }
    }

    @Test
    void shouldKeepTheSummaryOfAPerfRunThatFailed(@TempDir final Path dir) throws IOException
    {
        final Path out = dir.resolve("perf");
        final Path missing = dir.resolve("no-such-driver.so");
        assertEquals(1, Main.run("perf", "TCP_RR", "--duration", "0.001", "--out", out.toString(), "--set",
            "host.B.driver=c:" + missing));
        assertTrue(err.toString().contains("C driver library " + missing + " does not exist"), err.toString());
        final String summary = Files.readString(out.resolve("summary.json"));
        assertTrue(summary.contains("\"outcome\": \"failed\"") && summary.contains("does not exist") &&
            summary.contains("\"test\": \"TCP_RR\""), "the failed run's summary: " + summary);

        final Path refused = dir.resolve("refused");
        assertEquals(2, Main.run("perf", "TCP_RR", "--out", refused.toString(), "--set", "host.driver=python"));
        assertTrue(err.toString().contains("bad value 'python' for host.driver"), err.toString());
        assertFalse(Files.exists(refused), "a malformed driver is refused before the output folder is created");
    }

    @Test
    void shouldRefuseAPerfWindowShorterThanItsSamples(@TempDir final Path dir)
    {
        // 1 ps in 100 samples: samples of no time, whose rates (0/0) perf.json cannot hold; the run failed after the
        // simulation with "JSON has no NaN" and an empty folder.
        final Path out = dir.resolve("perf");
        assertEquals(2, Main.run("perf", "TCP_RR", "--duration", "1e-12", "--out", out.toString()));
        assertTrue(err.toString().contains("--duration must be in [1.0E-6, 3600]"), err.toString());
        assertFalse(Files.exists(out), "refused before the output folder is created");
    }

    @Test
    void shouldServeSimulatedClients()
    {
        assertEquals(0, Main.run("serve", "13", "--clients", "2"));
        assertTrue(out.toString().contains("client 2: connect() took 13.812 us"), out.toString());
    }

    @Test
    void shouldMeasureTheDefaultPlatformTimings()
    {
        assertEquals(0, Main.run("timing"));
        assertTrue(out.toString().contains("64-byte frame holds the wire      67.2 ns  ->    14,880,952 frames/s"),
            out.toString());
        assertTrue(out.toString().contains("DMA read of    64 bytes completes after 545.972 ns"), out.toString());
        assertTrue(out.toString().contains("1518-byte frames: wire      1.23 us each"), out.toString());
        assertTrue(out.toString().contains("-> the wire limits the rate"), out.toString());
        out.reset();
        assertEquals(0, Main.run("timing", "--set", "link.rate_gbps=100"));
        assertTrue(out.toString().contains("-> PCIe limits the rate"), out.toString());
    }
}
