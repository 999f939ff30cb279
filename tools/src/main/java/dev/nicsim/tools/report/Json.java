package dev.nicsim.tools.report;

import java.util.List;
import java.util.Map;

/**
 * Writes JSON for the run summaries: objects keep their insertion order and numbers print the same way every time,
 * so two runs with the same seed give byte-identical files. Values may be strings, numbers, booleans, null, maps
 * (objects) and lists (arrays).
 */
public final class Json
{
    private Json()
    {
    }

    /** The value as pretty-printed JSON with two-space indentation and a final newline. */
    public static String write(final Object value)
    {
        final StringBuilder out = new StringBuilder();
        append(out, value, 0);
        return out.append('\n').toString();
    }

    private static void append(final StringBuilder out, final Object value, final int depth)
    {
        switch (value)
        {
            case null -> out.append("null");
            case String text -> quote(out, text);
            case Boolean flag -> out.append(flag);
            case Long number -> out.append(number);
            case Integer number -> out.append(number);
            case Double number -> out.append(finite(number));
            case Map<?, ?> map -> object(out, map, depth);
            case List<?> list -> array(out, list, depth);
            default -> throw new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as JSON");
        }
    }

    private static String finite(final double number)
    {
        if (!Double.isFinite(number))
        {
            throw new IllegalArgumentException("JSON has no " + number);
        }
        return number == Math.rint(number) && Math.abs(number) < 1e15 ? Long.toString((long) number) :
            Double.toString(number);
    }

    private static void object(final StringBuilder out, final Map<?, ?> map, final int depth)
    {
        if (map.isEmpty())
        {
            out.append("{}");
            return;
        }
        out.append("{\n");
        int index = 0;
        for (final Map.Entry<?, ?> entry : map.entrySet())
        {
            indent(out, depth + 1);
            quote(out, String.valueOf(entry.getKey()));
            out.append(": ");
            append(out, entry.getValue(), depth + 1);
            out.append(++index < map.size() ? ",\n" : "\n");
        }
        indent(out, depth);
        out.append('}');
    }

    private static void array(final StringBuilder out, final List<?> list, final int depth)
    {
        if (list.isEmpty())
        {
            out.append("[]");
            return;
        }
        out.append("[\n");
        for (int i = 0; i < list.size(); i++)
        {
            indent(out, depth + 1);
            append(out, list.get(i), depth + 1);
            out.append(i + 1 < list.size() ? ",\n" : "\n");
        }
        indent(out, depth);
        out.append(']');
    }

    private static void indent(final StringBuilder out, final int depth)
    {
        out.append("  ".repeat(depth));
    }

    private static void quote(final StringBuilder out, final String text)
    {
        out.append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        out.append(String.format("\\u%04x", (int) c));
                    }
                    else
                    {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
