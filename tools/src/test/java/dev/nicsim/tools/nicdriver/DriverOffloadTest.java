package dev.nicsim.tools.nicdriver;

import dev.nicsim.driver.DriverConfig;
import dev.nicsim.hw.eth.EthernetConfig;
import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.testsupport.ExternalTool;
import dev.nicsim.hw.trace.PcapWriter;
import dev.nicsim.nic.NicConfig;
import dev.nicsim.nic.regs.Counters;
import dev.nicsim.nic.regs.QueueCounters;
import dev.nicsim.nic.regs.RssRegisters;
import dev.nicsim.stack.device.NetDevice;
import dev.nicsim.stack.wire.Checksum;
import dev.nicsim.stack.wire.EthernetFrame;
import dev.nicsim.stack.wire.Ipv4Packet;
import dev.nicsim.stack.wire.TcpSegment;
import dev.nicsim.tools.drivercheck.FlowStream;
import dev.nicsim.tools.measure.Fairness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The driver's multi-queue and TSO paths on two NS-1s: RSS spreading 64 flows over 8 queues (and a skewed key or
 * table concentrating them), and a 64 KiB TSO segment crossing PCIe as one descriptor chain and leaving as the same
 * MSS-sized frames a stack would have built, which tshark decodes clean.
 */
class DriverOffloadTest
{
    private static final int QUEUES = 8;
    private static final int FLOWS = 64;
    private static final int FRAMES_PER_FLOW = 8;
    private static final int HEADER = 14 + 20 + 32;
    private static final int MSS = 1448;
    private static final int APPLICATION_BYTES = 65536;

    private static final int SOURCE = 0x0A000001;
    private static final int DESTINATION = 0x0A000002;

    @TempDir
    Path dir;

    private final EthernetFrame ethernet = new EthernetFrame();
    private final Ipv4Packet ip = new Ipv4Packet();
    private final TcpSegment tcp = new TcpSegment();

    private final Simulator sim = new Simulator();
    private final EthernetLink link = new EthernetLink(sim, EthernetConfig.tenGigabit(), "link");

    private DriverHost[] pair(final boolean tso, final int queues)
    {
        final NicConfig nic = NicConfig.builder().txQueues(QUEUES).rxQueues(QUEUES).tso(tso).build();
        final DriverConfig driver = DriverConfig.defaults().withQueues(queues, tso);
        final DriverHost a = new DriverHost(sim, "hostA", link.a(),
            nic.toBuilder().macAddress(DriverPair.MAC_A).build(), driver);
        final DriverHost b = new DriverHost(sim, "hostB", link.b(),
            nic.toBuilder().macAddress(DriverPair.MAC_B).build(), driver);
        a.driver.probe();
        b.driver.probe();
        return new DriverHost[] {a, b};
    }

    /* ---------------------------------------------------------------------------------------------------------- */
    /* RSS                                                                                                          */

