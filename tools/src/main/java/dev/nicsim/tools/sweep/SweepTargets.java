package dev.nicsim.tools.sweep;

import dev.nicsim.tools.config.ConfigException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The targets a sweep can run, by the word that names them on the command line. A new target is one entry in
 * {@link #FACTORIES}: its factory gets the words after its name (a perf test's name and options, say) and rejects
 * bad ones with a {@link ConfigException}.
 */
public final class SweepTargets
{
    /** The target when none is named. */
    public static final String DEFAULT = DemoTarget.NAME;

    private static final Map<String, Function<List<String>, SweepTarget>> FACTORIES = new LinkedHashMap<>();

    static
    {
        FACTORIES.put(DemoTarget.NAME, arguments ->
        {
            if (!arguments.isEmpty())
            {
                throw new ConfigException("the demo target takes no arguments, got " + arguments);
            }
            return new DemoTarget();
        });
    }

    private SweepTargets()
    {
    }

    /**
     * The target that {@code words} name: the first word picks it (none: the demo), the rest are its own arguments.
     *
     * @throws ConfigException for an unknown target or arguments it rejects
     */
    public static SweepTarget parse(final List<String> words)
    {
        if (words.isEmpty())
        {
            return parse(List.of(DEFAULT));
        }
        final Function<List<String>, SweepTarget> factory = FACTORIES.get(words.get(0));
        if (factory == null)
        {
            throw new ConfigException("unknown sweep target '" + words.get(0) + "': choose one of " +
                String.join(", ", FACTORIES.keySet()));
        }
        return factory.apply(List.copyOf(words.subList(1, words.size())));
    }

    /** The names of the targets, for help and messages. */
    public static List<String> names()
    {
        return List.copyOf(FACTORIES.keySet());
    }
}
