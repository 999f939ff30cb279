package dev.nicsim.tools.cdriver;

import dev.nicsim.hw.testsupport.ExternalTool;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.config.TestbedParameters;
import dev.nicsim.tools.demo.DaytimeDemo;
import dev.nicsim.tools.report.RunEvidence;
import dev.nicsim.tools.report.OutputDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daytime demo through the reference C driver. It makes the same register accesses, DMA set-up and host calls as
 * the Java driver, each charged the same modelled cost, so the connect latency is the same to the picosecond and the
 * capture is the same byte for byte (docs/driver-guide.md, "Timing").
 */
class CDriverDemoTest
{
    @TempDir
    Path dir;

    private DaytimeDemo.Result run(final Settings settings, final String name)
    {
        return DaytimeDemo.run(settings, OutputDirectory.open(dir.resolve(name)));
    }

    @Test
    void shouldConnectThroughTheCDriverInTheJavaDriversTimeWithATsharkCleanCapture() throws IOException
    {
        final DaytimeDemo.Result java = run(TestbedParameters.defaults(), "java");
        final DaytimeDemo.Result c = run(TestbedParameters.defaults().set("host.driver", CDrivers.spec("ns1")), "c");
        final DaytimeDemo.Result mixed = run(TestbedParameters.defaults().set("host.B.driver", CDrivers.spec("ns1")),
            "mixed");

        assertEquals(java.daytime(), c.daytime());
        assertEquals(java.connectLatencyPs(), c.connectLatencyPs(), "same calls, same modelled costs");
        assertEquals(java.connectLatencyPs(), mixed.connectLatencyPs(), "C driver on B only");
        final Path pcap = dir.resolve("c").resolve(RunEvidence.CAPTURE);
        assertArrayEquals(Files.readAllBytes(dir.resolve("java").resolve(RunEvidence.CAPTURE)), Files.readAllBytes(pcap));

        final ExternalTool.Result expert = ExternalTool.run(dir, "tshark", "-r", pcap.toString(), "-q",
            "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE", "-z", "expert,warn");
        assertEquals(0, expert.exitCode(), expert.stderr());
        assertTrue(!expert.stdout().contains("Warnings") && !expert.stdout().contains("Errors") &&
            !expert.stdout().contains("Malformed"), expert.stdout());
    }

    /** An ABI 1 driver (the reference driver built so: one queue pair, no TSO) still loads and runs the same. */
    @Test
    void shouldRunADriverBuiltForTheOlderAbiTheSame()
    {
        final DaytimeDemo.Result java = run(TestbedParameters.defaults(), "java");
        final DaytimeDemo.Result old = run(TestbedParameters.defaults().set("host.driver", CDrivers.spec("ns1-abi1")),
            "abi1");

        assertEquals(java.daytime(), old.daytime());
        assertEquals(java.connectLatencyPs(), old.connectLatencyPs(), "same calls, same modelled costs");
    }
}
