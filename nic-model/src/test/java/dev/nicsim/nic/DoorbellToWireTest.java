package dev.nicsim.nic;

import dev.nicsim.hw.eth.EthernetConfig;
import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.mem.DmaBuffer;
import dev.nicsim.hw.pcie.PcieConfig;
import dev.nicsim.hw.sim.CausalityLog;
import dev.nicsim.hw.sim.ClockDomain;
import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.CriticalPath;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.nic.regs.InterruptCauses;
import dev.nicsim.nic.regs.NicRegisters;
import dev.nicsim.nic.regs.QueueRegisters;
import dev.nicsim.nic.regs.TxDescriptor;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * From a TX doorbell to the frame's first bit on the wire, qtest style: the time is the sum of the stages the
 * datasheet lists, each computed here from the parameters, and a DMA read latency change moves it by exactly the
 * number of DMA reads on the path times the change.
 */
class DoorbellToWireTest
{
    private static final long DOORBELL_AT = Time.us(20);
    private static final int FRAME = 60;

    /** What one run saw. */
    private record Run(long firstBitOnWire, long tapTime, long dmaReads, byte[] wire, int status, long interruptAt,
                       CausalityLog causality)
    {
    }

    private static Run run(final PcieConfig pcie)
    {
        final Simulator sim = new Simulator();
        final CausalityLog causality = new CausalityLog();
        final EthernetLink link = new EthernetLink(sim, EthernetConfig.tenGigabit(), "link");
        final TestHost host = new TestHost(sim, "nic0", pcie, link.a(), NicConfig.defaults());
        final List<byte[]> wire = new ArrayList<>();
        final long[] tap = {-1};
        link.addTap((direction, time, frame, offset, length) ->
        {
            tap[0] = time;
            wire.add(frame.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
        });
        final long[] interrupt = {-1};
        host.enableAndReset();
        host.vector(InterruptCauses.txVector(host.nic.config().rxQueues(), 0), () -> interrupt[0] = sim.now());
        final DmaBuffer ring = host.mapped(128, 128, "tx ring");
        final DmaBuffer buffer = host.mapped(2048, 64, "tx buffer");
        final MemorySegment memory = host.memory.segment();
        for (int i = 0; i < FRAME; i++)
        {
            memory.set(ValueLayout.JAVA_BYTE, buffer.offset() + i, (byte) (i * 7 + 1));
        }
        TxDescriptor.write(memory, ring.offset(), buffer.busAddress(), FRAME,
            TxDescriptor.CMD_EOP | TxDescriptor.CMD_IFCS | TxDescriptor.CMD_RS, 0, 0);
        host.txRing(0, ring);
        host.write(NicRegisters.TCTL, NicRegisters.TCTL_EN | NicRegisters.TCTL_PSP);
        host.write(NicRegisters.IMS, InterruptCauses.txQueue(0));
        sim.run(DOORBELL_AT);
        final long readsBefore = host.slot.dma().readsIssued();
        sim.recordCausality(causality);
        sim.markExternal("doorbell", Component.HOST_CPU);

        sim.beginCall();
        host.write(QueueRegisters.tx(0, QueueRegisters.TAIL), 1);
        sim.endCall();
        sim.runUntil(() -> interrupt[0] >= 0 && tap[0] >= 0, DOORBELL_AT + Time.ms(1));

        final long preamble = EthernetConfig.PREAMBLE_AND_SFD_BYTES * link.config().psPerByte();
        return new Run(tap[0] - preamble, tap[0], host.slot.dma().readsIssued() - readsBefore, wire.get(0),
            TxDescriptor.status(memory, ring.offset()), interrupt[0], causality);
    }

    @Test
    void shouldPutTheFirstBitOnTheWireAfterExactlyTheSumOfTheModeledStages()
    {
        final PcieConfig pcie = PcieConfig.defaults();
        final NicConfig nic = NicConfig.defaults();
        final ClockDomain core = new ClockDomain("core", nic.coreClockPeriodPs());
        final ClockDomain mac = new ClockDomain("mac", nic.macClockPeriodPs());
        final Map<String, Long> stages = new LinkedHashMap<>();
        long t = DOORBELL_AT;
        t = stage(stages, "CPU issues the posted MMIO write", t, t + pcie.mmioWriteIssuePs());
        t = stage(stages, "write TLP serialized on the link", t,
            t + pcie.serializationPs(PcieConfig.REQUEST_OVERHEAD_BYTES + 4));
        t = stage(stages, "MMIO write latency to the device", t, t + pcie.mmioWriteLatencyPs());
        t = stage(stages, "register file samples on the next core edge", t, core.nextEdge(t));
        t = stage(stages, "register effect + fetch issue (1 + 2 core cycles)", t,
            t + core.cycles(nic.registerCycles() + nic.fetchIssueCycles()));
        t = stage(stages, "DMA read of 1 descriptor (16 B)", t, t + dmaRead(pcie, TxDescriptor.BYTES));
        t = stage(stages, "descriptor enters the cache on the next core edge", t, core.nextEdge(t));
        t = stage(stages, "descriptor decode (1 core cycle)", t, t + core.cycles(nic.descriptorCycles()));
        t = stage(stages, "DMA read of the 60-byte buffer", t, t + dmaRead(pcie, FRAME));
        t = stage(stages, "data enters the TX FIFO on the next core edge", t, core.nextEdge(t));
        t = stage(stages, "checksum unit: 1 beat of 64 B + 2 pipeline cycles", t,
            t + core.cycles(ClockDomain.beats(FRAME, nic.coreDatapathBytes()) + nic.checksumPipelineCycles()));
        t = stage(stages, "TX FIFO synchronizer into the MAC (2 MAC cycles)", t, t + mac.cycles(nic.fifoSyncCycles()));
        t = stage(stages, "MAC TX pipeline, pad + FCS (4 MAC cycles)", t, t + mac.cycles(nic.macTxPipelineCycles()));
        t = stage(stages, "PHY TX latency", t, t + nic.phyTxLatencyPs());
        final long expected = t;
        stages.forEach((name, ps) -> System.out.printf("  %-55s %10d ps%n", name, ps));
        System.out.printf("  %-55s %10d ps%n", "doorbell to first bit on the wire", expected - DOORBELL_AT);

        final Run run = run(pcie);

        assertEquals(expected, run.firstBitOnWire(), "the first bit leaves when the listed stages add up to");
        assertEquals(1_716_824, expected - DOORBELL_AT, "the datasheet quotes this total for the defaults");
        assertEquals(2, run.dmaReads(), "one descriptor read and one buffer read on the path");
        assertEquals(TxDescriptor.STA_DD, run.status(), "DD written back because RS was set");
        final byte[] frame = new byte[FRAME + 4];
        for (int i = 0; i < FRAME; i++)
        {
            frame[i] = (byte) (i * 7 + 1);
        }
        final CRC32 crc = new CRC32();
        crc.update(frame, 0, FRAME);
        final int fcs = (int) crc.getValue();
        for (int i = 0; i < 4; i++)
        {
            frame[FRAME + i] = (byte) (fcs >>> (8 * i));
        }
        assertArrayEquals(frame, run.wire(), "the buffer's bytes and their FCS, least significant byte first");
    }

    @Test
    void shouldMoveTheWireTimeByTheNumberOfDmaReadsTimesALatencyChange()
    {
        final PcieConfig base = PcieConfig.defaults();
        final long change = Time.ns(100);

        final Run before = run(base);
        final Run after = run(base.withReadLatencyPs(base.readLatencyPs() + change));

        assertEquals(2, after.dmaReads());
        assertEquals(after.dmaReads() * change, after.firstBitOnWire() - before.firstBitOnWire());
        assertEquals(200_000, after.firstBitOnWire() - before.firstBitOnWire());
    }

    @Test
    void shouldChargeEachStageToTheBlockThatSpentIt()
    {
        final PcieConfig pcie = PcieConfig.defaults();
        final Run run = run(pcie);
        final CausalityLog log = run.causality();
        int wireStart = -1;
        for (int record = 0; record < log.size(); record++)
        {
            if (log.name(record).equals("nic0.mac-tx"))
            {
                wireStart = record;
            }
        }

        final Map<Component, Long> split = CriticalPath.of(log, wireStart, DOORBELL_AT).byComponent();

        assertEquals(run.firstBitOnWire(), log.time(wireStart));
        assertEquals(Map.of(
            Component.HOST_CPU, pcie.mmioWriteIssuePs(),
            Component.PCIE_DMA, 3_555 + pcie.mmioWriteLatencyPs() + dmaRead(pcie, 16) + dmaRead(pcie, FRAME),
            Component.NIC_PIPELINE, 2_445L + 12_000 + 842 + 4_000 + 3_596 + 12_000,
            Component.MAC_WIRE, 12_800L + 25_600 + 18_424), split,
            "CPU issue; PCIe: MMIO write and two DMA reads; NIC: edges, cycles, decode, checksum; MAC: sync, MAC, PHY");
    }

    private static long dmaRead(final PcieConfig pcie, final int bytes)
    {
        return pcie.serializationPs(PcieConfig.REQUEST_OVERHEAD_BYTES) + bytes * pcie.completerPsPerByte() +
            pcie.readLatencyPs() + pcie.serializationPs(bytes + PcieConfig.COMPLETION_OVERHEAD_BYTES);
    }

    private static long stage(final Map<String, Long> stages, final String name, final long from, final long to)
    {
        stages.put(name, to - from);
        return to;
    }
}
