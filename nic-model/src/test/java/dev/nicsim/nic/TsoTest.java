package dev.nicsim.nic;

import dev.nicsim.hw.eth.EthernetConfig;
import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.eth.FrameSink;
import dev.nicsim.hw.mem.DmaBuffer;
import dev.nicsim.hw.pcie.PcieConfig;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.nic.regs.Counters;
import dev.nicsim.nic.regs.DeviceIdentity;
import dev.nicsim.nic.regs.NicRegisters;
import dev.nicsim.nic.regs.QueueRegisters;
import dev.nicsim.nic.regs.TxDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TCP segmentation offload, qtest style: one TSO packet handed over as a descriptor chain, the frames on the wire.
 * Checksums are verified with {@link OnesComplement}, itself checked against a reference in OnesComplementTest.
 */
class TsoTest
{
    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int HEADER = 14 + 20 + 32;
    private static final int PAYLOAD = 64_000;
    private static final int PSEUDO = 0x0A00 + 0x0001 + 0x0A00 + 0x0002 + 6;

    /* The packet handed over: TCP header length (timestamps, the rest NOPs), payload, MSS and flags. */
    private int tcpHeader = 32;
    private int payloadBytes = PAYLOAD;
    private int mss = 1448;
    private int flags = 0x80 | 0x10 | 0x08 | 0x01;
    private int sourcePort = 40000;
    private int queue;
    /* Bytes per descriptor of the chain (the built-in drivers' 16 KiB). */
    private int piece = 16_384;

    private final Simulator sim = new Simulator();
    private final EthernetLink link = new EthernetLink(sim,
        new EthernetConfig(10_000_000_000L, Time.ns(10), 2048, 12), "link");
    private final List<byte[]> wire = new ArrayList<>();
    private final List<Long> starts = new ArrayList<>();

    private TestHost host(final boolean tso)
    {
        return host(NicConfig.builder().tso(tso).build());
    }

    private TestHost host(final NicConfig config)
    {
        final TestHost host = new TestHost(sim, "nic0", PcieConfig.defaults(), link.a(), config);
        link.b().connect(new FrameSink()
        {
            @Override
            public void receiveFrame(final MemorySegment frame, final long offset, final int length)
            {
                wire.add(frame.asSlice(offset, length - 4).toArray(ValueLayout.JAVA_BYTE));
            }
        });
        link.addTap((direction, time, frame, offset, length) -> starts.add(time));
        host.enableAndReset();
        host.write(NicRegisters.TCTL, NicRegisters.TCTL_EN | NicRegisters.TCTL_PSP);
        return host;
    }

    private int header()
    {
        return 14 + 20 + tcpHeader;
    }

    /** Writes the packet into {@code buffer} and its descriptor chain ({@link #piece}s) into {@code ring}; returns n. */
    private int handOver(final TestHost host, final DmaBuffer ring, final DmaBuffer buffer)
    {
        return handOver(host, ring, buffer, header());
    }

    /** The same, telling the device the headers take {@code headerLength} bytes (CSS). */
    private int handOver(final TestHost host, final DmaBuffer ring, final DmaBuffer buffer,
        final int headerLength)
    {
        return handOver(host, ring, buffer, headerLength, 6, 0);
    }

