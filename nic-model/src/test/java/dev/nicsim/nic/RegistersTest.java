package dev.nicsim.nic;

import dev.nicsim.hw.eth.EthernetConfig;
import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.pcie.PcieConfig;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.trace.EventTrace;
import dev.nicsim.nic.regs.Counters;
import dev.nicsim.nic.regs.DeviceIdentity;
import dev.nicsim.nic.regs.InterruptCauses;
import dev.nicsim.nic.regs.NicRegisters;
import dev.nicsim.nic.regs.QueueRegisters;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The register map as the datasheet draws it: identification, reset values, access types, the reset sequence. */
class RegistersTest
{
    private final Simulator sim = new Simulator();
    private final EthernetLink link = new EthernetLink(sim, EthernetConfig.tenGigabit(), "link");
    private final TestHost host = new TestHost(sim, "nic0", PcieConfig.defaults(), link.a(),
        NicConfig.builder().macAddress(0x02_12_34_56_78_9AL).txQueues(3).rxQueues(2).build());

    RegistersTest()
    {
        host.nic.function().enableBusMaster();
    }

    @Test
    void shouldIdentifyItselfInTheHeader()
    {
        assertEquals(DeviceIdentity.ID_VALUE, host.read(NicRegisters.ID));
        assertEquals(1, DeviceIdentity.major(host.read(NicRegisters.VERSION)));
        assertEquals(DeviceIdentity.FEATURES_VALUE, host.read(NicRegisters.FEATURES));
        final int queues = host.read(NicRegisters.QUEUES);
        assertEquals(3, DeviceIdentity.queuesField(queues, DeviceIdentity.QUEUES_TX_SHIFT));
        assertEquals(2, DeviceIdentity.queuesField(queues, DeviceIdentity.QUEUES_RX_SHIFT));
        assertEquals(6, DeviceIdentity.queuesField(queues, DeviceIdentity.QUEUES_VECTORS_SHIFT));
        assertEquals(10_000, host.read(NicRegisters.LINK_SPEED));
        assertEquals(NicRegisters.MSIX_TABLE_OFFSET, host.read(NicRegisters.MSIX_TABLE));
        assertEquals(NicRegisters.MSIX_PBA_OFFSET, host.read(NicRegisters.MSIX_PBA));
        assertEquals(1522, host.read(NicRegisters.MAX_FRAME));
        assertEquals(QueueRegisters.STRIDE, host.read(NicRegisters.QUEUE_STRIDE));
    }

    @Test
    void shouldComeOutOfResetWithTheDatasheetsValues()
    {
        assertEquals(0, host.read(NicRegisters.CTRL));
        assertEquals(NicRegisters.STATUS_LU | NicRegisters.STATUS_GIO_MASTER_ENABLED, host.read(NicRegisters.STATUS));
        assertEquals(0, host.read(NicRegisters.ICR));
        assertEquals(0, host.read(NicRegisters.IMS));
        assertEquals(0, host.read(NicRegisters.RCTL));
        assertEquals(0, host.read(NicRegisters.TCTL));
        assertEquals(14, host.read(NicRegisters.RXCSUM));
        assertEquals(0x02_12_34_56_78_9AL, NicRegisters.macAddress(host.read(NicRegisters.RAL0),
            host.read(NicRegisters.RAH0)));
        assertEquals(0x5634_1202, host.read(NicRegisters.RAL0), "byte 0 (first on the wire) in bits 7:0");
        assertEquals(NicRegisters.RAH_AV | 0x9A78, host.read(NicRegisters.RAH0));
        for (int q = 0; q < 3; q++)
        {
            for (final int register : new int[] {QueueRegisters.BAL, QueueRegisters.BAH, QueueRegisters.LEN,
                QueueRegisters.HEAD, QueueRegisters.TAIL, QueueRegisters.DCTL})
            {
                assertEquals(0, host.read(QueueRegisters.tx(q, register)));
            }
        }
        assertEquals(NicRegisters.MSIX_CONTROL_MASK, host.read(NicRegisters.msix(0, NicRegisters.MSIX_CONTROL)),
            "MSI-X vectors come out of reset masked");
    }

    @Test
    void shouldSelfClearResetAfterItsCyclesAndRestoreResetValues()
    {
        host.write(NicRegisters.RCTL, NicRegisters.RCTL_EN);
        host.write(NicRegisters.RAL0, 0x1111_1111);
        host.write(NicRegisters.IMS, InterruptCauses.LSC);
        host.settle();
        final long start = sim.now();

        sim.beginCall();
        host.write(NicRegisters.CTRL, NicRegisters.CTRL_RST);
        sim.endCall();
        final long arrival = start + host.slot.link().config().mmioWriteIssuePs() +
            host.slot.link().config().serializationPs(28) + host.slot.link().config().mmioWriteLatencyPs();
        sim.run(arrival);
        assertTrue(host.nic.resetting());

        final long done = host.nic.coreClock().edgeAfter(arrival, 250);
        sim.run(done - 1);
        assertTrue(host.nic.resetting(), "still in reset one picosecond before 250 core cycles have passed");
        sim.run(done);
        assertTrue(!host.nic.resetting(), "RST self-clears after 250 core cycles (1 us)");
        assertEquals(0, host.read(NicRegisters.CTRL));
        assertEquals(0, host.read(NicRegisters.RCTL));
        assertEquals(0, host.read(NicRegisters.IMS));
        assertEquals(NicRegisters.ral(0x02_12_34_56_78_9AL), host.read(NicRegisters.RAL0), "reloaded");
    }

