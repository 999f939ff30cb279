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
    void shouldRejectABadFlagWithExitCode2AndABadValueWithAMessage()
    {
        assertEquals(2, Main.run("timing", "--no-such-flag"));
        assertEquals(1, Main.run("timing", "--pcie-lanes", "3"));
        assertTrue(err.toString().contains("PCIe lanes must be one of [1, 2, 4, 8, 16], got 3"), err.toString());
        assertEquals("", out.toString(), "nothing is printed before the configuration is known to be valid");
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
