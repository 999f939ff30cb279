package dev.nicsim.stack.kernel;

import dev.nicsim.stack.conformance.SegmentSpec;
import dev.nicsim.stack.wire.Bytes;
import dev.nicsim.stack.wire.Checksum;
import dev.nicsim.stack.wire.Ipv4Address;
import dev.nicsim.stack.wire.Ipv4Packet;
import dev.nicsim.stack.wire.TcpSegment;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The segment-level scenarios ({@code src/test/resources/kernel/segment-scenarios.txt}) compiled into timed steps that
 * {@code segment_runner.c} runs on the kernel and {@link NicsimSegmentRunner} on nicsim (the step syntax is in the C
 * file's header). The system under test (SUT) is 10.0.0.1, the scripted peer 10.0.0.2.
 *
 * <h2>The scenario file</h2>
 * <pre>
 * scenario NAME: what it shows
 *   subsets KEY: label=option | label=option ...   one scenario per subset (NAME-label-label.., or NAME-none);
 *                                                   $KEY is the subset's options joined by commas, $ts the
 *                                                   timestamp option when the subset has "TS", else nothing
 *   TIME STEP                                       TIME in ms: absolute, or +ms after the previous step
 *   0    listen | connect                           the SUT listens on 8080, or connects to the peer (40000)
 *   +10  &lt; S 0:0(0) win 65535 &lt;mss 1460,TS val 100 ecr 0&gt;  the peer sends (packetdrill syntax, peer ISN 0,
 *                                                   ack relative to the SUT's ISN, ecr * echoes its last TSval)
 *   +10  accept | send N [more] | recv N | close | shutdown-wr | abort | so-error | setsockopt NAME V | sysctl NAME V
 *   +500 end                                        recording stops
 *   differs: why                                    a known difference, with its reason: the test shows it and
 *                                                   fails once it is gone, so that the line goes too
 * </pre>
 */
final class SegmentScript
{
    static final int SUT = Ipv4Address.parse("10.0.0.1");
    static final int PEER = Ipv4Address.parse("10.0.0.2");
    static final int LISTEN_PORT = 8080;
    static final int PEER_PORT = 40000;
    /** The peer's packets have no IP options. */
    static final int IP_HEADER = 20;

    /**
     * One scenario: its name, what it shows, the steps, and the reason nicsim is known to differ from the kernel in
     * it (a {@code differs:} line), or null.
     */
    record Scenario(String name, String description, List<String> steps, String knownDifference)
    {
        /** The steps file for segment_runner.c. */
        List<String> runnerLines()
        {
            final List<String> lines = new ArrayList<>();
            lines.add("ports " + (listens() ? LISTEN_PORT : 0) + " " + PEER_PORT);
            lines.addAll(steps);
            return lines;
        }

        boolean listens()
        {
            return steps.stream().anyMatch(step -> step.split(" ")[2].equals("listen"));
        }
    }

    private SegmentScript()
    {
    }

    static List<Scenario> parse(final List<String> file)
    {
        final List<Scenario> scenarios = new ArrayList<>();
        String header = null;
        final List<String> body = new ArrayList<>();
        for (final String raw : file)
        {
            final String line = raw.strip();
            if (line.startsWith("#"))
            {
                continue;
            }
            if (line.startsWith("scenario "))
            {
                expand(header, body, scenarios);
                header = line.substring("scenario ".length());
                body.clear();
            }
            else if (!line.isEmpty())
            {
                if (header == null)
                {
                    throw new IllegalArgumentException("step before any scenario: " + line);
                }
                body.add(line);
            }
        }
        expand(header, body, scenarios);
        return scenarios;
    }

    private static void expand(final String header, final List<String> body, final List<Scenario> into)
    {
        if (header == null)
        {
            return;
        }
        final int colon = header.indexOf(':');
        final String name = header.substring(0, colon).strip();
        final String description = header.substring(colon + 1).strip();
        final List<String> steps = body.stream().filter(line -> !line.startsWith("subsets ") &&
            !line.startsWith("differs:")).toList();
        final String differs = body.stream().filter(line -> line.startsWith("differs:"))
            .map(line -> line.substring("differs:".length()).strip()).findFirst().orElse(null);
        final List<String> subsets = body.stream().filter(line -> line.startsWith("subsets ")).toList();
        if (subsets.isEmpty())
        {
            into.add(compile(name, description, steps, Map.of(), differs));
            return;
        }
        final String spec = subsets.get(0).substring("subsets ".length());
        final String key = spec.substring(0, spec.indexOf(':')).strip();
        final Map<String, String> options = new LinkedHashMap<>();
        for (final String item : spec.substring(spec.indexOf(':') + 1).split("\\|"))
        {
            options.put(item.substring(0, item.indexOf('=')).strip(), item.substring(item.indexOf('=') + 1).strip());
        }
        final List<String> labels = List.copyOf(options.keySet());
        for (int mask = 0; mask < 1 << labels.size(); mask++)
        {
            final List<String> chosen = new ArrayList<>();
            final List<String> values = new ArrayList<>();
            for (int i = 0; i < labels.size(); i++)
            {
                if ((mask & 1 << i) != 0)
                {
                    chosen.add(labels.get(i));
                    values.add(options.get(labels.get(i)));
                }
            }
            final boolean timestamps = values.stream().anyMatch(value -> value.startsWith("TS "));
            final Map<String, String> placeholders = Map.of("$" + key, String.join(",", values),
                "$ts", timestamps ? "nop,nop,TS val 101 ecr *" : "");
            into.add(compile(name + "-" + (chosen.isEmpty() ? "none" : String.join("-", chosen)),
                description + " (" + key + ": " + (chosen.isEmpty() ? "none" : String.join(", ", chosen)) + ")",
                steps, placeholders, differs));
        }
    }

    private static Scenario compile(final String name, final String description, final List<String> lines,
        final Map<String, String> placeholders, final String differs)
    {
        final List<String> steps = new ArrayList<>();
        long previousMs = 0;
        for (final String raw : lines)
        {
            String line = raw;
            for (final Map.Entry<String, String> placeholder : placeholders.entrySet())
            {
                line = line.replace(placeholder.getKey(), placeholder.getValue());
            }
            line = line.replace(" <>", "");
            final int space = line.indexOf(' ');
            final String time = space < 0 ? line : line.substring(0, space);
            final String step = space < 0 ? "" : line.substring(space + 1).strip();
            final double ms = Double.parseDouble(time.startsWith("+") ? time.substring(1) : time);
            final double at = time.startsWith("+") ? previousMs + ms : ms;
            if (at < previousMs)
            {
                throw new IllegalArgumentException(name + ": time goes back at " + raw);
            }
            previousMs = Math.round(at);
            if (step.startsWith("sysctl") && at != 0)
            {
                throw new IllegalArgumentException(name + ": a sysctl must come at time 0: " + raw);
            }
            final long us = Math.round(at * 1000);
            steps.add("at " + us + " " + (step.startsWith("<") ? inject(step.substring(1).strip()) : step));
        }
        if (steps.isEmpty() || !steps.get(steps.size() - 1).endsWith(" end"))
        {
            throw new IllegalArgumentException(name + ": the last step must be `end`");
        }
        return new Scenario(name, description, steps, differs);
    }

    /** "inject ECHO HEX": the peer's IPv4 packet, destination port and ACK offset patched by the runner. */
    private static String inject(final String segment)
    {
        final MemorySegment buffer = Arena.ofAuto().allocate(2048);
        final int tcpLength = SegmentSpec.parse(segment).emit(buffer, IP_HEADER, PEER_PORT, LISTEN_PORT,
            0, 0);
        final Ipv4Packet ip = new Ipv4Packet();
        ip.wrap(buffer, 0, IP_HEADER + tcpLength);
        ip.emit(0, IP_HEADER + tcpLength, 0, 0, 64, Ipv4Packet.PROTOCOL_TCP, PEER, SUT);
        final boolean echo = segment.matches(".*ecr \\*.*");
        final byte[] bytes = buffer.asSlice(0, IP_HEADER + tcpLength).toArray(ValueLayout.JAVA_BYTE);
        return "inject " + (echo ? 1 : 0) + " " + HexFormat.of().formatHex(bytes);
    }

    /**
     * Makes an injected packet ready for the SUT, as segment_runner.c does: the SUT's port as destination, the ACK
     * number and SACK blocks moved by the SUT's ISN (when ACK is set), TS ecr the SUT's last TSval (when
     * {@code echo}), checksum.
     */
    static void patch(final MemorySegment packet, final int length, final int sutPort, final int sutIsn,
        final boolean echo, final int lastTsVal)
    {
        final int header = (Bytes.u8(packet, 0) & 0xF) * 4;
        Bytes.put16(packet, header + TcpSegment.DESTINATION_PORT, sutPort);
        if ((Bytes.u8(packet, header + TcpSegment.FLAGS) & TcpSegment.ACK) != 0)
        {
            Bytes.put32(packet, header + TcpSegment.ACKNOWLEDGMENT,
                Bytes.i32(packet, header + TcpSegment.ACKNOWLEDGMENT) + sutIsn);
        }
        final long sack = SegmentSpec.optionOffset(packet, header, TcpSegment.OPTION_SACK);
        if (sack > 0)
        {
            for (long edge = sack; edge < sack - 2 + Bytes.u8(packet, sack - 1); edge += 4)
            {
                Bytes.put32(packet, edge, Bytes.i32(packet, edge) + sutIsn);
            }
        }
        final long ts = SegmentSpec.timestampOffset(packet, header);
        if (echo && ts > 0)
        {
            Bytes.put32(packet, ts + 4, lastTsVal);
        }
        Bytes.put16(packet, header + TcpSegment.CHECKSUM, 0);
        Bytes.put16(packet, header + TcpSegment.CHECKSUM, Checksum.finish(Checksum.sum(packet, header,
            length - header, Checksum.pseudoHeader(PEER, SUT, Ipv4Packet.PROTOCOL_TCP, length - header))));
    }
}
