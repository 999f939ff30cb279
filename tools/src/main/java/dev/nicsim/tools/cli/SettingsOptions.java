package dev.nicsim.tools.cli;

import dev.nicsim.tools.config.ConfigException;
import dev.nicsim.tools.config.CrossKeyRules;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.demo.Sweep;
import dev.nicsim.tools.config.TestbedParameters;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The options every command that builds a testbed shares: a properties file and individual overrides. */
final class SettingsOptions
{
    @Option(names = "--config", paramLabel = "FILE",
        description = "Properties file of key=value settings (keys: 'nicsim config').")
    private Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
        description = "Override one setting; repeatable; applied after --config.")
    private List<String> assignments = new ArrayList<>();

    /** The settings these options describe, checked against the cross-key rules; throws ConfigException. */
    Settings resolve()
    {
        final Settings settings = TestbedParameters.defaults();
        if (configFile != null)
        {
            settings.load(configFile);
        }
        for (final String assignment : assignments)
        {
            settings.assign(assignment);
        }
        CrossKeyRules.check(settings);
        return settings;
    }

    /**
     * The settings for a sweep: exactly one {@code --set} gives a comma-separated list of values (the swept key);
     * the others are applied as usual. Every value is checked before anything runs.
     *
     * @throws ConfigException unless exactly one key is swept, or for any bad key or value
     */
    Sweep.Plan sweep()
    {
        final List<String> fixed = new ArrayList<>();
        String swept = null;
        for (final String assignment : assignments)
        {
            if (assignment.indexOf(',') >= 0)
            {
                if (swept != null)
                {
                    throw new ConfigException("sweep one key at a time: both '" + swept + "' and '" + assignment +
                        "' list several values");
                }
                swept = assignment;
            }
            else
            {
                fixed.add(assignment);
            }
        }
        if (swept == null)
        {
            throw new ConfigException("say what to sweep: --set KEY=V1,V2,... (e.g. --set " +
                "pcie.dma_read_latency_ns=400,500,600)");
        }
        final int equals = swept.indexOf('=');
        if (equals <= 0)
        {
            throw new ConfigException("'" + swept + "' is not an assignment: write KEY=V1,V2,...");
        }
        final Settings base = TestbedParameters.defaults();
        if (configFile != null)
        {
            base.load(configFile);
        }
        for (final String assignment : fixed)
        {
            base.assign(assignment);
        }
        final String key = swept.substring(0, equals).trim();
        final List<String> values = new ArrayList<>();
        for (final String value : swept.substring(equals + 1).split(",", -1))
        {
            final Settings point = base.copy().set(key, value);
            CrossKeyRules.check(point);
            values.add(point.text(key));
        }
        return new Sweep.Plan(base, key, values);
    }
}
