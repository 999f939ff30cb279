package dev.nicsim.stack.conformance;

import dev.nicsim.stack.wire.Bytes;
import dev.nicsim.stack.wire.TcpSegment;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP segment written the packetdrill way: {@code S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK,TS val 7 ecr 0,nop,
 * wscale 7>}. Flags: S, F, R, P, U and a trailing '.' for ACK ('.' alone is a bare ACK); {@code urg N} is the urgent
 * pointer of a segment with U. A {@code *} value matches
 * anything when checking a sent segment. SACK blocks of a sent segment read {@code sack 1001:2001 3001:4001}.
 */
public final class SegmentSpec
{
    private static final long ANY = Long.MIN_VALUE;

    private int flags;
    private long seq;
    private long length;
    private long ack = ANY;
    private boolean hasAck;
    private long window = ANY;
    private long urgent = ANY;
    private List<String[]> options;

    public static SegmentSpec parse(final String text)
    {
        final SegmentSpec spec = new SegmentSpec();
        String rest = text;
        final int optionsStart = rest.indexOf('<');
        if (optionsStart >= 0)
        {
            spec.options = new ArrayList<>();
            for (final String option : rest.substring(optionsStart + 1, rest.lastIndexOf('>')).split(","))
            {
                spec.options.add(option.strip().split("\\s+"));
            }
            rest = rest.substring(0, optionsStart).strip();
        }
        final String[] words = rest.split("\\s+");
        for (final char c : words[0].toCharArray())
        {
            spec.flags |= switch (c)
            {
                case 'S' -> TcpSegment.SYN;
                case 'F' -> TcpSegment.FIN;
                case 'R' -> TcpSegment.RST;
                case 'P' -> TcpSegment.PSH;
                case 'U' -> TcpSegment.URG;
                case '.' -> TcpSegment.ACK;
                default -> throw new IllegalArgumentException("unknown flag " + c + " in " + text);
            };
        }
        final String range = words[1];
        spec.seq = value(range.substring(0, range.indexOf(':')));
        spec.length = value(range.substring(range.indexOf('(') + 1, range.indexOf(')')));
        for (int i = 2; i + 1 < words.length; i += 2)
        {
            switch (words[i])
            {
                case "ack" -> {
                    spec.ack = value(words[i + 1]);
                    spec.hasAck = true;
                }
                case "win" -> spec.window = value(words[i + 1]);
                case "urg" -> spec.urgent = value(words[i + 1]);
                default -> throw new IllegalArgumentException("unknown field " + words[i] + " in " + text);
            }
        }
        return spec;
    }

    private static long value(final String text)
    {
        return text.equals("*") ? ANY : Long.parseLong(text);
    }

    /** Checks a sent segment; sequence numbers relative to {@code isn}. */
    void check(final MemorySegment frame, final long at, final int length, final int isn)
    {
        final int gotFlags = Bytes.u8(frame, at + 13) & 0x3F;
        final String got = describe(frame, at, length);
        if (gotFlags != flags)
        {
            throw new AssertionError("flags differ: sent " + got);
        }
        final int header = (Bytes.u8(frame, at + 12) >>> 4) * 4;
        matches("seq", seq, Bytes.i32(frame, at + 4) - isn, got);
        matches("length", this.length, length - header, got);
        if (hasAck)
        {
            matches("ack", ack, Bytes.i32(frame, at + 8), got);
        }
        matches("win", window, Bytes.u16(frame, at + 14), got);
        matches("urg", urgent, Bytes.u16(frame, at + TcpSegment.URGENT), got);
        if (options != null || header > 20)
        {
            final List<String[]> sent = options(frame, at, header);
            final List<String[]> want = options == null ? List.of() : options;
            if (sent.size() != want.size())
            {
                throw new AssertionError("options differ: sent " + got);
            }
            for (int i = 0; i < want.size(); i++)
            {
                final String[] w = want.get(i);
                final String[] s = sent.get(i);
                if (!w[0].equals(s[0]) || w.length != s.length)
                {
                    throw new AssertionError("option " + i + " differs: sent " + got);
                }
                for (int j = 1; j < w.length; j++)
                {
                    if (!w[j].equals("*") && !w[j].equals(s[j]))
                    {
                        throw new AssertionError("option " + String.join(" ", w) + " differs: sent " + got);
                    }
                }
            }
        }
    }

