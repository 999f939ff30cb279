package dev.nicsim.tools.demo;

import dev.nicsim.driver.DriverFactory;
import dev.nicsim.hw.testsupport.ExternalTool;
import dev.nicsim.tools.config.ConfigException;
import dev.nicsim.tools.config.CrossKeyRules;
import dev.nicsim.tools.config.Parameter;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.config.TestbedParameters;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every value {@code nicsim config} accepts runs: each key at each end of its range (every choice, both booleans)
 * builds the testbed and runs the demo, or is refused before the run by a cross-key rule that names the key. Each
 * cross-key rule is walked too: broken, it is refused naming its keys; at its boundary, it runs.
 */
class EveryValueRunsTest
{
    @Test
    void shouldRunEveryKeyAtBothEndsOfItsRange()
    {
        final List<String> failures = new ArrayList<>();
        for (final Parameter parameter : TestbedParameters.catalog().all())
        {
            for (final String value : extremes(parameter))
            {
                final Settings settings = TestbedParameters.defaults().set(parameter.key(), value);
                try
                {
                    CrossKeyRules.check(settings);
                }
                catch (final ConfigException refused)
                {
                    if (!refused.getMessage().contains(parameter.key()))
                    {
                        failures.add(parameter.key() + "=" + value + " refused without naming the key: " +
                            refused.getMessage());
                    }
                    continue;
                }
                final String problem = runs(settings);
                if (problem != null)
                {
                    failures.add(parameter.key() + "=" + value + ": " + problem);
                }
            }
        }
        if (!failures.isEmpty())
        {
            fail(failures.size() + " accepted values do not run:\n  " + String.join("\n  ", failures));
        }
    }

    @Test
    void shouldRefuseEachBrokenCrossKeyRuleNamingItsKeysAndRunItsBoundary()
    {
        check(List.of("tcp.ephemeral_low=40000", "tcp.ephemeral_high=39999"),
            List.of("tcp.ephemeral_low=40000", "tcp.ephemeral_high=40000"));
        check(List.of("nic.descriptor_prefetch=64"),
            List.of("nic.descriptor_prefetch=64", "nic.descriptor_cache_entries=64"));
        check(List.of("link.rate_gbps=25", "nic.mac_clock_mhz=156.25"),
            List.of("link.rate_gbps=25", "nic.mac_clock_mhz=390.625"));
        check(List.of("link.rate_gbps=100", "nic.mac_datapath_bytes=32"),
            List.of("link.rate_gbps=100", "nic.mac_datapath_bytes=64"));
        check(List.of("host.memory_mib=16", "driver.tx_ring_size=4096", "driver.rx_ring_size=4096"),
            List.of("host.memory_mib=17", "driver.tx_ring_size=4096", "driver.rx_ring_size=4096"));
        check(List.of("driver.queues=3", "nic.queues=2"), List.of("driver.queues=3", "nic.queues=3"));
        // A TSO frame's payload can span two descriptors: with one cache entry the queue waited for ever (0 Gb/s).
        check(List.of("nic.tso=true", "nic.descriptor_cache_entries=1"),
            List.of("nic.tso=true", "nic.descriptor_cache_entries=2", "nic.descriptor_prefetch=2"));
        check(List.of("driver.rss_table=0,1"), List.of("driver.rss_table=0"));
        assertTrue(CrossKeyRules.all().size() == 8, "a new rule needs its own case here (the RSS driver rule's is " +
            "below)");
    }

    @Test
    void rssSettingsAreRefusedForADriverWithoutSetRssAndRunWithOne()
    {
        // A C driver before ABI 3 programs only its own RSS: a table other than that is refused, not ignored.
        final String older = "host.driver=c:ns1-abi2";
        ExternalTool.require(Files.isRegularFile(DriverFactory.library("ns1-abi2")), "C driver ns1-abi2 was not " +
            "built (no gcc when driver/ was compiled?)");
        check(List.of(older, "driver.rss_table=0"), List.of("host.driver=c:ns1", "driver.rss_table=0"));
    }

    private static void check(final List<String> broken, final List<String> boundary)
    {
        final Settings bad = TestbedParameters.defaults();
        broken.forEach(bad::assign);
        try
        {
            CrossKeyRules.check(bad);
            fail(broken + " should break a cross-key rule");
        }
        catch (final ConfigException e)
        {
            for (final String assignment : broken)
            {
                final String key = assignment.substring(0, assignment.indexOf('='));
                assertTrue(e.getMessage().contains(key), e.getMessage() + " should name " + key);
            }
        }
        final Settings good = TestbedParameters.defaults();
        boundary.forEach(good::assign);
        final String problem = runs(good);
        assertTrue(problem == null, boundary + ": " + problem);
    }

    /* Null when the demo ran to an outcome: the daytime string, or an errno a system call reported. */
    private static String runs(final Settings settings)
    {
        try
        {
            DaytimeDemo.measure(settings);
            return null;
        }
        catch (final Syscalls.SyscallException e)
        {
            return null;
        }
        catch (final RuntimeException | Error e)
        {
            return e.toString();
        }
    }

    /* Text has no range: the values at the edges of each text key's form. */
    private static List<String> textValues(final String key)
    {
        return switch (key)
        {
            // The built-in driver and the reference C driver (its library is built with the project).
            case "host.driver" -> List.of("java", "c:ns1");
            case "driver.rss_key" -> List.of("00".repeat(40), "ff".repeat(40));
            case "driver.rss_table" -> List.of("even", "0", "7");
            default -> throw new AssertionError("a new text key needs its values here: " + key);
        };
    }

    private static List<String> extremes(final Parameter parameter)
    {
        return switch (parameter.kind())
        {
            case INTEGER -> List.of(Long.toString((long) parameter.min()), Long.toString((long) parameter.max()));
            case DECIMAL -> List.of(Double.toString(parameter.min()), Double.toString(parameter.max()));
            case BOOLEAN -> List.of("false", "true");
            case CHOICE -> parameter.choices();
            case TEXT -> parameter.perHost() ? List.of() : textValues(parameter.key());
            case ORDINALS -> List.of("", (long) parameter.min() + "," + (long) parameter.max());
        };
    }
}
