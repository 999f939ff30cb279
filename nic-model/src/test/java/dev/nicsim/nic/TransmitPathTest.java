package dev.nicsim.nic;

import dev.nicsim.hw.eth.EthernetConfig;
import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.mem.DmaBuffer;
import dev.nicsim.hw.pcie.PcieConfig;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.trace.VcdWriter;
import dev.nicsim.nic.regs.Counters;
import dev.nicsim.nic.regs.NicRegisters;
import dev.nicsim.nic.regs.QueueRegisters;
import dev.nicsim.nic.regs.TxDescriptor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The transmit path, qtest style: checksum insertion, frames over several descriptors, queues, back-pressure. */
class TransmitPathTest
{
    private static final int EOP = TxDescriptor.CMD_EOP | TxDescriptor.CMD_IFCS | TxDescriptor.CMD_RS;
    private static final ValueLayout.OfShort BE_SHORT =
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final Simulator sim = new Simulator();
    private final EthernetLink link = new EthernetLink(sim, EthernetConfig.tenGigabit(), "link");
    private final List<byte[]> wire = new ArrayList<>();

    TransmitPathTest()
    {
        link.addTap((direction, time, frame, offset, length) ->
            wire.add(frame.asSlice(offset, length - 4).toArray(ValueLayout.JAVA_BYTE)));
    }

    private TestHost host(final NicConfig config)
    {
        final TestHost host = new TestHost(sim, "nic0", PcieConfig.defaults(), link.a(), config);
        host.enableAndReset();
        host.write(NicRegisters.TCTL, NicRegisters.TCTL_EN | NicRegisters.TCTL_PSP);
        return host;
    }

    @Test
    void shouldInsertAUdpChecksumFromStartAndOffsetIncludingThePseudoHeaderSum()
    {
        final TestHost host = host(NicConfig.defaults());
        final DmaBuffer ring = host.mapped(128, 128, "ring");
        final DmaBuffer buffer = host.mapped(2048, 64, "buffer");
        final MemorySegment memory = host.memory.segment();
        final long at = buffer.offset();
        final int length = 14 + 20 + 8 + 101;
        for (int i = 0; i < length; i++)
        {
            memory.set(ValueLayout.JAVA_BYTE, at + i, (byte) (i * 13));
        }
        memory.set(BE_SHORT, at + 12, (short) 0x0800);
        memory.set(ValueLayout.JAVA_BYTE, at + 14 + 9, (byte) 17);
        memory.set(BE_SHORT, at + 34 + 4, (short) (length - 34));
        final int pseudo = sum(memory, at + 26, 8, 17 + length - 34);
        memory.set(BE_SHORT, at + 40, (short) pseudo);
        TxDescriptor.write(memory, ring.offset(), buffer.busAddress(), length, EOP | TxDescriptor.CMD_IC, 40, 34);
        host.txRing(0, ring);

        host.write(QueueRegisters.tx(0, QueueRegisters.TAIL), 1);
        sim.run(sim.now() + Time.us(20));

        final MemorySegment sent = MemorySegment.ofArray(wire.get(0));
        assertEquals(0xFFFF, fold(sum(sent, 26, 8, 17 + length - 34) + sum(sent, 34, length - 34, 0)),
            "pseudo-header plus UDP segment sum to 0xFFFF: the inserted checksum verifies");
        for (int i = 0; i < length; i++)
        {
            if (i != 40 && i != 41)
            {
                assertEquals(memory.get(ValueLayout.JAVA_BYTE, at + i), sent.get(ValueLayout.JAVA_BYTE, i),
                    "byte " + i);
            }
        }
    }

