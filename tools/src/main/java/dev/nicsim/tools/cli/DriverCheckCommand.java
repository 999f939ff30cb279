package dev.nicsim.tools.cli;

import dev.nicsim.driver.DriverFactory;
import dev.nicsim.tools.config.ConfigException;
import dev.nicsim.tools.drivercheck.Check;
import dev.nicsim.tools.drivercheck.CheckResult;
import dev.nicsim.tools.drivercheck.DriverCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** The driver conformance kit: every check against one driver; exit code 1 if any fails. */
@Command(name = "driver-check",
    mixinStandardHelpOptions = true,
    description = {"Hold a driver to the NS-1 datasheet: probe and reset order, ring wrap-around, TX back-pressure, " +
        "RX starvation and recovery, link flaps, a moderation change, shutdown quiescing DMA, no leaked DMA memory, " +
        "no strict-mode misuse, queue set-up with RSS and TSO descriptors. Each check runs on a fresh bench (the driver under test on host A, the built-in " +
        "driver on host B, strict mode) and prints PASS or FAIL with the datasheet section it enforces.",
        "Exit code 0 when every check passes, 1 otherwise."},
    footer = {"", "Examples:", "  nicsim driver-check", "  nicsim driver-check --driver c:ns1",
        "  nicsim driver-check --driver c:/home/me/mydriver/libmydriver.so", "", "See docs/driver-guide.md."})
final class DriverCheckCommand implements Callable<Integer>
{
    @Option(names = "--driver", paramLabel = "SPEC", defaultValue = DriverFactory.BUILT_IN,
        description = "The driver: java, java:NAME, c:/path/to/lib.so or c:ns1 (default: ${DEFAULT-VALUE}).")
    private String driver;

    @Override
    public Integer call()
    {
        final DriverCheck kit;
        try
        {
            kit = DriverCheck.of(driver);
        }
        catch (final IllegalArgumentException e)
        {
            throw new ConfigException("--driver: " + e.getMessage());
        }
        System.out.println("nicsim driver-check: " + driver);
        int failed = 0;
        for (final Check check : Check.values())
        {
            final CheckResult result = kit.run(check);
            System.out.println(result.format());
            failed += result.passed() ? 0 : 1;
        }
        System.out.println(failed == 0 ? "all " + Check.values().length + " checks passed" :
            failed + " of " + Check.values().length + " checks failed");
        return failed == 0 ? 0 : 1;
    }
}
