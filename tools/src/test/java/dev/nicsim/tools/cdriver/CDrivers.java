package dev.nicsim.tools.cdriver;

import dev.nicsim.driver.DeviceDriver;
import dev.nicsim.driver.DriverContext;
import dev.nicsim.driver.DriverFactory;
import dev.nicsim.hw.testsupport.ExternalTool;

import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.config.TestbedParameters;
import dev.nicsim.tools.workload.perf.PerfOptions;
import dev.nicsim.tools.workload.perf.PerfResult;
import dev.nicsim.tools.workload.perf.PerfRun;

import java.nio.file.Files;
import java.util.function.Function;

/** The C drivers the build compiled (driver/src/main/c/build.sh), for tests; missing ones skip the test, or fail in CI. */
final class CDrivers
{
    private CDrivers()
    {
    }

    /** The {@code host.driver} specification of {@code lib<name>.so}, after making sure it was built. */
    static String spec(final String name)
    {
        ExternalTool.require(Files.isRegularFile(DriverFactory.library(name)), "C driver " +
            DriverFactory.library(name) + " was not built (no gcc when driver/ was compiled?)");
        return "c:" + name;
    }

    /** A driver factory for {@code lib<name>.so}. */
    static Function<DriverContext, DeviceDriver> factory(final String name)
    {
        final String spec = spec(name);
        return context -> DriverFactory.create(spec, context);
    }

    /** A perf run on the default testbed with these {@code key=value} settings, as {@code nicsim perf --set}. */
    static PerfResult perf(final PerfOptions options, final String... assignments)
    {
        final Settings settings = TestbedParameters.defaults();
        for (final String assignment : assignments)
        {
            settings.assign(assignment);
        }
        return PerfRun.run(settings, options, (simulated, total) -> { });
    }
}