    @Test
    void shouldGatherAFrameFromSeveralDescriptorsAndCompleteEachOne()
    {
        final TestHost host = host(NicConfig.defaults());
        final DmaBuffer ring = host.mapped(128, 128, "ring");
        final DmaBuffer buffer = host.mapped(3 * 2048, 64, "buffers");
        final MemorySegment memory = host.memory.segment();
        final int[] parts = {14, 300, 86};
        final byte[] expected = new byte[400];
        int filled = 0;
        for (int d = 0; d < 3; d++)
        {
            for (int i = 0; i < parts[d]; i++)
            {
                expected[filled + i] = (byte) (d * 50 + i);
                memory.set(ValueLayout.JAVA_BYTE, buffer.offset() + 2048L * d + i, expected[filled + i]);
            }
            filled += parts[d];
            TxDescriptor.write(memory, ring.offset() + 16L * d, buffer.busAddress(2048L * d), parts[d],
                d == 2 ? EOP : TxDescriptor.CMD_RS, 0, 0);
        }
        host.txRing(0, ring);

        host.write(QueueRegisters.tx(0, QueueRegisters.TAIL), 3);
        sim.run(sim.now() + Time.us(20));

        assertEquals(1, wire.size());
        assertArrayEquals(expected, wire.get(0));
        assertEquals(3, host.read(QueueRegisters.tx(0, QueueRegisters.HEAD)));
        for (int d = 0; d < 3; d++)
        {
            assertEquals(TxDescriptor.STA_DD, TxDescriptor.status(memory, ring.offset() + 16L * d), "descriptor " + d);
        }
    }

    @Test
    void shouldServeSeveralTxQueuesKeepingEachOnesOrder()
    {
        final TestHost host = host(NicConfig.builder().txQueues(3).build());
        final MemorySegment memory = host.memory.segment();
        final DmaBuffer buffers = host.mapped(3 * 4 * 2048, 64, "buffers");
        host.write(NicRegisters.TCTL, 0);
        for (int q = 0; q < 3; q++)
        {
            final DmaBuffer ring = host.mapped(128, 128, "ring" + q);
            for (int i = 0; i < 4; i++)
            {
                final long buffer = 2048L * (4 * q + i);
                memory.set(ValueLayout.JAVA_BYTE, buffers.offset() + buffer + 20, (byte) q);
                memory.set(ValueLayout.JAVA_BYTE, buffers.offset() + buffer + 21, (byte) i);
                TxDescriptor.write(memory, ring.offset() + 16L * i, buffers.busAddress(buffer), 60 + 100 * q, EOP, 0,
                    0);
            }
            host.txRing(q, ring);
            host.write(QueueRegisters.tx(q, QueueRegisters.TAIL), 4);
        }

        host.write(NicRegisters.TCTL, NicRegisters.TCTL_EN | NicRegisters.TCTL_PSP);
        sim.run(sim.now() + Time.us(30));

        assertEquals(12, wire.size());
        final int[] next = new int[3];
        for (final byte[] frame : wire)
        {
            final int queue = frame[20];
            assertEquals(60 + 100 * queue, frame.length);
            assertEquals(next[queue]++, frame[21], "queue " + queue + " keeps its order");
        }
        assertEquals(2, wire.get(wire.size() - 1)[20], "the last frames come from the queue that was fetched last");
    }

    @Test
    void shouldStallOnAFullTxFifoAndNeverHoldMoreThanItsDepth()
    {
        final TestHost host = host(NicConfig.builder().txFifoBytes(4096).build());
        final TxFeeder tx = new TxFeeder(host, 128, TwoHosts.frames(9, 0x02_00_00_00_00_01L, 0x02_00_00_00_00_02L,
            1514, 1514));

        tx.send(100);
        sim.runUntil(tx::done, Time.ms(1));
        sim.run(sim.now() + Time.us(20));

        assertEquals(100, wire.size());
        assertEquals(100, host.nic.counter(Counters.GPTC));
        assertEquals(2 * 1514, host.nic.txEngine.fifo.peak(), "two 1514-byte frames fit 4096 bytes; the third waits");
    }

    @Test
    void shouldStopDmaOnGioMasterDisableAndReportWhenItHasQuiesced()
    {
        final TestHost host = host(NicConfig.defaults());
        final TxFeeder tx = new TxFeeder(host, 256, TwoHosts.frames(9, 0x02_00_00_00_00_01L, 0x02_00_00_00_00_02L,
            60, 1514));
        tx.send(200);
        sim.run(sim.now() + Time.us(2));
        assertTrue(host.slot.dma().inFlight() > 0, "DMA is running");

        host.write(NicRegisters.CTRL, NicRegisters.CTRL_GIO_MASTER_DISABLE);
        int polls = 0;
        while ((host.read(NicRegisters.STATUS) & NicRegisters.STATUS_GIO_MASTER_ENABLED) != 0)
        {
            polls++;
        }

        assertEquals(0, host.slot.dma().inFlight(), "STATUS says quiesced only when no transfer is in flight");
        assertTrue(polls > 0, "it took a while");
        final long reads = host.slot.dma().readsIssued();
        final long writes = host.slot.dma().writesIssued();
        sim.run(sim.now() + Time.us(50));
        assertEquals(reads, host.slot.dma().readsIssued(), "no new DMA read after the disable");
        assertEquals(writes, host.slot.dma().writesIssued(), "no new DMA write after the disable");
    }

