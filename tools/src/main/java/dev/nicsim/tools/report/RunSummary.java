package dev.nicsim.tools.report;

import dev.nicsim.nic.MacClocking;
import dev.nicsim.tools.config.DeviceParameters;
import dev.nicsim.tools.config.Parameter;
import dev.nicsim.tools.config.Settings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The parts every run summary shares ({@code summary.json}, {@code perf.json}, a sweep's rows): nicsim's version, the
 * command, the outcome, and the full effective settings. Keys are snake_case, and a number's unit is in its key
 * ({@code _ps}, {@code _ns}) or, for settings, in the configuration key itself.
 */
public final class RunSummary
{
    private static final String VERSION_RESOURCE = "/dev/nicsim/tools/report/version.txt";
    private static final String VERSION = readVersion();

    private RunSummary()
    {
    }

    /**
     * The head of a summary: {@code nicsim_version}, {@code command}, {@code outcome} ("ok" until
     * {@link #failed(Map, String)}), {@code settings} and {@code derived}. Callers add their results after it.
     */
    public static Map<String, Object> start(final String command, final Settings settings)
    {
        final Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("nicsim_version", VERSION);
        summary.put("command", command);
        summary.put("outcome", "ok");
        summary.put("settings", settings(settings));
        summary.put("derived", derived(settings));
        return summary;
    }

    /** Marks the summary as a failed run: {@code outcome} "failed" and {@code error} saying what ended it. */
    public static void failed(final Map<String, Object> summary, final String error)
    {
        summary.put("outcome", "failed");
        summary.put("error", error);
    }

    /** nicsim's version as {@code git describe} gave it when the tools were built ("unknown" outside a clone). */
    public static String version()
    {
        return VERSION;
    }

    /**
     * Every key's effective value, defaults included, grouped by section ({@code {"pcie": {"lanes": 8}}}): numbers as
     * numbers, booleans as booleans, choices and {@code auto} as strings.
     */
    public static Map<String, Object> settings(final Settings settings)
    {
        final Map<String, Object> sections = new LinkedHashMap<>();
        for (final Parameter parameter : settings.catalog().all())
        {
            if (parameter.perHost())
            {
                continue; // in force only where set: among the overrides below
            }
            final int dot = parameter.key().indexOf('.');
            @SuppressWarnings("unchecked")
            final Map<String, Object> section = (Map<String, Object>) sections.computeIfAbsent(
                parameter.key().substring(0, dot), k -> new LinkedHashMap<String, Object>());
            section.put(parameter.key().substring(dot + 1), typed(parameter, settings.text(parameter.key())));
        }
        settings.overrides().forEach((key, value) ->
        {
            final int dot = key.indexOf('.');
            @SuppressWarnings("unchecked")
            final Map<String, Object> section = (Map<String, Object>) sections.computeIfAbsent(
                key.substring(0, dot), k -> new LinkedHashMap<String, Object>());
            section.putIfAbsent(key.substring(dot + 1), value);
        });
        return sections;
    }

    /** Values the model derived from the settings (hardware that follows the line rate), with their units. */
    public static Map<String, Object> derived(final Settings settings)
    {
        final MacClocking mac = DeviceParameters.mac(settings);
        final Map<String, Object> derived = new LinkedHashMap<>();
        derived.put("mac_clock_period_ps", mac.clockPeriodPs());
        derived.put("mac_datapath_bytes", (long) mac.datapathBytes());
        derived.put("mac_bits_per_second", mac.bitsPerSecond());
        return derived;
    }

    /** A display label as a JSON key: "PCIe/DMA" becomes "pcie_dma", "host CPU" becomes "host_cpu". */
    public static String key(final String label)
    {
        return label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
    }

    private static Object typed(final Parameter parameter, final String value)
    {
        if (parameter.choices().contains(value))
        {
            // A choice among numbers (link.rate_gbps, the widths) is still a number.
            return value.matches("-?[0-9]+") ? (Object) Long.parseLong(value) :
                value.matches("-?[0-9]+\\.[0-9]+") ? (Object) Double.parseDouble(value) : value;
        }
        return switch (parameter.kind())
        {
            case INTEGER -> Long.parseLong(value);
            case DECIMAL -> Double.parseDouble(value);
            case BOOLEAN -> Boolean.parseBoolean(value);
            case CHOICE, TEXT, ORDINALS -> value;
        };
    }

    private static String readVersion()
    {
        try (InputStream in = RunSummary.class.getResourceAsStream(VERSION_RESOURCE))
        {
            if (in == null)
            {
                return "unknown";
            }
            final String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            return text.isEmpty() ? "unknown" : text;
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("reading " + VERSION_RESOURCE, e);
        }
    }
}
