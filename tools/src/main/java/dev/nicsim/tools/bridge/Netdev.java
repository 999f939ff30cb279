package dev.nicsim.tools.bridge;

import dev.nicsim.stack.wire.Ipv4Address;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A bridge to the outside, described as QEMU describes its network back-ends:
 * <pre>
 *   tap,ifname=nsim0
 *   serial,path=/dev/ttyUSB0[,baud=115200][,framing=ip|ethernet][,board=10.0.0.200][,mtu=1500]
 * </pre>
 */
public sealed interface Netdev
{
    /** The kernel through TAP interface {@code ifname} (created, or attached to if it exists). */
    record Tap(String ifname) implements Netdev
    {
    }

    /** A dev board on a serial line. */
    record Serial(SerialLine line) implements Netdev
    {
    }

    /**
     * Parses a spec.
     *
     * @throws IllegalArgumentException naming the part that is wrong and what it should be
     */
    static Netdev parse(final String spec)
    {
        final String[] parts = spec.split(",", -1);
        final Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++)
        {
            final int equals = parts[i].indexOf('=');
            if (equals <= 0 || options.put(parts[i].substring(0, equals), parts[i].substring(equals + 1)) != null)
            {
                throw new IllegalArgumentException("netdev '" + spec + "': '" + parts[i] + "' is not a KEY=VALUE " +
                    "given once");
            }
        }
        return switch (parts[0])
        {
            case "tap" -> tap(spec, options);
            case "serial" -> serial(spec, options);
            default -> throw new IllegalArgumentException("netdev '" + spec + "' must start with tap or serial, e.g. " +
                "tap,ifname=nsim0 or serial,path=/dev/ttyUSB0,baud=115200,framing=ip");
        };
    }

    private static Netdev tap(final String spec, final Map<String, String> options)
    {
        only(spec, options, Set.of("ifname"));
        final String ifname = options.get("ifname");
        if (ifname == null)
        {
            throw new IllegalArgumentException("netdev '" + spec + "' needs ifname=NAME, e.g. tap,ifname=nsim0");
        }
        return new Tap(ifname);
    }

    private static Netdev serial(final String spec, final Map<String, String> options)
    {
        only(spec, options, Set.of("path", "baud", "framing", "board", "mtu"));
        final String path = options.get("path");
        if (path == null)
        {
            throw new IllegalArgumentException("netdev '" + spec + "' needs path=DEVICE, e.g. " +
                "serial,path=/dev/ttyUSB0");
        }
        try
        {
            SerialLine line = SerialLine.of(path);
            if (options.containsKey("baud"))
            {
                line = line.withBaud(Integer.parseInt(options.get("baud")));
            }
            if (options.containsKey("framing"))
            {
                line = line.withFraming(SerialFraming.parse(options.get("framing")));
            }
            if (options.containsKey("board"))
            {
                line = line.withBoardAddress(Ipv4Address.parse(options.get("board")));
            }
            if (options.containsKey("mtu"))
            {
                line = line.withMtu(Integer.parseInt(options.get("mtu")));
            }
            return new Serial(line);
        }
        catch (final IllegalArgumentException e)
        {
            throw new IllegalArgumentException("netdev '" + spec + "': " + e.getMessage(), e);
        }
    }

    private static void only(final String spec, final Map<String, String> options, final Set<String> known)
    {
        for (final String key : options.keySet())
        {
            if (!known.contains(key))
            {
                throw new IllegalArgumentException("netdev '" + spec + "': unknown key '" + key + "'; known: " +
                    String.join(", ", known.stream().sorted().toList()));
            }
        }
    }
}
