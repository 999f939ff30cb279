package dev.nicsim.tools.cli;

import dev.nicsim.tools.config.Parameter;
import dev.nicsim.tools.config.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Lists every configuration key with its default, unit and meaning, and the value a configuration gives it. */
@Command(name = "config",
    mixinStandardHelpOptions = true,
    description = {"List every configuration key with its default, unit, accepted values and meaning.",
        "With --config/--set, also show the values they give and check them."},
    footer = {"", "Examples:", "  nicsim config", "  nicsim config --set pcie.dma_read_latency_ns=600 --set link.rate_gbps=25"})
final class ConfigCommand implements Runnable
{
    @Mixin
    private SettingsOptions options;

    @Override
    public void run()
    {
        final Settings settings = options.resolve();
        // The catalog is in layer order, and a section's keys can come from two layers (host.driver is the device
        // layer's, host.cores the platform's): each section once, where its first key is.
        final Map<String, List<Parameter>> sections = new LinkedHashMap<>();
        for (final Parameter parameter : settings.catalog().all())
        {
            sections.computeIfAbsent(parameter.key().substring(0, parameter.key().indexOf('.')),
                section -> new ArrayList<>()).add(parameter);
        }
        sections.forEach((section, parameters) ->
        {
            System.out.printf("%n[%s]%n", section);
            parameters.forEach(parameter -> print(settings, parameter));
        });
    }

    private static void print(final Settings settings, final Parameter parameter)
    {
        final String value = (settings.text(parameter.key()) + " " + parameter.unit()).trim();
        final String changed = settings.overrides().containsKey(parameter.key()) ?
            "  [default " + parameter.defaultValue() + "]" : "";
        System.out.printf("  %-30s %-14s %s; %s%s%n", parameter.key(), value, parameter.meaning(),
            parameter.accepted(), changed);
        if (parameter.perHost())
        {
            for (final var override : settings.overrides().entrySet())
            {
                if (settings.catalog().require(override.getKey()) == parameter)
                {
                    System.out.printf("  %-30s %s%n", override.getKey(), override.getValue());
                }
            }
        }
    }
}