    /**
     * The same with IPv4 protocol {@code protocol} in the headers and, after the packet's chain, {@code frames}
     * 60-byte frames, all made visible by one tail write (as a driver's flush does).
     */
    private int handOver(final TestHost host, final DmaBuffer ring, final DmaBuffer buffer,
        final int headerLength, final int protocol, final int frames)
    {
        final MemorySegment m = host.memory.segment();
        final long p = buffer.offset();
        m.set(BE16, p + 12, (short) 0x0800);
        m.set(ValueLayout.JAVA_BYTE, p + 14, (byte) 0x45);
        m.set(BE16, p + 16, (short) (header() - 14 + payloadBytes));
        m.set(BE16, p + 18, (short) 0xFFF0);
        m.set(BE16, p + 20, (short) 0x4000);
        m.set(ValueLayout.JAVA_BYTE, p + 22, (byte) 64);
        m.set(ValueLayout.JAVA_BYTE, p + 23, (byte) protocol);
        m.set(BE32, p + 26, 0x0A000001);
        m.set(BE32, p + 30, 0x0A000002);
        final long tcp = p + 34;
        m.set(BE16, tcp, (short) sourcePort);
        m.set(BE16, tcp + 2, (short) 5001);
        m.set(BE32, tcp + 4, 0xFFFF_F000);
        m.set(BE32, tcp + 8, 77);
        m.set(ValueLayout.JAVA_BYTE, tcp + 12, (byte) (tcpHeader / 4 << 4));
        m.set(ValueLayout.JAVA_BYTE, tcp + 13, (byte) flags);
        m.set(BE16, tcp + 14, (short) 65535);
        // The pseudo-header sum with TCP length 0, as Linux prepares a GSO packet.
        m.set(BE16, tcp + 16, (short) PSEUDO);
        for (int i = 20; i < tcpHeader; i += 4)
        {
            m.set(BE32, tcp + i, i == 20 ? 0x0101080A : 0x01010101 + i); // NOP NOP timestamps, then other bytes
        }
        for (int i = 0; i < payloadBytes; i++)
        {
            m.set(ValueLayout.JAVA_BYTE, p + header() + i, (byte) (i * 7 + (i >>> 9)));
        }
        final int total = header() + payloadBytes;
        int n = 0;
        for (int at = 0; at < total; at += piece, n++)
        {
            final int length = Math.min(piece, total - at);
            final int cmd = TxDescriptor.CMD_IFCS | (at + length == total ? TxDescriptor.CMD_EOP | TxDescriptor.CMD_RS :
                0);
            final long fields = n == 0 ? TxDescriptor.tsoFields(length, cmd, headerLength, mss) :
                TxDescriptor.fields(length, cmd, 0, 0);
            TxDescriptor.write(m, ring.offset() + 16L * n, buffer.busAddress(at), fields);
        }
        for (int f = 0; f < frames; f++)
        {
            TxDescriptor.write(m, ring.offset() + 16L * (n + f), buffer.busAddress(), 60,
                TxDescriptor.CMD_EOP | TxDescriptor.CMD_IFCS | TxDescriptor.CMD_RS, 0, 0);
        }
        host.txRing(queue, ring);
        host.write(QueueRegisters.tx(queue, QueueRegisters.TAIL), n + frames);
        return n;
    }

    @Test
    void shouldCutOnePacketIntoMssFramesReadingEveryByteOnce()
    {
        final TestHost host = host(true);
        assertEquals(DeviceIdentity.FEATURE_TSO, host.read(NicRegisters.FEATURES) & DeviceIdentity.FEATURE_TSO);
        final DmaBuffer ring = host.mapped(16 * 8, 128, "ring");
        final DmaBuffer buffer = host.mapped(HEADER + PAYLOAD, 64, "packet");
        final long readBefore = host.slot.dma().bytesRead();
        final int descriptors = handOver(host, ring, buffer);
        final byte[] packet = host.memory.segment().asSlice(buffer.offset(), HEADER + PAYLOAD)
            .toArray(ValueLayout.JAVA_BYTE);
        sim.run(sim.now() + Time.us(200));

        final int frames = assertFrames(packet);
        assertEquals(frames, host.nic.counter(Counters.GPTC));
        assertEquals(HEADER + PAYLOAD + 16L * descriptors, host.slot.dma().bytesRead() - readBefore,
            "the DMA read the descriptors and every byte of the packet once");
        assertEquals(TxDescriptor.STA_DD, TxDescriptor.status(host.memory.segment(),
            ring.offset() + 16L * (descriptors - 1)), "the chain's last descriptor is written back");

        // The segmentation unit (4 core cycles per frame here) and PCIe keep the 10 Gb/s wire busy: after the first
        // frame each starts as the one before has left (preamble, frame, FCS and gap at 800 ps per byte).
        for (int i = 1; i < frames; i++)
        {
            final long previousOnWire = (8L + wire.get(i - 1).length + 4 + 12) * 800;
            assertEquals(starts.get(i - 1) + previousOnWire, (long) starts.get(i), "frame " + i + " back to back");
        }
    }

