package dev.nicsim.tools.config;

import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * Rules between keys that no single key's range can express. They are checked before a testbed is built, so a
 * combination that cannot work fails at once with the keys named, not in the middle of a run.
 */
public final class CrossKeyRules
{
    /** One rule: the keys it relates, what it demands, and the test. */
    public record Rule(List<String> keys, String demand, Predicate<Settings> holds)
    {
    }

    private static final List<Rule> RULES = List.of(
        new Rule(List.of(StackParameters.EPHEMERAL_LOW, StackParameters.EPHEMERAL_HIGH),
            StackParameters.EPHEMERAL_LOW + " <= " + StackParameters.EPHEMERAL_HIGH,
            s -> s.integer(StackParameters.EPHEMERAL_LOW) <= s.integer(StackParameters.EPHEMERAL_HIGH)),
        new Rule(List.of(DeviceParameters.NIC_TSO, DeviceParameters.NIC_CACHE),
            "with " + DeviceParameters.NIC_TSO + ", " + DeviceParameters.NIC_CACHE + " >= 2 (a frame's payload can " +
                "span two of the drivers' 16 KiB TSO descriptors, which the cache must hold at once: datasheet §4.3)",
            s -> !s.bool(DeviceParameters.NIC_TSO) || s.integer(DeviceParameters.NIC_CACHE) >= 2),
        new Rule(List.of(DeviceParameters.NIC_PREFETCH, DeviceParameters.NIC_CACHE),
            DeviceParameters.NIC_PREFETCH + " <= " + DeviceParameters.NIC_CACHE + " (a fetch lands in the cache)",
            s -> s.integer(DeviceParameters.NIC_PREFETCH) <= s.integer(DeviceParameters.NIC_CACHE)),
        new Rule(List.of(DeviceParameters.NIC_MAC_CLOCK, DeviceParameters.NIC_MAC_WIDTH, PlatformParameters.LINK_RATE),
            DeviceParameters.NIC_MAC_CLOCK + " x " + DeviceParameters.NIC_MAC_WIDTH + " x 8 >= " +
                PlatformParameters.LINK_RATE + " (the MAC keeps up with the wire; 'auto' picks a real MAC's values)",
            s -> DeviceParameters.mac(s).bitsPerSecond() >= PlatformParameters.ethernet(s).bitsPerSecond()),
        new Rule(List.of(DeviceParameters.DRIVER_QUEUES, DeviceParameters.NIC_QUEUES),
            DeviceParameters.DRIVER_QUEUES + " <= " + DeviceParameters.NIC_QUEUES + " (the driver uses queues the NIC " +
                "has)",
            s -> s.integer(DeviceParameters.DRIVER_QUEUES) <= s.integer(DeviceParameters.NIC_QUEUES)),
        new Rule(List.of(DeviceParameters.DRIVER_RSS_TABLE, DeviceParameters.DRIVER_QUEUES),
            "every " + DeviceParameters.DRIVER_RSS_TABLE + " entry < " + DeviceParameters.DRIVER_QUEUES + " (the " +
                "table names RX queues the driver uses)",
            s -> DeviceParameters.rssTable(s).map(table -> Arrays.stream(table)
                .allMatch(queue -> queue < s.integer(DeviceParameters.DRIVER_QUEUES))).orElse(true)),
        // A C driver before ABI 3 (or without set_rss) and a provider's Java driver program only their own RSS:
        // refused rather than silently left at the driver's own.
        new Rule(List.of(DeviceParameters.DRIVER_RSS_KEY, DeviceParameters.DRIVER_RSS_TABLE,
            DeviceParameters.HOST_DRIVER, DeviceParameters.HOST_DRIVER_PER_HOST),
            DeviceParameters.DRIVER_RSS_KEY + " and " + DeviceParameters.DRIVER_RSS_TABLE + " keep their defaults " +
                "unless every host's driver (" + DeviceParameters.HOST_DRIVER + ", host.NAME.driver) takes them: " +
                "the built-in driver, or a C driver of ABI 3 or later with set_rss",
            s -> !DeviceParameters.rssChanged(s) || DeviceParameters.everyDriverProgramsRss(s)),
        new Rule(List.of(PlatformParameters.HOST_MEMORY, DeviceParameters.DRIVER_TX_RING,
            DeviceParameters.DRIVER_RX_RING, DeviceParameters.DRIVER_QUEUES, DeviceParameters.NIC_TSO),
            PlatformParameters.HOST_MEMORY + " holds the driver's rings and their 2 KiB buffers (each ring size x " +
                "(16 + 2048) bytes, in 4 KiB pages), per queue pair, and with TSO 8 x 64.1 KiB TSO buffers per queue",
            s -> s.integer(PlatformParameters.HOST_MEMORY) << 20 >= DeviceParameters.driver(s).hostMemoryBytes()));

    private CrossKeyRules()
    {
    }

    public static List<Rule> all()
    {
        return RULES;
    }

    /**
     * Checks every rule.
     *
     * @throws ConfigException naming the rule's keys, their values and what the rule demands
     */
    public static void check(final Settings settings)
    {
        for (final Rule rule : RULES)
        {
            if (!rule.holds().test(settings))
            {
                final StringBuilder values = new StringBuilder();
                for (final String key : rule.keys())
                {
                    if (key.contains(Parameter.HOST_PLACEHOLDER))
                    {
                        // A per-host key: the hosts' own values that are set, by their names.
                        settings.overrides().forEach((name, value) -> {
                            if (!value.isEmpty() && settings.catalog().require(name).key().equals(key))
                            {
                                values.append(values.isEmpty() ? "" : ", ").append(name).append('=').append(value);
                            }
                        });
                        continue;
                    }
                    values.append(values.isEmpty() ? "" : ", ").append(key).append('=').append(settings.text(key));
                }
                throw new ConfigException("settings that cannot work together: " + values + "; the rule is " +
                    rule.demand());
            }
        }
    }

}
