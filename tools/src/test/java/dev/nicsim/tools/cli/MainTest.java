package dev.nicsim.tools.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void shouldMeasureTheDefaultPlatformTimings()
    {
        assertEquals(0, Main.run("timing"));
        assertTrue(out.toString().contains("64-byte frame holds the wire      67.2 ns  ->    14,880,952 frames/s"),
            out.toString());
        assertTrue(out.toString().contains("DMA read of    64 bytes completes after 545.972 ns"), out.toString());
    }
}