    /**
     * The frames on the wire are the packet cut at the MSS: lengths, IPv4 ID + k, sequence + k × MSS, CWR only first,
     * FIN and PSH only last, the other flags and the options as given, both checksums right. Returns their number.
     */
    private int assertFrames(final byte[] packet)
    {
        return assertFrames(packet, wire);
    }

    /** {@link #assertFrames(byte[])} for the frames {@code cut} (those of one packet, in wire order). */
    private int assertFrames(final byte[] packet, final List<byte[]> cut)
    {
        final int header = header();
        final int frames = (payloadBytes + mss - 1) / mss;
        assertEquals(frames, cut.size(), "one frame per MSS of payload");
        final byte[] payload = new byte[payloadBytes];
        for (int i = 0; i < frames; i++)
        {
            final MemorySegment f = MemorySegment.ofArray(cut.get(i));
            final int bytes = Math.min(mss, payloadBytes - i * mss);
            assertEquals(Math.max(60, header + bytes), (int) f.byteSize(), "frame " + i + " length (padded to 60)");
            assertEquals(header - 14 + bytes, f.get(BE16, 16) & 0xFFFF, "IPv4 total length of frame " + i);
            assertEquals((0xFFF0 + i) & 0xFFFF, f.get(BE16, 18) & 0xFFFF, "IPv4 ID increments per frame");
            assertEquals(0xFFFF, OnesComplement.sum(f, 14, 20), "IPv4 header checksum of frame " + i);
            assertEquals(0xFFFF_F000 + i * mss, f.get(BE32, 38), "sequence number of frame " + i);
            final int expected = flags & ~((i > 0 ? 0x80 : 0) | (i < frames - 1 ? 0x08 | 0x01 : 0));
            assertEquals(expected, f.get(ValueLayout.JAVA_BYTE, 47) & 0xFF, "flags of frame " + i);
            final int tcpLength = tcpHeader + bytes;
            final int tcpSum = OnesComplement.sum(f, 34, tcpLength) + PSEUDO + tcpLength;
            assertEquals(0xFFFF, (tcpSum & 0xFFFF) + (tcpSum >>> 16), "TCP checksum of frame " + i);
            assertArrayEquals(Arrays.copyOfRange(packet, 0, 14), Arrays.copyOfRange(cut.get(i), 0, 14),
                "Ethernet header copied");
            assertArrayEquals(Arrays.copyOfRange(packet, 54, header), Arrays.copyOfRange(cut.get(i), 54, header),
                "TCP options copied");
            System.arraycopy(cut.get(i), header, payload, i * mss, bytes);
        }
        assertArrayEquals(Arrays.copyOfRange(packet, header, header + payloadBytes), payload,
            "the frames carry the packet's payload in order");
        return frames;
    }

    /** Odd MSS values and lengths, with and without options; over 64 KiB is fine (§4.3: any length). */
    @ParameterizedTest(name = "TCP header {0} B, MSS {1}, payload {2} B, flags 0x{3}")
    @CsvSource({"20, 536, 537, 19", "32, 1220, 65483, d0", "52, 1428, 2856, 18", "60, 1420, 66536, 11",
        "32, 1, 3, 10", "20, 1460, 1460, 19"})
    void shouldCutAnyPacketAtTheMss(final int tcpHeaderBytes, final int mssBytes, final int payload,
        final String tcpFlags)
    {
        tcpHeader = tcpHeaderBytes;
        mss = mssBytes;
        payloadBytes = payload;
        flags = Integer.parseInt(tcpFlags, 16);
        final TestHost host = host(true);
        final DmaBuffer ring = host.mapped(16 * 8, 128, "ring");
        final DmaBuffer buffer = host.mapped(header() + payload, 64, "packet");
        handOver(host, ring, buffer);
        final byte[] packet = host.memory.segment().asSlice(buffer.offset(), header() + payload)
            .toArray(ValueLayout.JAVA_BYTE);
        sim.run(sim.now() + Time.ms(1));
        assertFrames(packet);
    }

