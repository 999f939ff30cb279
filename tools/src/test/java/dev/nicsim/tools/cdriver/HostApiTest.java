package dev.nicsim.tools.cdriver;

import dev.nicsim.driver.DeviceDriver;
import dev.nicsim.driver.DriverConfig;
import dev.nicsim.driver.DriverException;
import dev.nicsim.driver.DriverFactory;
import dev.nicsim.driver.foreign.CDriver;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.testsupport.ExternalTool;
import dev.nicsim.nic.MisuseMode;
import dev.nicsim.tools.drivercheck.Bench;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host side of nicsim_driver.h as a C driver sees it: time, delays and timers in simulated picoseconds, DMA memory
 * and mappings checked, errors as negative errnos, and memory freed while mapped stopping the run. The test driver
 * (tools/src/test/c/host_api_driver.c) logs what each call gave it.
 */
class HostApiTest
{
    @TempDir
    Path dir;

    private String build(final String name, final String... defines)
    {
        ExternalTool.require(ExternalTool.installed("gcc"), "gcc is not installed (Debian: apt-get install gcc " +
            "libc6-dev)");
        final Path library = dir.resolve("lib" + name + ".so");
        final List<String> command = new ArrayList<>(List.of("gcc", "-std=c11", "-Wall", "-Werror", "-fPIC",
            "-shared", "-I" + Path.of("../driver/src/main/c").toAbsolutePath(), "-o", library.toString()));
        command.addAll(List.of(defines));
        command.add(Path.of("src/test/c/host_api_driver.c").toAbsolutePath().toString());
        final ExternalTool.Result result = ExternalTool.run(dir, command.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.stderr());
        return "c:" + library;
    }

    @Test
    void shouldGiveTheDriverSimulatedTimeCheckedDmaMemoryAndErrnos()
    {
        final String spec = build("hostapi");
        final Bench bench = Bench.underTest(DriverConfig.defaults(), context -> DriverFactory.create(spec, context),
            MisuseMode.STRICT);
        bench.sim().run(bench.sim().now() + Time.us(10));
        final DeviceDriver driver = bench.a().driver();
        driver.shutdown();

        final List<String> said = ((CDriver) driver).log().stream().filter(line -> line.startsWith("info: "))
            .map(line -> line.substring(6)).toList();
        assertEquals(List.of("delay 1000000 ps, tx ring 256", "alloc aligned 0, zeroed 0",
            "free foreign -22, map past the block -22", "map 0, map again -16", "msix 0, msix again -22",
            "msix address in the MSI window 1, unmap unknown -2", "timer after 5000000 ps"), said);
        assertEquals(0, ((CDriver) driver).dmaBlocks());
        assertEquals(0, bench.a().iommu().mappingCount());
        assertEquals(0, bench.a().allocator().allocatedCount());
    }

    @Test
    void shouldStopTheRunWhenTheDriverFreesMemoryStillMappedForTheDevice()
    {
        final String spec = build("freewhilemapped", "-DFREE_WHILE_MAPPED");
        final Bench bench = Bench.underTest(DriverConfig.defaults(), context -> DriverFactory.create(spec, context),
            MisuseMode.STRICT);

        final DriverException stopped = assertThrows(DriverException.class, () -> bench.a().driver().shutdown());
        assertTrue(stopped.getMessage().contains("freed DMA memory at bus address 0x") &&
            stopped.getMessage().contains("while it is still mapped for the device"), stopped.getMessage());
    }
}