    @Test
    void shouldSpreadSixtyFourFlowsOverEightQueuesAndShowASkewedKeyOrTable()
    {
        final DriverHost[] hosts = pair(false, QUEUES);
        final FlowStream receiver = new FlowStream(hosts[1].driver, DriverPair.MAC_A);
        hosts[1].driver.setReceiver(receiver);

        final long[] even = sendFlows(hosts);
        for (int q = 0; q < QUEUES; q++)
        {
            assertEquals(even[q], hosts[1].nic.queueCounter(q, QueueCounters.QPRC), "QPRC(" + q + ")");
            assertEquals(even[q], hosts[1].driver.readQueueCounter(q, QueueCounters.QPRC), "QPRC(" + q + ") by MMIO");
            assertEquals(even[q], receiver.received(q), "the stack learns each frame's queue");
        }
        assertEquals((long) FLOWS * FRAMES_PER_FLOW, Arrays.stream(even).sum());
        assertTrue(receiver.flowsOnOneQueue() && receiver.flows() == FLOWS, "every flow's frames arrive on one queue");
        long txQueuesUsed = 0;
        for (int q = 0; q < QUEUES; q++)
        {
            txQueuesUsed += hosts[0].nic.queueCounter(q, QueueCounters.QPTC) > 0 ? 1 : 0;
        }
        assertEquals(QUEUES, txQueuesUsed, "the sender spreads the flows over its TX queues too");
        final double evenIndex = Fairness.jain(even);
        System.out.printf("RSS, 64 flows over 8 queues, even table: frames per queue %s, Jain's index %.3f%n",
            Arrays.toString(even), evenIndex);
        assertTrue(evenIndex > 0.8, "64 flows hash roughly evenly: " + evenIndex);

        // Half the table on queue 0 (as a hand-edited ethtool -X weight might leave it).
        final int[] table = new int[RssRegisters.RETA_ENTRIES];
        for (int i = 0; i < table.length; i++)
        {
            table[i] = i < 64 ? 0 : i % QUEUES;
        }
        hosts[1].driver.setRssTable(table);
        final long[] skewed = sendFlows(hosts);
        final double skewedIndex = Fairness.jain(skewed);
        System.out.printf("RSS, skewed table (entries 0-63 on queue 0): %s, Jain's index %.3f%n",
            Arrays.toString(skewed), skewedIndex);
        assertTrue(skewedIndex < evenIndex - 0.3 && skewed[0] > FLOWS * FRAMES_PER_FLOW / 3,
            "a skewed table concentrates the flows: " + skewedIndex);

        // A key of zeros hashes every flow to 0: everything lands on the queue of entry 0.
        hosts[1].driver.setRssTable(evenTableFor());
        hosts[1].driver.setRssKey(new byte[RssRegisters.KEY_BYTES]);
        final long[] zeroKey = sendFlows(hosts);
        System.out.printf("RSS, zero key: %s, Jain's index %.3f%n", Arrays.toString(zeroKey),
            Fairness.jain(zeroKey));
        assertEquals((long) FLOWS * FRAMES_PER_FLOW, zeroKey[0], "a zero key sends every flow to queue 0");
        assertEquals(1.0 / QUEUES, Fairness.jain(zeroKey), 1e-9);
    }

    private static int[] evenTableFor()
    {
        final int[] table = new int[RssRegisters.RETA_ENTRIES];
        for (int i = 0; i < table.length; i++)
        {
            table[i] = i % QUEUES;
        }
        return table;
    }

    /** Sends the 64 UDP flows from A to B; returns the frames B's driver received per queue meanwhile. */
    private long[] sendFlows(final DriverHost[] hosts)
    {
        sim.run(sim.now() + Time.us(10));
        final long[] before = new long[QUEUES];
        for (int q = 0; q < QUEUES; q++)
        {
            before[q] = hosts[1].driver.framesReceived(q);
        }
        new FlowStream(hosts[0].driver, DriverPair.MAC_B).sendFlows(FLOWS, FRAMES_PER_FLOW);
        sim.run(sim.now() + Time.ms(1));
        final long[] counts = new long[QUEUES];
        for (int q = 0; q < QUEUES; q++)
        {
            counts[q] = hosts[1].driver.framesReceived(q) - before[q];
        }
        return counts;
    }

    /** Ethernet and IPv4 headers from A to B, written by the stack's own wire views. */
    private void headers(final MemorySegment m, final long at, final int protocol, final int ipLength, final int id)
    {
        ethernet.wrap(m, at, 14);
        ethernet.emit(DriverPair.MAC_B, DriverPair.MAC_A, EthernetFrame.TYPE_IPV4);
        ip.wrap(m, at + 14, 20);
        ip.emit(0, ipLength, id, 0x4000, 64, protocol, SOURCE, DESTINATION);
    }

    /* ---------------------------------------------------------------------------------------------------------- */
    /* TSO                                                                                                          */