    private static void matches(final String field, final long want, final long got, final String segment)
    {
        if (want != ANY && (int) want != (int) got)
        {
            throw new AssertionError(field + " " + (int) got + ", expected " + want + ": sent " + segment);
        }
    }

    /** Writes this segment for injection; returns its length. {@code ecr *} echoes {@code tsVal}. */
    public int emit(final MemorySegment buffer, final long at, final int sourcePort, final int destinationPort,
        final int isn, final int tsVal)
    {
        int optionLength = 0;
        final byte[] bytes = new byte[40];
        if (options != null)
        {
            for (final String[] option : options)
            {
                switch (option[0])
                {
                    case "nop" -> bytes[optionLength++] = 1;
                    case "mss" -> {
                        final int mss = Integer.parseInt(option[1]);
                        bytes[optionLength++] = 2;
                        bytes[optionLength++] = 4;
                        bytes[optionLength++] = (byte) (mss >>> 8);
                        bytes[optionLength++] = (byte) mss;
                    }
                    case "sackOK" -> {
                        bytes[optionLength++] = 4;
                        bytes[optionLength++] = 2;
                    }
                    case "wscale" -> {
                        bytes[optionLength++] = 3;
                        bytes[optionLength++] = 3;
                        bytes[optionLength++] = (byte) Integer.parseInt(option[1]);
                    }
                    case "TS" -> {
                        bytes[optionLength++] = 8;
                        bytes[optionLength++] = 10;
                        final int val = Integer.parseInt(option[2]);
                        final int ecr = option[4].equals("*") ? tsVal : Integer.parseInt(option[4]);
                        for (int shift = 24; shift >= 0; shift -= 8)
                        {
                            bytes[optionLength++] = (byte) (val >>> shift);
                        }
                        for (int shift = 24; shift >= 0; shift -= 8)
                        {
                            bytes[optionLength++] = (byte) (ecr >>> shift);
                        }
                    }
                    case "sack" -> {
                        // Blocks as packetdrill writes them, relative to the receiver's ISN: the runner moves them.
                        bytes[optionLength++] = 5;
                        bytes[optionLength++] = (byte) (2 + 8 * (option.length - 1));
                        for (int block = 1; block < option.length; block++)
                        {
                            for (final String edge : option[block].split(":"))
                            {
                                final long value = Long.parseLong(edge);
                                for (int shift = 24; shift >= 0; shift -= 8)
                                {
                                    bytes[optionLength++] = (byte) (value >>> shift);
                                }
                            }
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown option " + option[0]);
                }
            }
        }
        final int padded = (optionLength + 3) & ~3;
        final TcpSegment segment = new TcpSegment();
        final int payload = (int) length;
        segment.wrap(buffer, at, 20 + padded + payload);
        segment.emit(sourcePort, destinationPort, (int) seq, hasAck ? (int) ack + isn : 0, flags,
            window == ANY ? 65535 : (int) window, padded);
        if ((flags & TcpSegment.URG) != 0)
        {
            segment.markUrgent(urgent == ANY ? 0 : (int) urgent);
        }
        for (int i = 0; i < padded; i++)
        {
            Bytes.put8(buffer, at + 20 + i, i < optionLength ? bytes[i] : 0);
        }
        for (int i = 0; i < payload; i++)
        {
            Bytes.put8(buffer, at + 20 + padded + i, 'x');
        }
        return 20 + padded + payload;
    }

    private static List<String[]> options(final MemorySegment frame, final long at, final int header)
    {
        final List<String[]> list = new ArrayList<>();
        int i = 20;
        while (i < header)
        {
            final int kind = Bytes.u8(frame, at + i);
            if (kind == 0)
            {
                list.add(new String[] {"eol"});
                break;
            }
            if (kind == 1)
            {
                list.add(new String[] {"nop"});
                i++;
                continue;
            }
            final int size = Bytes.u8(frame, at + i + 1);
            switch (kind)
            {
                case 2 -> list.add(new String[] {"mss", Integer.toString(Bytes.u16(frame, at + i + 2))});
                case 3 -> list.add(new String[] {"wscale", Integer.toString(Bytes.u8(frame, at + i + 2))});
                case 4 -> list.add(new String[] {"sackOK"});
                case 5 -> list.add(sackBlocks(frame, at + i, size));
                case 8 -> list.add(new String[] {"TS", "val", Integer.toUnsignedString(Bytes.i32(frame, at + i + 2)),
                    "ecr", Integer.toUnsignedString(Bytes.i32(frame, at + i + 6))});
                default -> list.add(new String[] {"kind" + kind});
            }
            i += Math.max(size, 2);
        }
        return list;
    }

    /** A SACK option as packetdrill writes it: {@code sack 1001:2001 3001:4001} (the peer's ISN is 0). */
    private static String[] sackBlocks(final MemorySegment frame, final long option, final int size)
    {
        final int blocks = (size - 2) / 8;
        final String[] words = new String[1 + blocks];
        words[0] = "sack";
        for (int block = 0; block < blocks; block++)
        {
            final long at = option + 2 + 8L * block;
            words[1 + block] = Integer.toUnsignedString(Bytes.i32(frame, at)) + ":" +
                Integer.toUnsignedString(Bytes.i32(frame, at + 4));
        }
        return words;
    }

    /** Where the TSval of a sent segment is, or -1. */
    public static long timestampOffset(final MemorySegment frame, final long at)
    {
        return optionOffset(frame, at, TcpSegment.OPTION_TIMESTAMP);
    }

    /** Where the option of {@code kind} starts its value (after kind and length), or -1. */
    public static long optionOffset(final MemorySegment frame, final long at, final int kind)
    {
        final int header = (Bytes.u8(frame, at + 12) >>> 4) * 4;
        int i = 20;
        while (i < header)
        {
            final int found = Bytes.u8(frame, at + i);
            if (found == 0)
            {
                break;
            }
            if (found == 1)
            {
                i++;
                continue;
            }
            if (found == kind)
            {
                return at + i + 2;
            }
            i += Math.max(Bytes.u8(frame, at + i + 1), 2);
        }
        return -1;
    }

    static String describe(final MemorySegment frame, final long at, final int length)
    {
        final int flags = Bytes.u8(frame, at + 13);
        final StringBuilder text = new StringBuilder();
        text.append((flags & TcpSegment.SYN) != 0 ? "S" : "").append((flags & TcpSegment.FIN) != 0 ? "F" : "")
            .append((flags & TcpSegment.RST) != 0 ? "R" : "").append((flags & TcpSegment.PSH) != 0 ? "P" : "")
            .append((flags & TcpSegment.URG) != 0 ? "U" : "").append((flags & TcpSegment.ACK) != 0 ? "." : "");
        final int header = (Bytes.u8(frame, at + 12) >>> 4) * 4;
        text.append(" seq ").append(Integer.toUnsignedString(Bytes.i32(frame, at + 4))).append(" (")
            .append(length - header).append(") ack ").append(Integer.toUnsignedString(Bytes.i32(frame, at + 8)))
            .append(" win ").append(Bytes.u16(frame, at + 14)).append(" <");
        for (final String[] option : options(frame, at, header))
        {
            text.append(String.join(" ", option)).append(',');
        }
        return text.append('>').toString();
    }
}
