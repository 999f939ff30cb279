package dev.nicsim.tools.bridge;

import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The test's own station on a switch port of the simulated network, at 10.0.0.99 with MAC 02:00:00:00:00:63: it
 * asks ARP and sends ICMP echo requests the way any host on the wire would, to see what answers.
 */
final class Station
{
    static final byte[] MAC = {2, 0, 0, 0, 0, 0x63};
    static final byte[] IP = {10, 0, 0, 99};

    private final Simulator sim;
    private final EthernetLink.EthernetPort port;
    private final List<byte[]> received = new ArrayList<>();
    private final MemorySegment out = Arena.ofAuto().allocate(2048);

    Station(final Simulator sim, final EthernetLink.EthernetPort port)
    {
        this.sim = sim;
        this.port = port;
        port.connect((frame, offset, length) -> received.add(frame.asSlice(offset, length - 4).toArray(
            ValueLayout.JAVA_BYTE)));
    }

    /** Asks who has {@code ip} and returns the MAC in the answer (fails after 3 s without one). */
    byte[] resolve(final byte[] ip)
    {
        final byte[] request = new byte[42];
        Arrays.fill(request, 0, 6, (byte) -1);
        System.arraycopy(MAC, 0, request, 6, 6);
        request[12] = 0x08;
        request[13] = 0x06;
        request[15] = 1;
        request[16] = 0x08;
        request[18] = 6;
        request[19] = 4;
        request[21] = 1;
        System.arraycopy(MAC, 0, request, 22, 6);
        System.arraycopy(IP, 0, request, 28, 4);
        System.arraycopy(ip, 0, request, 38, 4);
        final byte[] reply = exchange(request, frame -> frame.length >= 42 && frame[12] == 0x08 &&
            frame[13] == 0x06 && frame[21] == 2 && Arrays.equals(frame, 28, 32, ip, 0, 4));
        if (reply == null)
        {
            throw new AssertionError("nobody answered ARP for " + Arrays.toString(ip));
        }
        return Arrays.copyOfRange(reply, 22, 28);
    }

    /** Sends an ICMP echo request with 56 bytes of data to {@code ip} at {@code mac}; true if the reply came back. */
    boolean ping(final byte[] mac, final byte[] ip, final int sequence)
    {
        final byte[] frame = new byte[14 + 20 + 8 + 56];
        System.arraycopy(mac, 0, frame, 0, 6);
        System.arraycopy(MAC, 0, frame, 6, 6);
        frame[12] = 0x08;
        frame[14] = 0x45;
        frame[17] = (byte) (frame.length - 14);
        frame[22] = 64;
        frame[23] = 1;
        System.arraycopy(IP, 0, frame, 26, 4);
        System.arraycopy(ip, 0, frame, 30, 4);
        checksum(frame, 14, 20, 24);
        frame[34] = 8;
        frame[38] = 0x63;
        frame[41] = (byte) sequence;
        for (int i = 42; i < frame.length; i++)
        {
            frame[i] = (byte) i;
        }
        checksum(frame, 34, frame.length - 34, 36);
        final byte[] reply = exchange(frame, answer -> answer.length >= frame.length && answer[12] == 0x08 &&
            answer[13] == 0 && answer[23] == 1 && answer[34] == 0 && answer[41] == (byte) sequence);
        return reply != null && Arrays.equals(reply, 42, frame.length, frame, 42, frame.length);
    }

    private byte[] exchange(final byte[] frame, final java.util.function.Predicate<byte[]> answer)
    {
        received.clear();
        final int padded = Math.max(frame.length, 60);
        out.asSlice(0, padded).fill((byte) 0);
        MemorySegment.copy(frame, 0, out, ValueLayout.JAVA_BYTE, 0, frame.length);
        final CRC32 crc = new CRC32();
        crc.update(out.asSlice(0, padded).asByteBuffer());
        out.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), padded, (int) crc.getValue());
        port.transmit(out, 0, padded + 4);
        sim.runUntil(() -> received.stream().anyMatch(answer), sim.now() + Time.seconds(3));
        return received.stream().filter(answer).findFirst().orElse(null);
    }

    /** Writes the internet checksum (RFC 1071) of {@code bytes[from, from+length)} at {@code at}. */
    static void checksum(final byte[] bytes, final int from, final int length, final int at)
    {
        int sum = 0;
        for (int i = from; i < from + length; i += 2)
        {
            sum += (bytes[i] & 0xFF) << 8 | (i + 1 < from + length ? bytes[i + 1] & 0xFF : 0);
        }
        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        bytes[at] = (byte) (~sum >> 8);
        bytes[at + 1] = (byte) ~sum;
    }
}
