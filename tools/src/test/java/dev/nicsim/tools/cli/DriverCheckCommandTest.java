package dev.nicsim.tools.cli;

import dev.nicsim.driver.DriverFactory;
import dev.nicsim.hw.testsupport.ExternalTool;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nicsim driver-check}: a line per check, exit code 1 when a check fails, 2 for a bad --driver. */
class DriverCheckCommandTest
{
    @Test
    void shouldFailEveryCheckOfADriverThatBreaksTheDatasheetAndExitWithOne()
    {
        ExternalTool.require(Files.isRegularFile(DriverFactory.library("ns1-misaligned-ring")),
            "the broken C drivers were not built (no gcc when driver/ was compiled?)");
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final PrintStream saved = System.out;
        final int exit;
        try
        {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            exit = Main.run("driver-check", "--driver", "c:ns1-misaligned-ring");
        }
        finally
        {
            System.setOut(saved);
        }

        final String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(1, exit, printed);
        assertTrue(printed.contains("FAIL  probe and reset order") && printed.contains("RING_BASE_MISALIGNED") &&
            printed.contains("12 of 12 checks failed"), printed);
    }

    @Test
    void shouldRefuseADriverSpecificationThatIsNotOne()
    {
        assertEquals(2, Main.run("driver-check", "--driver", "ns1"));
    }
}