    @Test
    void shouldSendA64KiBSegmentAsOneDescriptorChainAndTheFramesAStackWouldBuild() throws IOException
    {
        final List<byte[]> tso = new ArrayList<>();
        final long[] tsoWire = new long[2];
        final Path capture = dir.resolve("tso.pcap");
        final DriverHost[] hosts = pair(true, 1);
        final DriverHost a = hosts[0];
        assertEquals(NetDevice.FEATURE_TSO, a.driver.features() & NetDevice.FEATURE_TSO);
        try (OutputStream out = Files.newOutputStream(capture); PcapWriter pcap = new PcapWriter(out, 65535))
        {
            link.addTap(pcap);
            link.addTap((direction, time, frame, offset, length) ->
            {
                tso.add(frame.asSlice(offset, length - 4).toArray(ValueLayout.JAVA_BYTE));
                tsoWire[tso.size() == 1 ? 0 : 1] = time;
            });
            sim.run(sim.now() + Time.us(10));
            final long reads = a.slot.dma().bytesRead();
            final long fetched = a.nic.counter(Counters.TDFETCH);
            final long doorbells = a.driver.doorbells();
            final int length = HEADER + APPLICATION_BYTES;
            final long handedOver = sim.now();
            final int slot = a.driver.txReserveTso(0, length);
            writeSegment(a.driver.txMemory(), a.driver.txOffset(slot));
            a.driver.txCommitTso(slot, length, HEADER, MSS);
            a.driver.txFlush();
            sim.run(sim.now() + Time.us(200));
            final int descriptors = (length + 16383) / 16384;
            assertEquals(1, a.driver.doorbells() - doorbells, "one doorbell");
            assertEquals(descriptors, a.nic.counter(Counters.TDFETCH) - fetched, "one chain of descriptors");
            assertEquals(length + 16L * descriptors, a.slot.dma().bytesRead() - reads,
                "PCIe carried the descriptors and every byte of the segment once");
            System.out.printf("TSO, 64 KiB in one segment: %d B read over PCIe (%d descriptors), 1 doorbell, " +
                "first frame on the wire %.3f us after the commit, last %.3f us%n", a.slot.dma().bytesRead() - reads,
                descriptors, (tsoWire[0] - handedOver) / 1e6, (tsoWire[1] - handedOver) / 1e6);
        }
        final int frames = (APPLICATION_BYTES + MSS - 1) / MSS;
        assertEquals(frames, tso.size(), "MSS-sized frames on the wire");

        // The same bytes cut by software (as the stack does without TSO), on a fresh pair of hosts.
        final List<byte[]> software = new ArrayList<>();
        final Simulator sim2 = new Simulator();
        final EthernetLink link2 = new EthernetLink(sim2, EthernetConfig.tenGigabit(), "link");
        final NicConfig nic = NicConfig.builder().macAddress(DriverPair.MAC_A).build();
        final DriverHost plain = new DriverHost(sim2, "hostA", link2.a(), nic, DriverConfig.defaults());
        new DriverHost(sim2, "hostB", link2.b(), nic.toBuilder().macAddress(DriverPair.MAC_B).build(),
            DriverConfig.defaults()).driver.probe();
        plain.driver.probe();
        sim2.run(sim2.now() + Time.us(10));
        final long plainReads = plain.slot.dma().bytesRead();
        link2.addTap((direction, time, frame, offset, length) ->
            software.add(frame.asSlice(offset, length - 4).toArray(ValueLayout.JAVA_BYTE)));
        final MemorySegment whole = MemorySegment.ofArray(new byte[HEADER + APPLICATION_BYTES]);
        writeSegment(whole, 0);
        for (int k = 0; k < frames; k++)
        {
            final int bytes = Math.min(MSS, APPLICATION_BYTES - k * MSS);
            final int slot = plain.driver.txReserve();
            final long at = plain.driver.txOffset(slot);
            final MemorySegment m = plain.driver.txMemory();
            MemorySegment.copy(whole, 0, m, at, HEADER);
            MemorySegment.copy(whole, HEADER + (long) k * MSS, m, at + HEADER, bytes);
            softwareSegment(m, at, k, bytes, k == frames - 1);
            plain.driver.txCommit(slot, HEADER + bytes, 34, 50);
            if (k % 32 == 31)
            {
                plain.driver.txFlush();
                sim2.run(sim2.now() + Time.us(50));
            }
        }
        plain.driver.txFlush();
        sim2.run(sim2.now() + Time.us(200));
        assertEquals(frames, software.size());
        final long softwareBytes = software.stream().mapToLong(frame -> frame.length + 16L).sum();
        assertEquals(softwareBytes, plain.slot.dma().bytesRead() - plainReads,
            "without TSO every frame's headers and descriptor cross PCIe");
        System.out.printf("Software segmentation of the same 64 KiB: %d B read over PCIe (%d descriptors)%n",
            softwareBytes, frames);
        for (int k = 0; k < frames; k++)
        {
            assertArrayEquals(software.get(k), tso.get(k), "frame " + k + ": TSO and software segmentation agree");
        }

        ExternalTool.require(ExternalTool.installed("tshark"), "tshark is not installed");
        final ExternalTool.Result bad = ExternalTool.run(dir, "tshark", "-r", capture.toString(),
            "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE",
            "-Y", "_ws.malformed || ip.checksum.status == \"Bad\" || tcp.checksum.status == \"Bad\" || " +
                "_ws.expert.severity == error");
        assertEquals(0, bad.exitCode(), bad.stderr());
        assertEquals("", bad.stdout().strip(), "malformed frames or bad checksums");
        final ExternalTool.Result good = ExternalTool.run(dir, "tshark", "-r", capture.toString(),
            "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE",
            "-Y", "tcp.checksum.status == \"Good\" && ip.checksum.status == \"Good\"", "-T", "fields",
            "-e", "tcp.len");
        final String[] lengths = good.stdout().strip().split("\\s+");
        assertEquals(frames, lengths.length, good.stdout());
        assertEquals(Integer.toString(MSS), lengths[0]);
        assertEquals(Integer.toString(APPLICATION_BYTES - (frames - 1) * MSS), lengths[frames - 1]);
    }

