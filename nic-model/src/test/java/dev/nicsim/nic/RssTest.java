package dev.nicsim.nic;

import dev.nicsim.hw.eth.EthernetConfig;
import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.pcie.PcieConfig;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.nic.regs.NicRegisters;
import dev.nicsim.nic.regs.QueueCounters;
import dev.nicsim.nic.regs.QueueRegisters;
import dev.nicsim.nic.regs.RssRegisters;
import dev.nicsim.nic.regs.RxDescriptor;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Receive-side scaling: the Toeplitz hash against the published verification vectors, and the device steering frames
 * through its indirection table. The vectors are Microsoft's "Verifying the RSS Hash Calculation"
 * (learn.microsoft.com/windows-hardware/drivers/network/verifying-the-rss-hash-calculation), also the Intel 82599
 * datasheet's RSS verification suite (§7.1.2.8.3): key 6d5a...01fa, IPv4 and IPv4-with-TCP hashes.
 */
class RssTest
{
    static final byte[] MICROSOFT_KEY = HexFormat.of().parseHex(
        "6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa");

    /** Destination, destination port, source, source port, IPv4 hash, IPv4-with-TCP hash. */
    private static final Object[][] VECTORS = {
        {"161.142.100.80", 1766, "66.9.149.187", 2794, 0x323e8fc2, 0x51ccc178},
        {"65.69.140.83", 4739, "199.92.111.2", 14230, 0xd718262a, 0xc626b0ea},
        {"12.22.207.184", 38024, "24.19.198.95", 12898, 0xd2d0a5de, 0x5c2b394a},
        {"209.142.163.6", 2217, "38.27.205.30", 48228, 0x82989176, 0xafc7327f},
        {"202.188.127.2", 1303, "153.39.163.191", 44251, 0x5d1809c5, 0x10e828a2},
    };

    private static final long STATION = 0x02_00_00_00_00_42L;
    private static final int QUEUES = 8;
    private static final int RING = 64;

    private final Simulator sim = new Simulator();
    private final EthernetLink link = new EthernetLink(sim,
        new EthernetConfig(10_000_000_000L, Time.ns(10), 2048, 12), "link");
    private final TestHost host = new TestHost(sim, "nic0", PcieConfig.defaults(), link.a(),
        NicConfig.builder().macAddress(STATION).rxQueues(QUEUES).txQueues(QUEUES).build());

    @Test
    void shouldMatchTheVerificationVectors()
    {
        for (final Object[] v : VECTORS)
        {
            final byte[] tuple = new byte[12];
            System.arraycopy(address((String) v[2]), 0, tuple, 0, 4);
            System.arraycopy(address((String) v[0]), 0, tuple, 4, 4);
            tuple[8] = (byte) ((int) v[3] >>> 8);
            tuple[9] = (byte) (int) v[3];
            tuple[10] = (byte) ((int) v[1] >>> 8);
            tuple[11] = (byte) (int) v[1];
            assertEquals((int) v[4], RssRegisters.toeplitz(MICROSOFT_KEY, tuple, 8), "IPv4 hash of " + v[2]);
            assertEquals((int) v[5], RssRegisters.toeplitz(MICROSOFT_KEY, tuple, 12), "IPv4/TCP hash of " + v[2]);
        }
    }

    @Test
    void shouldComeOutOfResetWithRssOffAndReadBackTableAndKey()
    {
        host.enableAndReset();
        assertEquals(0, host.read(RssRegisters.MRQC));
        assertEquals(0, host.read(RssRegisters.reta(31)));
        assertEquals(0, host.read(RssRegisters.rssrk(9)));
        host.write(RssRegisters.reta(3), 0x07050301);
        host.write(RssRegisters.rssrk(2), 0xdeadbeef);
        host.write(RssRegisters.MRQC, 0xFFFF_FFFF);
        host.settle();
        assertEquals(0x07050301, host.read(RssRegisters.reta(3)));
        assertEquals(0xdeadbeef, host.read(RssRegisters.rssrk(2)));
        assertEquals(RssRegisters.MRQC_BITS, host.read(RssRegisters.MRQC), "reserved MRQC bits read 0");
        assertEquals("RETA(3)", NicRegisters.nameOf(RssRegisters.reta(3)));
    }

    @Test
    void shouldRefuseATableEntryForAQueueTheDeviceLacks()
    {
        final TestHost small = new TestHost(sim, "nic1", PcieConfig.defaults(), link.b(), NicConfig.builder().build());
        small.enableAndReset();
        small.write(RssRegisters.reta(0), 0x00000200);
        final NicMisuseException error = assertThrows(NicMisuseException.class, small::settle);
        assertTrue(error.getMessage().contains("RSS_QUEUE_INVALID"), error.getMessage());
    }