    /** Two TX queues cutting a packet each: their frames interleave on the wire, each packet's right. */
    @Test
    void shouldCutPacketsOfTwoQueuesAtOnce()
    {
        payloadBytes = 40 * mss + 7;
        final TestHost host = host(true);
        final byte[][] packets = new byte[2][];
        for (queue = 0; queue < 2; queue++)
        {
            sourcePort = 40000 + queue;
            final DmaBuffer ring = host.mapped(16 * 8, 128, "ring" + queue);
            final DmaBuffer buffer = host.mapped(header() + payloadBytes, 64, "packet" + queue);
            handOver(host, ring, buffer);
            packets[queue] = host.memory.segment().asSlice(buffer.offset(), header() + payloadBytes)
                .toArray(ValueLayout.JAVA_BYTE);
        }
        sim.run(sim.now() + Time.us(300));
        for (int q = 0; q < 2; q++)
        {
            final int port = 40000 + q;
            assertFrames(packets[q], wire.stream().filter(f -> MemorySegment.ofArray(f).get(BE16, 34) == (short) port)
                .toList());
        }
        final List<Short> ports = wire.stream().map(f -> MemorySegment.ofArray(f).get(BE16, 34)).toList();
        assertTrue(ports.indexOf((short) 40001) < ports.lastIndexOf((short) 40000),
            "the engine serves the queues round robin, a frame each: the packets' frames interleave " + ports);
    }

    /** The packet and the frame after it come with one tail write: the refused packet must not stall the queue. */
    @ParameterizedTest(name = "TSO on the device: {0}, header length given: {1}, IPv4 protocol: {2}")
    @CsvSource({"false, 66, 6", "true, 62, 6", "true, 66, 17"})
    void shouldDropAnInvalidTsoPacketInSiliconModeAndGoOn(final boolean tso, final int headerLength,
        final int protocol)
    {
        final TestHost host = host(NicConfig.builder().tso(tso).misuseMode(MisuseMode.SILICON).build());
        final DmaBuffer ring = host.mapped(16 * 8, 128, "ring");
        final DmaBuffer buffer = host.mapped(HEADER + PAYLOAD, 64, "packet");
        final int descriptors = handOver(host, ring, buffer, headerLength, protocol, 1);
        sim.run(sim.now() + Time.us(50));

        assertEquals(1, host.nic.counter(Counters.TXDROPS), "the TSO packet counts as one dropped frame");
        assertEquals(1, host.nic.counter(Counters.MISUSE));
        assertEquals(1, wire.size(), "only the frame after it went out");
        assertEquals(60, wire.get(0).length);
        assertEquals(TxDescriptor.STA_DD, TxDescriptor.status(host.memory.segment(),
            ring.offset() + 16L * (descriptors - 1)), "the refused packet's descriptors are completed");
        assertEquals(descriptors + 1, host.read(QueueRegisters.tx(0, QueueRegisters.HEAD)));
    }

