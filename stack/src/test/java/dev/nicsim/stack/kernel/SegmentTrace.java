package dev.nicsim.stack.kernel;

import dev.nicsim.stack.wire.Bytes;
import dev.nicsim.stack.wire.TcpSegment;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Turns what a runner printed (segment_runner.c on the kernel, {@link NicsimSegmentRunner} on nicsim: "sent US HEX",
 * "inject US HEX", "call US TEXT = RESULT") into the normalised trace the differential compares. Normalised, because
 * they legitimately differ: the SUT's ISN (sequence numbers are offsets from the ISN of the SUT's latest SYN, "=0"
 * marks a reset's literal 0; the peer's ISN is 0), its TSval (a
 * clock with a random offset: only the presence of the option and its echo of the peer's value are kept) and its
 * ephemeral port (not printed), the PSH flag of its segments (see {@link #describe}). Everything else stays: flags,
 * offsets, length, ACK, window (compared with a tolerance by the test), and the options in their order with their
 * values.
 */
final class SegmentTrace
{
    /**
     * One line of the trace: when (microseconds from the scenario's start), what, and for a segment the SUT sent the
     * window it advertises in bytes (the field shifted by the SUT's window scale once both sides agreed on scaling),
     * else -1.
     */
    record Entry(long us, String text, long window)
    {
        String line()
        {
            return window < 0 ? text : text.replace(" win ?", " win " + window);
        }
    }

    private SegmentTrace()
    {
    }

    static List<Entry> normalise(final List<String> raw)
    {
        int isn = 0;
        int sutScale = -1;
        int peerScale = -1;
        final List<Entry> trace = new ArrayList<>();
        for (final String line : raw)
        {
            final String[] words = line.split(" ", 3);
            final long us = Long.parseLong(words[1]);
            switch (words[0])
            {
                case "call" -> trace.add(new Entry(us, words[2], -1));
                case "sent", "inject" ->
                {
                    final byte[] bytes = HexFormat.of().parseHex(words[2]);
                    final MemorySegment packet = MemorySegment.ofArray(bytes);
                    final int at = (Bytes.u8(packet, 0) & 0xF) * 4;
                    final boolean sent = words[0].equals("sent");
                    if (sent && (Bytes.u8(packet, at + TcpSegment.FLAGS) & TcpSegment.SYN) != 0)
                    {
                        // Each SYN the SUT sends starts a connection: its sequence numbers count from there.
                        isn = Bytes.i32(packet, at + TcpSegment.SEQUENCE);
                    }
                    final int flags = Bytes.u8(packet, at + TcpSegment.FLAGS);
                    if ((flags & TcpSegment.SYN) != 0)
                    {
                        final int scale = windowScale(packet, at);
                        sutScale = sent ? scale : sutScale;
                        peerScale = sent ? peerScale : scale;
                    }
                    final int field = Bytes.u16(packet, at + TcpSegment.WINDOW);
                    final boolean scaled = (flags & TcpSegment.SYN) == 0 && sutScale >= 0 && peerScale >= 0;
                    trace.add(new Entry(us, describe(packet, at, bytes.length - at, sent, isn),
                        sent ? (long) field << (scaled ? sutScale : 0) : -1));
                }
                default -> throw new IllegalArgumentException("runner printed " + line);
            }
        }
        return trace;
    }

    /**
     * "&gt; S. 0:0(0) ack 1 win 65535 &lt;mss 1460,sackOK,TS ecr 100,nop,wscale 7&gt;" for a segment the SUT sent
     * (its sequence numbers relative to its ISN, the ACK as is: the peer's ISN is 0), "&lt; ..." for one injected
     * (its ACK and SACK blocks relative to the SUT's ISN, as the script wrote them).
     */
    private static String describe(final MemorySegment packet, final int at, final int length, final boolean sent,
        final int isn)
    {
        final int flags = Bytes.u8(packet, at + TcpSegment.FLAGS);
        final int header = (Bytes.u8(packet, at + TcpSegment.DATA_OFFSET) >>> 4) * 4;
        final int raw = Bytes.i32(packet, at + TcpSegment.SEQUENCE);
        // A reset answering a segment without ACK has sequence number 0 itself (RFC 9293 §3.10.7.1), not an offset.
        final boolean absolute = !sent || (flags & TcpSegment.RST) != 0 && raw == 0;
        final int seq = raw - (absolute ? 0 : isn);
        final int ack = Bytes.i32(packet, at + TcpSegment.ACKNOWLEDGMENT) - (sent ? 0 : isn);
        final int payload = length - header;
        final StringBuilder text = new StringBuilder(sent ? "> " : "< ");
        // PSH only of the peer's segments: Linux sets it on the last segment of each GSO packet it builds when the
        // send call ends or the data passes half the peer's largest window (tcp_mark_push, forced_push), and where a
        // send is cut into GSO packets depends on timing (tcp_push_one while the socket is free), so the kernel's
        // PSH flags vary from run to run of the same scenario. Receivers ignore PSH.
        text.append((flags & TcpSegment.SYN) != 0 ? "S" : "").append((flags & TcpSegment.FIN) != 0 ? "F" : "")
            .append((flags & TcpSegment.RST) != 0 ? "R" : "").append((flags & TcpSegment.PSH) != 0 && !sent ? "P" : "")
            .append((flags & TcpSegment.URG) != 0 ? "U" : "").append((flags & TcpSegment.ACK) != 0 ? "." : "");
        text.append(' ').append(sent && absolute ? "=" : "").append(Integer.toUnsignedString(seq)).append(':')
            .append(Integer.toUnsignedString(seq + payload)).append('(').append(payload).append(')');
        if ((flags & TcpSegment.ACK) != 0)
        {
            text.append(" ack ").append(Integer.toUnsignedString(ack));
        }
        if ((flags & TcpSegment.URG) != 0)
        {
            text.append(" urg ").append(Bytes.u16(packet, at + TcpSegment.URGENT));
        }
        // The SUT's window is compared apart, with a tolerance: in the text it is a "?".
        text.append(" win ").append(sent ? "?" : Integer.toString(Bytes.u16(packet, at + TcpSegment.WINDOW)));
        if (header > TcpSegment.HEADER_LENGTH)
        {
            text.append(" <").append(options(packet, at, header, sent, sent ? 0 : isn)).append('>');
        }
        return text.toString();
    }

    /** The options; SACK blocks less {@code sackBase} (the SUT's ISN in the peer's blocks, as the script wrote them). */
    private static String options(final MemorySegment packet, final int at, final int header, final boolean sent,
        final int sackBase)
    {
        final List<String> list = new ArrayList<>();
        int i = TcpSegment.HEADER_LENGTH;
        while (i < header)
        {
            final int kind = Bytes.u8(packet, at + i);
            if (kind == TcpSegment.OPTION_END)
            {
                list.add("eol");
                break;
            }
            if (kind == TcpSegment.OPTION_NOP)
            {
                list.add("nop");
                i++;
                continue;
            }
            final int size = Math.max(Bytes.u8(packet, at + i + 1), 2);
            list.add(switch (kind)
            {
                case 2 -> "mss " + Bytes.u16(packet, at + i + 2);
                case 3 -> "wscale " + Bytes.u8(packet, at + i + 2);
                case 4 -> "sackOK";
                case 5 -> sackBlocks(packet, at + i, size, sackBase);
                // The SUT's TSval is its clock (random offset): kept is that it is there, and what it echoes.
                case 8 -> sent ? "TS ecr " + Integer.toUnsignedString(Bytes.i32(packet, at + i + 6))
                    : "TS val " + Integer.toUnsignedString(Bytes.i32(packet, at + i + 2));
                default -> "kind " + kind;
            });
            i += size;
        }
        return String.join(",", list);
    }

    /** The shift a SYN's window scale option offers, or -1 without one. */
    private static int windowScale(final MemorySegment packet, final int at)
    {
        final int header = (Bytes.u8(packet, at + TcpSegment.DATA_OFFSET) >>> 4) * 4;
        int i = TcpSegment.HEADER_LENGTH;
        while (i < header && Bytes.u8(packet, at + i) != TcpSegment.OPTION_END)
        {
            if (Bytes.u8(packet, at + i) == TcpSegment.OPTION_NOP)
            {
                i++;
                continue;
            }
            if (Bytes.u8(packet, at + i) == 3)
            {
                return Bytes.u8(packet, at + i + 2);
            }
            i += Math.max(Bytes.u8(packet, at + i + 1), 2);
        }
        return -1;
    }

    private static String sackBlocks(final MemorySegment packet, final long option, final int size, final int base)
    {
        final StringBuilder text = new StringBuilder("sack");
        for (int block = 0; block < (size - 2) / 8; block++)
        {
            final long at = option + 2 + 8L * block;
            text.append(' ').append(Integer.toUnsignedString(Bytes.i32(packet, at) - base)).append(':')
                .append(Integer.toUnsignedString(Bytes.i32(packet, at + 4) - base));
        }
        return text.toString();
    }
}