    @Test
    void shouldSteerEachFlowToTheQueueItsHashSelects()
    {
        host.enableAndReset();
        for (int q = 0; q < QUEUES; q++)
        {
            final HostRing ring = new HostRing(host, RING, "rx" + q);
            for (int i = 0; i < RING; i++)
            {
                RxDescriptor.write(host.memory.segment(), ring.descriptor(i), ring.bufferAddress(i));
            }
            host.rxRing(q, ring.ring);
            host.write(QueueRegisters.rx(q, QueueRegisters.TAIL), RING - 1);
        }
        for (int r = 0; r < RssRegisters.KEY_REGISTERS; r++)
        {
            host.write(RssRegisters.rssrk(r), RssRegisters.keyRegister(MICROSOFT_KEY, r));
        }
        for (int r = 0; r < RssRegisters.RETA_REGISTERS; r++)
        {
            // Entry e names queue e % 8.
            host.write(RssRegisters.reta(r), 0x03020100 + 0x04040404 * (r & 1));
        }
        host.write(RssRegisters.MRQC, RssRegisters.MRQC_MODE_RSS | RssRegisters.MRQC_TCPIPV4 |
            RssRegisters.MRQC_IPV4 | RssRegisters.MRQC_UDPIPV4);
        host.write(NicRegisters.RCTL, NicRegisters.RCTL_EN);
        host.settle();

        final long[] expected = new long[QUEUES];
        for (final Object[] v : VECTORS)
        {
            send(v, 6, 0);
            expected[((int) v[5] & 127) % 8]++;
            send(v, 17, 0);
            expected[((int) v[5] & 127) % 8]++;
            send(v, 1, 0);
            expected[((int) v[4] & 127) % 8]++;
            send(v, 6, 0x2000);
            expected[((int) v[4] & 127) % 8]++;
            send(v, 6, 0, 0x86DD);
            expected[0]++; // not IPv4: no hash
        }
        sim.run(sim.now() + Time.us(50));
        for (int q = 0; q < QUEUES; q++)
        {
            assertEquals(expected[q], host.nic.queueCounter(q, QueueCounters.QPRC), "frames on queue " + q);
        }
        host.write(RssRegisters.MRQC, 0);
        host.settle();
        send(VECTORS[3], 6, 0);
        sim.run(sim.now() + Time.us(10));
        assertEquals(expected[0] + 1, host.nic.queueCounter(0, QueueCounters.QPRC), "RSS off: queue 0");
    }

    /** An IPv4 frame of the vector's addresses and ports, protocol {@code protocol}, flags/offset {@code frag}. */
    private void send(final Object[] vector, final int protocol, final int frag)
    {
        send(vector, protocol, frag, 0x0800);
    }

    /** The same frame with EtherType {@code type}. */
    private void send(final Object[] vector, final int protocol, final int frag, final int type)
    {
        final int length = 14 + 20 + 20 + 26;
        final MemorySegment frame = Arena.ofAuto().allocate(length + 4);
        final ValueLayout.OfShort be16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < 6; i++)
        {
            frame.set(ValueLayout.JAVA_BYTE, i, (byte) (STATION >>> (40 - 8 * i)));
        }
        frame.set(ValueLayout.JAVA_BYTE, 6, (byte) 0x02);
        frame.set(be16, 12, (short) type);
        frame.set(ValueLayout.JAVA_BYTE, 14, (byte) 0x45);
        frame.set(be16, 16, (short) (length - 14));
        frame.set(be16, 20, (short) frag);
        frame.set(ValueLayout.JAVA_BYTE, 22, (byte) 64);
        frame.set(ValueLayout.JAVA_BYTE, 23, (byte) protocol);
        MemorySegment.copy(address((String) vector[2]), 0, frame, ValueLayout.JAVA_BYTE, 26, 4);
        MemorySegment.copy(address((String) vector[0]), 0, frame, ValueLayout.JAVA_BYTE, 30, 4);
        frame.set(be16, 34, (short) (int) vector[3]);
        frame.set(be16, 36, (short) (int) vector[1]);
        final CRC32 crc = new CRC32();
        crc.update(frame.asByteBuffer().limit(length));
        frame.set(ValueLayout.JAVA_INT_UNALIGNED, length, (int) crc.getValue());
        link.b().transmit(frame, 0, length + 4);
        sim.run(sim.now() + Time.us(2));
    }

    private static byte[] address(final String dotted)
    {
        final String[] parts = dotted.split("\\.");
        final byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++)
        {
            bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        return bytes;
    }
}
