package dev.nicsim.stack.kernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Expands the scenario table ({@code src/test/resources/kernel/api-scenarios.txt}: servers, states, calls, address
 * classes, the crosses over them and the combinations skipped) into the flat script that both runners execute: {@code api_runner.c} on the
 * kernel and {@link NicsimApiRunner} on nicsim. Each scenario gets ports of its own, so no scenario sees another's
 * listener, TIME_WAIT or bound port.
 */
final class ApiScript
{
    /** The first port of each placeholder range; scenario {@code i} uses base + i (all below the ephemeral range). */
    private static final int OPEN_BASE = 2000;
    private static final int CLOSED_BASE = 12000;
    private static final int BIND_BASE = 22000;
    /**
     * The host numbers $nowhere takes in 10.0.0.0/24: none answers ARP. Each scenario that uses it gets the next one,
     * so no two share a neighbour entry (a kernel entry a scenario left FAILED fails the next connect to it at once).
     */
    private static final int NOWHERE_FIRST = 10;
    private static final int NOWHERE_COUNT = 240;

    private final Map<String, String> servers = new LinkedHashMap<>();
    private final Map<String, String> states = new LinkedHashMap<>();
    private final Map<String, String> calls = new LinkedHashMap<>();
    private final Map<String, String[]> addresses = new LinkedHashMap<>();
    private final List<String> script = new ArrayList<>();
    /** Crosses may overlap: a combination named twice is one scenario. A skipped one is named in advance. */
    private final Set<String> names = new HashSet<>();
    private int scenarios;
    private int nowheres;

    private ApiScript()
    {
    }

    /** The script of {@code table}'s lines; {@link #scenarios()} of it counts its scenarios. */
    static ApiScript expand(final List<String> table)
    {
        final ApiScript expanded = new ApiScript();
        final List<String> crosses = new ArrayList<>();
        for (final String raw : table)
        {
            final String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            if (line.startsWith("cross "))
            {
                crosses.add(line);
                continue;
            }
            if (line.startsWith("skip "))
            {
                expanded.names.add(line.substring("skip ".length()).strip());
                continue;
            }
            final int colon = line.indexOf(':');
            if (colon < 0)
            {
                throw new IllegalArgumentException("not a table line: " + line);
            }
            final String[] head = line.substring(0, colon).split(" ");
            final String body = line.substring(colon + 1).strip();
            switch (head[0])
            {
                case "server" -> expanded.servers.put(head[1], body);
                case "state" -> expanded.states.put(head[1] + " " + head[2], body);
                case "call" -> expanded.calls.put(head[1], body);
                case "address" -> expanded.addresses.put(head[1], body.split(" "));
                default -> throw new IllegalArgumentException("unknown table line: " + line);
            }
        }
        for (final String cross : crosses)
        {
            expanded.cross(cross);
        }
        return expanded;
    }

    List<String> lines()
    {
        return script;
    }

    int scenarios()
    {
        return scenarios;
    }

    private void cross(final String line)
    {
        final Map<String, List<String>> values = new LinkedHashMap<>();
        for (final String field : line.substring("cross ".length()).split(" "))
        {
            final String[] pair = field.split("=");
            values.put(pair[0], Arrays.asList(pair[1].split(",")));
        }
        for (final String route : values.get("route"))
        {
            script.add("route " + route);
            for (final String proto : values.get("proto"))
            {
                for (final String mode : values.get("mode"))
                {
                    for (final String state : all(values.get("state"), stateNames(proto)))
                    {
                        for (final String call : all(values.get("call"), List.copyOf(calls.keySet())))
                        {
                            final boolean takesAddress = calls.get(call).contains("$addr") ||
                                calls.get(call).contains("$ip");
                            final List<String> classes = takesAddress ?
                                all(values.get("address"), List.copyOf(addresses.keySet())) : List.of("peer");
                            for (final String address : classes)
                            {
                                scenario(proto, mode, route, state, call, takesAddress ? address : null);
                            }
                        }
                    }
                }
            }
        }
    }

    private List<String> stateNames(final String proto)
    {
        final List<String> names = new ArrayList<>();
        for (final String key : states.keySet())
        {
            if (key.startsWith(proto + " "))
            {
                names.add(key.substring(proto.length() + 1));
            }
        }
        return names;
    }

    private static List<String> all(final List<String> named, final List<String> defined)
    {
        return named.equals(List.of("*")) ? defined : named;
    }

    private void scenario(final String proto, final String mode, final String route, final String state,
        final String call, final String address)
    {
        final String name = proto + "-" + mode + "-route-" + route + "-" + state + "-" + call +
            (address == null ? "" : "-" + address);
        if (!states.containsKey(proto + " " + state) || !names.add(name))
        {
            return;
        }
        final int index = scenarios++;
        final String[] target = addresses.get(address == null ? "peer" : address);
        final boolean nonblocking = mode.equals("nonblock");
        final Map<String, String> values = new LinkedHashMap<>();
        values.put("$addr", target[0] + ":" + target[1]);
        values.put("$ip", target[0]);
        values.put("$open", Integer.toString(OPEN_BASE + index));
        values.put("$closed", Integer.toString(CLOSED_BASE + index));
        values.put("$bind", Integer.toString(BIND_BASE + index));
        values.put("$nb", nonblocking ? "nonblock" : "");
        values.put("$proto", proto);
        final List<String> steps = new ArrayList<>();
        steps.addAll(split(servers.get(proto)));
        steps.add("socket s a " + proto + (nonblocking ? " nonblock" : ""));
        if (!nonblocking)
        {
            steps.add("setsockopt s SO_RCVTIMEO 50");
            steps.add("setsockopt s SO_SNDTIMEO 50");
        }
        steps.addAll(stateSteps(proto, state));
        steps.addAll(split(calls.get(call)));
        steps.add("settle 5");
        steps.add("poll s IN|OUT|RDHUP 0");
        steps.add("getsockopt s SO_ERROR");
        if (String.join(";", steps).contains("$nowhere"))
        {
            if (nowheres == NOWHERE_COUNT)
            {
                throw new IllegalStateException("more than " + NOWHERE_COUNT + " scenarios need an address nobody has");
            }
            values.put("$nowhere", "10.0.0." + (NOWHERE_FIRST + nowheres++));
        }
        script.add("scenario " + name);
        for (final String step : steps)
        {
            String text = step;
            for (final Map.Entry<String, String> value : values.entrySet())
            {
                text = text.replace(value.getKey(), value.getValue());
            }
            script.add(text.strip());
        }
    }

    private List<String> stateSteps(final String proto, final String state)
    {
        final List<String> steps = new ArrayList<>();
        for (final String step : split(states.get(proto + " " + state)))
        {
            if (step.startsWith("@"))
            {
                steps.addAll(stateSteps(proto, step.substring(1)));
            }
            else
            {
                steps.add(step);
            }
        }
        return steps;
    }

    private static List<String> split(final String steps)
    {
        final List<String> list = new ArrayList<>();
        for (final String step : steps.split(";"))
        {
            if (!step.isBlank())
            {
                list.add(step.strip());
            }
        }
        return list;
    }
}