    /** A TCP/IPv4 segment of 64 KiB as a stack hands it to a TSO device: pseudo-header sum (length 0) in the field. */
    private void writeSegment(final MemorySegment m, final long at)
    {
        headers(m, at, Ipv4Packet.PROTOCOL_TCP, (HEADER - 14 + APPLICATION_BYTES) & 0xFFFF, 0x1000);
        tcp.wrap(m, at + 34, HEADER - 34);
        tcp.emit(40000, 5001, 1_000_000, 1, TcpSegment.ACK | TcpSegment.PSH, 502, HEADER - 34 - 20);
        tcp.writeOptions(-1, false, true, 12345, 678, -1);
        tcp.checksum(Checksum.pseudoHeader(SOURCE, DESTINATION, Ipv4Packet.PROTOCOL_TCP, 0));
        for (int i = 0; i < APPLICATION_BYTES; i++)
        {
            m.set(ValueLayout.JAVA_BYTE, at + HEADER + i, (byte) ('a' + (i * 31 + i / 977) % 26));
        }
    }

    /** Frame k's headers as a stack builds them without TSO; the device inserts the TCP checksum (IC). */
    private void softwareSegment(final MemorySegment m, final long at, final int k, final int bytes,
        final boolean last)
    {
        headers(m, at, Ipv4Packet.PROTOCOL_TCP, HEADER - 14 + bytes, 0x1000 + k);
        tcp.wrap(m, at + 34, HEADER - 34);
        tcp.emit(40000, 5001, 1_000_000 + k * MSS, 1, TcpSegment.ACK | (last ? TcpSegment.PSH : 0), 502,
            HEADER - 34 - 20);
        tcp.writeOptions(-1, false, true, 12345, 678, -1);
        tcp.checksum(Checksum.pseudoHeader(SOURCE, DESTINATION, Ipv4Packet.PROTOCOL_TCP, HEADER - 34 + bytes));
    }
}
