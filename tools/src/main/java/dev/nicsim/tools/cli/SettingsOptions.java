package dev.nicsim.tools.cli;

import dev.nicsim.tools.config.CrossKeyRules;
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

    /** The settings these options describe, checked against the cross-key rules; throws ConfigException. */
    Settings resolve()
    {
        final Settings settings = unchecked(assignments);
        CrossKeyRules.check(settings);
        return settings;
    }

    /** The --set assignments as given, for a command that gives some of them a meaning of its own (sweep). */
    List<String> assignments()
    {
        return List.copyOf(assignments);
    }

    /**
     * The --config file's settings with {@code chosen} assignments applied after it, each value checked but not the
     * rules between keys: a sweep checks those for each point, with its swept values.
     */
    Settings unchecked(final List<String> chosen)
    {
        final Settings settings = TestbedParameters.defaults();
        if (configFile != null)
        {
            settings.load(configFile);
        }
        for (final String assignment : chosen)
        {
            settings.assign(assignment);
        }
        return settings;
    }
}
