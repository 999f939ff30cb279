package dev.nicsim.tools.cli;

import dev.nicsim.tools.config.Settings;
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

    /** The settings these options describe; throws ConfigException on any bad key or value. */
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
        return settings;
    }
}