    @Test
    void shouldLatchCausesUntilReadOrWrittenOneAndRequestVectorsOnlyWhenEnabled()
    {
        host.write(NicRegisters.ICS, InterruptCauses.LSC | InterruptCauses.txQueue(1));
        assertEquals(InterruptCauses.LSC | InterruptCauses.txQueue(1), host.read(NicRegisters.ICR), "ICS sets causes");
        assertEquals(0, host.read(NicRegisters.ICR), "reading ICR cleared every bit");

        host.write(NicRegisters.ICS, InterruptCauses.LSC | InterruptCauses.RXO);
        host.write(NicRegisters.ICR, InterruptCauses.RXO);
        assertEquals(InterruptCauses.LSC, host.read(NicRegisters.ICR), "writing 1 cleared only that bit");

        final int[] other = {0};
        host.vector(InterruptCauses.otherVector(2, 3), () -> other[0]++);
        host.write(NicRegisters.ICS, InterruptCauses.LSC);
        sim.run(sim.now() + Time.us(10));
        assertEquals(0, other[0], "a cause masked in IMS sends nothing");

        host.write(NicRegisters.IMS, InterruptCauses.LSC);
        sim.run(sim.now() + Time.us(10));
        assertEquals(1, other[0], "enabling a cause already set in ICR requests its vector");
        assertEquals(InterruptCauses.LSC, host.read(NicRegisters.IMS));
        host.write(NicRegisters.IMC, InterruptCauses.LSC);
        assertEquals(0, host.read(NicRegisters.IMS));
    }

    @Test
    void shouldSetEveryVectorsIntervalThroughItr()
    {
        host.write(NicRegisters.ITR, 0x1_0123);
        assertEquals(0x0123, host.read(NicRegisters.ITR), "16-bit interval");
        for (int v = 0; v < 6; v++)
        {
            assertEquals(0x0123, host.read(NicRegisters.eitr(v)));
        }
        host.write(NicRegisters.eitr(4), 7);
        assertEquals(7, host.read(NicRegisters.eitr(4)));
        assertEquals(0x0123, host.read(NicRegisters.eitr(3)));
    }

    @Test
    void shouldReadSixtyFourBitCountersConsistentlyAndNeverClearThem()
    {
        host.nic.stats.add(Counters.GORC, 0x1_FFFF_FFFFL);
        final int low = host.read(Counters.offset(Counters.GORC));
        host.nic.stats.add(Counters.GORC, 1);
        final int high = host.read(Counters.offset(Counters.GORC) + 4);
        assertEquals(0x1_FFFF_FFFFL, (long) high << 32 | (low & 0xFFFF_FFFFL), "the high half was latched");
        final int lowAgain = host.read(Counters.offset(Counters.GORC));
        final int highAgain = host.read(Counters.offset(Counters.GORC) + 4);
        assertEquals(0x2_0000_0000L, (long) highAgain << 32 | (lowAgain & 0xFFFF_FFFFL),
            "reading did not clear the counter");
    }

    @Test
    void shouldTraceEveryRegisterAccessWithItsTime()
    {
        final EventTrace trace = new EventTrace(true);
        host.nic.traceTo(trace);
        host.settle();
        final long start = sim.now();

        host.write(NicRegisters.IMS, InterruptCauses.LSC);
        host.settle();
        host.read(NicRegisters.STATUS);

        final List<EventTrace.Entry> entries = trace.entries();
        assertEquals(2, entries.size());
        assertEquals(EventTrace.Kind.MMIO, entries.get(0).kind());
        assertEquals("write IMS = 0x4", entries.get(0).detail());
        assertEquals(start + 100_000 + 3_555 + 450_000, entries.get(0).time(), "when the write reached the device");
        assertEquals("read  STATUS = 0x80002", entries.get(1).detail());
    }

    @Test
    void shouldRejectAConfigurationItCannotMeet()
    {
        final IllegalArgumentException queues = assertThrows(IllegalArgumentException.class,
            () -> NicConfig.builder().txQueues(9).build());
        assertEquals("NIC config txQueues must be in [1, 8], got 9", queues.getMessage());
        final IllegalArgumentException mac = assertThrows(IllegalArgumentException.class,
            () -> NicConfig.builder().macAddress(0x01_00_5E_00_00_01L).build());
        assertTrue(mac.getMessage().contains("unicast"), mac.getMessage());
        final Simulator other = new Simulator();
        final EthernetLink fast = new EthernetLink(other, EthernetConfig.ofCable(25_000_000_000L, 1), "fast");
        final IllegalArgumentException slow = assertThrows(IllegalArgumentException.class, () -> new TestHost(other,
            "nic1", PcieConfig.defaults(), fast.a(), NicConfig.defaults()));
        assertTrue(slow.getMessage().contains("raise macDatapathBytes or the MAC clock"), slow.getMessage());
    }
}