    /**
     * 200-byte descriptors, MSS 1448: frames 0 and 1 span 8 descriptors, frame 2 spans 9 (it starts with the last 38
     * bytes of one). A cache of fewer entries can never hold a frame's descriptors together. Strict mode names the
     * frame and the rule; silicon mode sends the frames before it, drops the rest and the frame behind the packet still
     * goes. A cache of 9 cuts the whole packet, though its prefetch of 4 leaves room for less than a burst while a
     * frame waits.
     */
    @ParameterizedTest(name = "descriptor cache {0}, mode {1}: frame {2} refused")
    @CsvSource({"4, STRICT, 0", "4, SILICON, 0", "8, STRICT, 2", "8, SILICON, 2", "9, STRICT, -1"})
    void shouldRefuseAFrameSpanningMoreDescriptorsThanTheCacheHolds(final int cacheEntries, final MisuseMode mode,
        final int refused)
    {
        piece = 200;
        payloadBytes = 3 * mss;
        final TestHost host = host(NicConfig.builder().tso(true).descriptorCacheEntries(cacheEntries)
            .descriptorPrefetch(4).misuseMode(mode).build());
        final DmaBuffer ring = host.mapped(16 * 32, 128, "ring");
        final DmaBuffer buffer = host.mapped(header() + payloadBytes, 64, "packet");
        final int descriptors = handOver(host, ring, buffer, header(), 6, 1);
        final byte[] packet = host.memory.segment().asSlice(buffer.offset(), header() + payloadBytes)
            .toArray(ValueLayout.JAVA_BYTE);
        if (refused < 0)
        {
            sim.run(sim.now() + Time.us(50));
            assertFrames(packet, wire.subList(0, 3));
            assertEquals(4, wire.size());
            return;
        }
        if (mode == MisuseMode.STRICT)
        {
            final NicMisuseException error = assertThrows(NicMisuseException.class, () -> sim.run(sim.now() +
                Time.us(50)));
            assertTrue(error.getMessage().contains("TX_TSO_INVALID at ") && error.getMessage().contains("frame " +
                refused + "'s 1448 bytes of payload span more descriptors than the queue's descriptor cache holds (" +
                cacheEntries + ")"), error.getMessage());
            return;
        }
        sim.run(sim.now() + Time.us(50));
        assertEquals(1, host.nic.counter(Counters.MISUSE));
        assertEquals(1, host.nic.counter(Counters.TXDROPS), "the packet's rest counts as one dropped frame");
        assertEquals(refused + 1, wire.size(), "the frames cut before, then the frame after the packet");
        assertEquals(60, wire.get(refused).length);
        assertEquals(descriptors + 1, host.read(QueueRegisters.tx(0, QueueRegisters.HEAD)),
            "the refused packet's descriptors are completed, the queue went on");
    }

    @Test
    void shouldRefuseTsoOnADeviceWithoutIt()
    {
        final TestHost host = host(false);
        assertEquals(0, host.read(NicRegisters.FEATURES) & DeviceIdentity.FEATURE_TSO);
        final DmaBuffer ring = host.mapped(16 * 8, 128, "ring");
        final DmaBuffer buffer = host.mapped(HEADER + PAYLOAD, 64, "packet");
        handOver(host, ring, buffer);
        final NicMisuseException error = assertThrows(NicMisuseException.class, () -> sim.run(sim.now() +
            Time.us(20)));
        assertTrue(error.getMessage().contains("TX_TSO_INVALID"), error.getMessage());
        assertTrue(error.getMessage().contains("field CMD = 0x12 "), error.getMessage());
    }

    /** Strict mode names the descriptor field at fault and its value, the rule and the time. */
    @ParameterizedTest(name = "header length {0}, MSS {1}")
    @CsvSource({"66, 0, 'field special (MSS) = 0x0 (0)'", "53, 1448, 'field CSS (header length) = 0x35 (53)'",
        "66, 1453, 'field special (MSS) = 0x5ad (1453)'"})
    void shouldNameTheTsoFieldAtFault(final int headerLength, final int mssGiven, final String field)
    {
        final TestHost host = host(true);
        final DmaBuffer ring = host.mapped(16 * 8, 128, "ring");
        final DmaBuffer buffer = host.mapped(HEADER + PAYLOAD, 64, "packet");
        TxDescriptor.write(host.memory.segment(), ring.offset(), buffer.busAddress(), TxDescriptor.tsoFields(
            HEADER + 1448, TxDescriptor.CMD_EOP | TxDescriptor.CMD_IFCS, headerLength, mssGiven));
        host.txRing(0, ring);
        host.write(QueueRegisters.tx(0, QueueRegisters.TAIL), 1);
        final NicMisuseException error = assertThrows(NicMisuseException.class, () -> sim.run(sim.now() +
            Time.us(20)));
        assertTrue(error.getMessage().contains("TX_TSO_INVALID at ") && error.getMessage().contains(field),
            error.getMessage());
    }
}
