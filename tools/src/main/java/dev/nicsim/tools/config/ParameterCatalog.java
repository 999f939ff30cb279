package dev.nicsim.tools.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every parameter the testbed knows, in a stable order (layer by layer). Lookups of unknown keys fail with the
 * closest known key, so a typo gets a useful answer.
 */
public final class ParameterCatalog
{
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();

    public ParameterCatalog(final List<Parameter> parameters)
    {
        for (final Parameter parameter : parameters)
        {
            if (this.parameters.put(parameter.key(), parameter) != null)
            {
                throw new IllegalArgumentException("parameter " + parameter.key() + " is declared twice");
            }
            parameter.canonical(parameter.defaultValue());
        }
    }

    public List<Parameter> all()
    {
        return Collections.unmodifiableList(new ArrayList<>(parameters.values()));
    }

    /**
     * The parameter for {@code key}.
     *
     * @throws ConfigException naming the closest known key
     */
    public Parameter require(final String key)
    {
        final Parameter parameter = parameters.getOrDefault(key, parameters.get(perHostTemplate(key)));
        if (parameter == null)
        {
            throw new ConfigException("unknown configuration key '" + key + "'; did you mean '" + closest(key) +
                "'? (run 'nicsim config' to list every key)");
        }
        return parameter;
    }

    /** {@code host.B.driver} -> {@code host.<host>.driver}: the template a per-host key is an instance of. */
    private static String perHostTemplate(final String key)
    {
        final String[] parts = key.split("\\.", 3);
        return parts.length == 3 && parts[1].length() == 1 && parts[1].charAt(0) >= 'A' && parts[1].charAt(0) <= 'Z' ?
            parts[0] + "." + Parameter.HOST_PLACEHOLDER + "." + parts[2] : key;
    }

    /** The known key with the smallest edit distance to {@code key}. */
    public String closest(final String key)
    {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (final String candidate : parameters.keySet())
        {
            final int distance = editDistance(key, candidate);
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    /* Levenshtein distance, two rows. */
    private static int editDistance(final String a, final String b)
    {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++)
            {
                final int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            final int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
