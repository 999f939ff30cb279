package dev.nicsim.nic;

import dev.nicsim.nic.regs.NicErrors;
import dev.nicsim.nic.regs.RssRegisters;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The receive-side scaling unit (datasheet §3.6): MRQC, the indirection table and the key, and the classifier that
 * picks a received frame's RX queue. It parses the headers as they stream through the receive MAC, so its verdict is
 * ready with the frame's last byte and adds no latency. Which fields are hashed follows Microsoft's RSS hashing types:
 * the TCP or UDP 4-tuple when that type is enabled and the packet is no fragment (a fragment's ports are unknown),
 * else the IPv4 address pair when IPV4 is enabled; anything else (not IPv4, or no type enabled) goes to queue 0.
 */
final class Rss
{
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETH_HEADER = 14;
    private static final int PROTOCOL_TCP = 6;
    private static final int PROTOCOL_UDP = 17;
    private static final ValueLayout.OfShort BE_SHORT =
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final Nic nic;
    private final byte[] key = new byte[RssRegisters.KEY_BYTES];
    private final byte[] table = new byte[RssRegisters.RETA_ENTRIES];
    private final byte[] input = new byte[12];
    private int mrqc;

    Rss(final Nic nic)
    {
        this.nic = nic;
    }

    /** The RX queue of a frame of {@code length} bytes at {@code offset} (destination MAC first, FCS excluded). */
    int queueOf(final MemorySegment frame, final long offset, final int length)
    {
        if ((mrqc & RssRegisters.MRQC_MODE_MASK) != RssRegisters.MRQC_MODE_RSS || length < ETH_HEADER + 20 ||
            (frame.get(BE_SHORT, offset + 12) & 0xFFFF) != ETHERTYPE_IPV4)
        {
            return 0;
        }
        final long ip = offset + ETH_HEADER;
        final int versionIhl = frame.get(ValueLayout.JAVA_BYTE, ip) & 0xFF;
        final int headerBytes = (versionIhl & 0xF) * 4;
        if (versionIhl >>> 4 != 4 || headerBytes < 20 || ETH_HEADER + headerBytes > length)
        {
            return 0;
        }
        final int protocol = frame.get(ValueLayout.JAVA_BYTE, ip + 9) & 0xFF;
        final boolean fragment = (frame.get(BE_SHORT, ip + 6) & 0x3FFF) != 0;
        final boolean ports = !fragment && ETH_HEADER + headerBytes + 4 <= length &&
            (protocol == PROTOCOL_TCP && (mrqc & RssRegisters.MRQC_TCPIPV4) != 0 ||
                protocol == PROTOCOL_UDP && (mrqc & RssRegisters.MRQC_UDPIPV4) != 0);
        if (!ports && (mrqc & RssRegisters.MRQC_IPV4) == 0)
        {
            return 0;
        }
        MemorySegment.copy(frame, ValueLayout.JAVA_BYTE, ip + 12, input, 0, 8);
        if (ports)
        {
            MemorySegment.copy(frame, ValueLayout.JAVA_BYTE, ip + headerBytes, input, 8, 4);
        }
        final int hash = RssRegisters.toeplitz(key, input, ports ? 12 : 8);
        return table[hash & (RssRegisters.RETA_ENTRIES - 1)];
    }

    int mrqc()
    {
        return mrqc;
    }

    void writeMrqc(final int value)
    {
        mrqc = value & RssRegisters.MRQC_BITS;
    }

    int readTable(final int register)
    {
        final int at = 4 * register;
        return table[at] | table[at + 1] << 8 | table[at + 2] << 16 | table[at + 3] << 24;
    }

    /** RETA(n): each entry must name an RX queue the device has; in silicon mode a bad one is taken as queue 0. */
    void writeTable(final int offset, final int register, final int value)
    {
        for (int k = 0; k < 4; k++)
        {
            int queue = (value >>> 8 * k) & RssRegisters.RETA_QUEUE_MASK;
            if (queue >= nic.rxQueues.length)
            {
                nic.errors.register(NicErrors.RSS_QUEUE_INVALID, offset, value & 0xFFFF_FFFFL, "entry " +
                    (4 * register + k) + " names RX queue " + queue + " but the device has " + nic.rxQueues.length);
                queue = 0;
            }
            table[4 * register + k] = (byte) queue;
        }
    }

    int readKey(final int register)
    {
        return RssRegisters.keyRegister(key, register);
    }

    void writeKey(final int register, final int value)
    {
        for (int k = 0; k < 4; k++)
        {
            key[4 * register + k] = (byte) (value >>> 8 * k);
        }
    }

    /** Software reset: RSS off, table and key zero. */
    void reset()
    {
        mrqc = 0;
        Arrays.fill(key, (byte) 0);
        Arrays.fill(table, (byte) 0);
    }
}