    @Test
    void shouldHaltAQueueOnADmaFaultInSiliconModeUntilItIsReEnabled()
    {
        final TestHost host = host(NicConfig.builder().misuseMode(MisuseMode.SILICON).build());
        final DmaBuffer ring = host.mapped(128, 128, "ring");
        final DmaBuffer buffer = host.mapped(2048, 64, "buffer");
        final MemorySegment memory = host.memory.segment();
        TxDescriptor.write(memory, ring.offset(), 0x7000_0000_0000L, 60, EOP, 0, 0);
        TxDescriptor.write(memory, ring.offset() + 16, buffer.busAddress(), 60, EOP, 0, 0);
        host.txRing(0, ring);

        host.write(QueueRegisters.tx(0, QueueRegisters.TAIL), 2);
        sim.run(sim.now() + Time.us(20));
        assertEquals(QueueRegisters.DCTL_ENABLE | QueueRegisters.DCTL_QERR,
            host.read(QueueRegisters.tx(0, QueueRegisters.DCTL)));
        assertEquals(0, wire.size(), "the halted queue sent nothing, not even the good second frame");
        assertEquals(1, host.nic.counter(Counters.DMAFAULTS));
        assertEquals(1, host.nic.counter(Counters.TXDROPS));

        TxDescriptor.write(memory, ring.offset(), buffer.busAddress(), 60, EOP, 0, 0);
        host.write(QueueRegisters.tx(0, QueueRegisters.DCTL), 0);
        host.write(QueueRegisters.tx(0, QueueRegisters.DCTL), QueueRegisters.DCTL_ENABLE);
        sim.run(sim.now() + Time.us(20));
        assertEquals(QueueRegisters.DCTL_ENABLE, host.read(QueueRegisters.tx(0, QueueRegisters.DCTL)));
        assertEquals(2, wire.size(), "re-enabled from head 0, both descriptors went out");
    }

    @Test
    void shouldRecordRingFifoInterruptAndMacSignals() throws IOException
    {
        final TestHost host = host(NicConfig.defaults());
        final VcdWriter vcd = new VcdWriter();
        host.nic.recordSignals(vcd);
        final TxFeeder tx = new TxFeeder(host, 64, TwoHosts.frames(9, 0x02_00_00_00_00_01L, 0x02_00_00_00_00_02L,
            60, 1514));

        tx.send(10);
        sim.run(sim.now() + Time.us(50));
        final StringWriter out = new StringWriter();
        vcd.writeTo(out, "test");

        final String dump = out.toString();
        for (final String name : List.of("$scope module nic0 $end", "$scope module tx0 $end", "head", "tail",
            "tx_level", "rx_level", "tx_busy", "rx_busy", "vector0", "icr"))
        {
            assertTrue(dump.contains(name), name);
        }
        assertTrue(vcd.changes() > 40, "ten frames move heads, tails, levels and the MAC: " + vcd.changes());
    }

    /** Ones'-complement sum of {@code length} bytes plus {@code extra}, folded to 16 bits. */
    private static int sum(final MemorySegment memory, final long offset, final int length, final int extra)
    {
        long sum = extra;
        for (int i = 0; i < length; i += 2)
        {
            final int high = memory.get(ValueLayout.JAVA_BYTE, offset + i) & 0xFF;
            final int low = i + 1 < length ? memory.get(ValueLayout.JAVA_BYTE, offset + i + 1) & 0xFF : 0;
            sum += high << 8 | low;
        }
        return fold(sum);
    }

    private static int fold(long sum)
    {
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }
}
