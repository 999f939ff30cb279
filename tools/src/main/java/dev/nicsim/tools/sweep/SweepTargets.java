package dev.nicsim.tools.sweep;

import dev.nicsim.tools.config.ConfigException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The targets a sweep can run, by the word that names them on the command line. Each has a factory that gets the
 * words after its name (a perf test's name and options, say) and rejects bad ones with a {@link ConfigException}.
 * The command line builds the registry ({@link #builtIn()} plus its own, e.g. perf, whose options it parses), so a
 * new target is one {@link #with} call.
 */
public final class SweepTargets
{
    /** The target when none is named. */
    public static final String DEFAULT = DemoTarget.NAME;

    private final Map<String, Function<List<String>, SweepTarget>> factories;

    private SweepTargets(final Map<String, Function<List<String>, SweepTarget>> factories)
    {
        this.factories = Map.copyOf(factories);
    }

    /** The targets this package implements: the demo. */
    public static SweepTargets builtIn()
    {
        return new SweepTargets(Map.of(DemoTarget.NAME, DemoTarget::parse));
    }

    /** These targets and one more. */
    public SweepTargets with(final String name, final Function<List<String>, SweepTarget> factory)
    {
        final Map<String, Function<List<String>, SweepTarget>> more = new LinkedHashMap<>(factories);
        if (more.put(name, factory) != null)
        {
            throw new IllegalArgumentException("sweep target '" + name + "' is registered twice");
        }
        return new SweepTargets(more);
    }

    /**
     * The target that {@code words} name: the first word picks it (none: the demo), the rest are its own arguments.
     *
     * @throws ConfigException for an unknown target or arguments it rejects
     */
    public SweepTarget parse(final List<String> words)
    {
        if (words.isEmpty())
        {
            return parse(List.of(DEFAULT));
        }
        final Function<List<String>, SweepTarget> factory = factories.get(words.get(0));
        if (factory == null)
        {
            throw new ConfigException("unknown sweep target '" + words.get(0) + "': choose one of " +
                String.join(", ", factories.keySet().stream().sorted().toList()));
        }
        return factory.apply(List.copyOf(words.subList(1, words.size())));
    }
}
