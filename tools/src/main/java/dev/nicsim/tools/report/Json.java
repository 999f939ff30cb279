package dev.nicsim.tools.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON for the run summaries: objects keep their insertion order and numbers print the same way every time,
 * so two runs with the same seed give byte-identical files. Values may be strings, numbers, booleans, null, maps
 * (objects) and lists (arrays). {@link #parse} reads JSON back into the same kinds (numbers as Long or Double), for
 * checking files a run wrote (RFC 8259, strictly: anything else is an error naming the offset).
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

    /**
     * Parses one JSON value (with nothing but whitespace after it).
     *
     * @throws IllegalArgumentException at the first character that breaks RFC 8259, naming its offset
     */
    public static Object parse(final String text)
    {
        final Reader reader = new Reader(text);
        final Object value = reader.value();
        reader.skipSpace();
        if (reader.at < text.length())
        {
            throw reader.error("text after the JSON value");
        }
        return value;
    }

    /* A recursive-descent reader over the text. */
    private static final class Reader
    {
        private final String text;
        private int at;

        Reader(final String text)
        {
            this.text = text;
        }

        Object value()
        {
            skipSpace();
            if (at >= text.length())
            {
                throw error("a value expected");
            }
            final char c = text.charAt(at);
            return switch (c)
            {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                case 't' -> word("true", Boolean.TRUE);
                case 'f' -> word("false", Boolean.FALSE);
                case 'n' -> word("null", null);
                default -> number();
            };
        }

        private Map<String, Object> object()
        {
            final Map<String, Object> map = new LinkedHashMap<>();
            at++;
            skipSpace();
            if (peek() == '}')
            {
                at++;
                return map;
            }
            while (true)
            {
                skipSpace();
                if (peek() != '"')
                {
                    throw error("a member name expected");
                }
                final String key = string();
                skipSpace();
                expect(':');
                if (map.put(key, value()) != null)
                {
                    throw error("member '" + key + "' appears twice");
                }
                skipSpace();
                if (peek() == ',')
                {
                    at++;
                    continue;
                }
                expect('}');
                return map;
            }
        }

        private List<Object> array()
        {
            final List<Object> list = new ArrayList<>();
            at++;
            skipSpace();
            if (peek() == ']')
            {
                at++;
                return list;
            }
            while (true)
            {
                list.add(value());
                skipSpace();
                if (peek() == ',')
                {
                    at++;
                    continue;
                }
                expect(']');
                return list;
            }
        }

        private String string()
        {
            at++;
            final StringBuilder out = new StringBuilder();
            while (at < text.length())
            {
                final char c = text.charAt(at++);
                if (c == '"')
                {
                    return out.toString();
                }
                if (c < 0x20)
                {
                    throw error("a control character inside a string");
                }
                if (c != '\\')
                {
                    out.append(c);
                    continue;
                }
                final char escape = at < text.length() ? text.charAt(at++) : '?';
                switch (escape)
                {
                    case '"', '\\', '/' -> out.append(escape);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' ->
                    {
                        if (at + 4 > text.length())
                        {
                            throw error("a cut-off \\u escape");
                        }
                        out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                        at += 4;
                    }
                    default -> throw error("a bad escape \\" + escape);
                }
            }
            throw error("an unterminated string");
        }

        private Object number()
        {
            final int start = at;
            if (peek() == '-')
            {
                at++;
            }
            digits();
            boolean integral = true;
            if (peek() == '.')
            {
                at++;
                digits();
                integral = false;
            }
            if (peek() == 'e' || peek() == 'E')
            {
                at++;
                if (peek() == '+' || peek() == '-')
                {
                    at++;
                }
                digits();
                integral = false;
            }
            final String number = text.substring(start, at);
            if (number.length() > 1 && (number.startsWith("0") && Character.isDigit(number.charAt(1)) ||
                number.startsWith("-0") && number.length() > 2 && Character.isDigit(number.charAt(2))))
            {
                throw error("a number with a leading zero");
            }
            return integral ? (Object) Long.parseLong(number) : (Object) Double.parseDouble(number);
        }

        private void digits()
        {
            final int start = at;
            while (at < text.length() && Character.isDigit(text.charAt(at)))
            {
                at++;
            }
            if (at == start)
            {
                throw error("a digit expected");
            }
        }

        private Object word(final String word, final Object value)
        {
            if (!text.startsWith(word, at))
            {
                throw error("'" + word + "' expected");
            }
            at += word.length();
            return value;
        }

        private void expect(final char c)
        {
            if (peek() != c)
            {
                throw error("'" + c + "' expected");
            }
            at++;
        }

        private char peek()
        {
            return at < text.length() ? text.charAt(at) : '\0';
        }

        void skipSpace()
        {
            while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0)
            {
                at++;
            }
        }

        IllegalArgumentException error(final String what)
        {
            return new IllegalArgumentException("not JSON at offset " + at + ": " + what);
        }
    }
}
