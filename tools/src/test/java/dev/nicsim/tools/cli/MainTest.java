package dev.nicsim.tools.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest
{
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void capture()
    {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));
    }

    @AfterEach
    void restore()
    {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

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
    void shouldSweepOneParameterIntoATableACsvAndAPlot(@TempDir final Path dir) throws IOException
    {
        assertEquals(0, Main.run("sweep", "--set", "pcie.dma_read_latency_ns=500,600", "--set", "sim.seed=7",
            "--out", dir.toString()));

        final List<String> csv = Files.readAllLines(dir.resolve("sweep.csv"));
        assertEquals(3, csv.size(), csv.toString());
        assertTrue(csv.get(0).startsWith("pcie.dma_read_latency_ns,connect_latency_ns,host_CPU_ns,PCIe_DMA_ns"));
        final double slow = Double.parseDouble(csv.get(2).split(",")[1]);
        final double fast = Double.parseDouble(csv.get(1).split(",")[1]);
        assertEquals(800.0, slow - fast, 1e-6, "8 DMA reads on the path, 100 ns each");
        final byte[] png = Files.readAllBytes(dir.resolve("sweep.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals("PNG", new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(Files.readString(dir.resolve("summary-pcie.dma_read_latency_ns=600.json"))
            .contains("\"dma_read_latency_ns\": 600"));
        assertTrue(out.toString().contains("pcie.dma_read_latency_ns    connect()"), out.toString());
    }

    @Test
    void shouldRefuseASweepWithoutExactlyOneListOfValues()
    {
        assertEquals(2, Main.run("sweep", "--set", "pcie.lanes=8"));
        assertTrue(err.toString().contains("say what to sweep: --set KEY=V1,V2,..."), err.toString());
        assertEquals(2, Main.run("sweep", "--set", "pcie.lanes=4,8", "--set", "link.rate_gbps=10,25"));
        assertTrue(err.toString().contains("sweep one key at a time"), err.toString());
        assertEquals(2, Main.run("sweep", "--set", "pcie.lanes=4,6"));
        assertTrue(err.toString().contains("bad value '6' for pcie.lanes"), err.toString());
    }

    @Test
    void shouldKeepAFailedConnectsEvidenceWithOut(@TempDir final Path dir) throws IOException
    {
        assertEquals(1, Main.run("connect", "10.0.0.9:13", "--out", dir.toString()));
        final String summary = Files.readString(dir.resolve("summary.json"));
        assertTrue(summary.contains("\"errno\": \"EHOSTUNREACH\""), summary);
        assertTrue(summary.contains("\"nicsim_version\": "), summary);
        @SuppressWarnings("unchecked")
        final var parsed = (java.util.Map<String, Object>) dev.nicsim.tools.report.Json.parse(summary);
        assertEquals(3L, parsed.get("frames_captured"), "three unanswered ARP requests (arp.probes)");
    }

    @Test
    void shouldGiveExitCode2ForEveryUsageError(@TempDir final Path dir) throws IOException
    {
        assertEquals(2, Main.run("connect", "10.0.0.2"));
        assertEquals(2, Main.run("connect", "10.0.0.2:70000"));
        assertEquals(2, Main.run("serve", "0"));
        assertEquals(2, Main.run("serve", "13", "--tap", "t0", "--serial", "/dev/null"));
        final Path file = Files.writeString(dir.resolve("plain-file"), "x");
        assertEquals(2, Main.run("demo", "--out", file.toString()));
        assertEquals(2, Main.run("demo", "--set", "tcp.ephemeral_low=50000", "--set", "tcp.ephemeral_high=40000"));
        assertTrue(err.toString().contains("tcp.ephemeral_low=50000, tcp.ephemeral_high=40000"), err.toString());
    }

    @Test
    void shouldKeepEveryHelpLineWithin80Columns()
    {
        for (final String command : List.of("demo", "connect", "serve", "sweep", "config", "timing", "bench"))
        {
            out.reset();
            assertEquals(0, Main.run(command, "--help"));
            for (final String line : out.toString().lines().toList())
            {
                assertTrue(line.length() <= 80, command + " --help has a line a terminal would wrap: " + line);
            }
        }
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
