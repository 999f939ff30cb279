package dev.nicsim.hw.pcie.device;

import dev.nicsim.hw.pcie.Mmio;
import dev.nicsim.hw.pcie.MsiVector;
import dev.nicsim.hw.pcie.PciFunction;
import dev.nicsim.hw.pcie.PcieConfig;
import dev.nicsim.hw.pcie.RegisterSpace;
import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Time;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MmioAndMsixTest
{
    private final PcieConfig pcie = PcieConfig.defaults();
    private final Platform platform = new Platform(pcie).enableBusMaster();
    private final List<String> deviceLog = new ArrayList<>();
    private final int[] registers = new int[16];
    private final PciFunction function = platform.slot.plug(new RegisterSpace()
    {
        @Override
        public long size()
        {
            return 4096;
        }

        @Override
        public int read32(final long offset)
        {
            return registers[(int) offset / 4];
        }

        @Override
        public void write32(final long offset, final int value)
        {
            deviceLog.add(offset + "=" + value + "@" + platform.sim.now());
            registers[(int) offset / 4] = value;
        }
    });
    private final Mmio bar0 = function.bar0();

    @Test
    void shouldDeliverPostedWritesInOrderAfterTheirLatency()
    {
        bar0.write32(0x10, 1);
        bar0.write32(0x14, 2);

        final long tlp = pcie.serializationPs(PcieConfig.REQUEST_OVERHEAD_BYTES + 4);
        final long firstArrival = pcie.mmioWriteIssuePs() + tlp + pcie.mmioWriteLatencyPs();
        final long secondArrival = 2 * pcie.mmioWriteIssuePs() + tlp + pcie.mmioWriteLatencyPs();
        platform.sim.run(Time.ms(1));

        assertEquals(List.of("16=1@" + firstArrival, "20=2@" + secondArrival), deviceLog);
    }

    @Test
    void shouldStallTheCpuForAReadAndNotLetItPassEarlierWrites()
    {
        final long[] readAt = {0};
        final int[] value = {0};
        platform.sim.schedule(new Event("driver", Component.HOST_CPU, () ->
        {
            bar0.write32(0x08, 77);
            value[0] = bar0.read32(0x08);
            readAt[0] = platform.sim.now();
        }), 1_000);
        platform.sim.run(Time.ms(1));

        assertEquals(77, value[0], "the read sees the posted write before it");
        assertEquals(1_000 + pcie.mmioWriteIssuePs() + pcie.mmioReadLatencyPs(), readAt[0]);
        assertEquals(1, deviceLog.size(), "the write was delivered exactly once");
    }

    @Test
    void shouldNotLetACpuRunningAheadReserveTheLinkBeforeEarlierTraffic()
    {
        final var buffer = platform.allocator.allocate(64, 64, "data");
        platform.iommu.map(buffer, dev.nicsim.hw.mem.Iommu.Access.READ_ONLY);
        final long[] readDone = {-1};
        platform.sim.schedule(new Event("busy-driver", Component.HOST_CPU, () ->
        {
            platform.slot.dma().read(buffer.busAddress(), 64, java.lang.foreign.Arena.ofAuto().allocate(64), 0,
                (tag, status) -> readDone[0] = platform.sim.now(), 0);
            platform.sim.consume(Time.us(500));
            bar0.write32(0x10, 1);
        }), 0);
        platform.sim.run(Time.ms(1));

        assertEquals(545_972, readDone[0], "the read's completion crosses the link before a write issued 500 us later");
        final long tlp = pcie.serializationPs(PcieConfig.REQUEST_OVERHEAD_BYTES + 4);
        assertEquals(List.of("16=1@" + (Time.us(500) + pcie.mmioWriteIssuePs() + tlp + pcie.mmioWriteLatencyPs())),
            deviceLog);
    }

    @Test
    void shouldRejectMisalignedOrOutOfBarAccesses()
    {
        final IllegalArgumentException misaligned = assertThrows(IllegalArgumentException.class,
            () -> bar0.write32(0x02, 0));
        assertTrue(misaligned.getMessage().contains("not 4-byte aligned"));
        assertThrows(IllegalArgumentException.class, () -> bar0.read32(4096));
    }

    @Test
    void shouldRunTheHandlerAfterTheMessageArrivesAndTheHostLatency()
    {
        final List<Long> handled = new ArrayList<>();
        final MsiVector vector = platform.interrupts.allocate("dev0-q0", () -> handled.add(platform.sim.now()));
        final MsixTable table = new MsixTable(4, platform.slot.dma());
        table.writeTable(MsixTable.ENTRY_ADDRESS_LOW, (int) vector.address());
        table.writeTable(MsixTable.ENTRY_ADDRESS_HIGH, (int) (vector.address() >>> 32));
        table.writeTable(MsixTable.ENTRY_DATA, vector.data());
        table.writeTable(MsixTable.ENTRY_CONTROL, 0);

        table.raise(0);
        platform.sim.run(Time.ms(1));

        final long message = pcie.serializationPs(PcieConfig.REQUEST_OVERHEAD_BYTES + 4) + pcie.postedWriteLatencyPs();
        assertEquals(List.of(message + platform.interrupts.latencyPs()), handled);
    }

    @Test
    void shouldHoldAMaskedVectorPendingAndSendItOnUnmask()
    {
        final List<Long> handled = new ArrayList<>();
        final MsiVector vector = platform.interrupts.allocate("dev0-q1", () -> handled.add(platform.sim.now()));
        final MsixTable table = new MsixTable(4, platform.slot.dma());
        table.writeTable(16 + MsixTable.ENTRY_ADDRESS_LOW, (int) vector.address());
        table.writeTable(16 + MsixTable.ENTRY_DATA, vector.data());

        table.raise(1);
        table.raise(1);
        platform.sim.run(Time.us(100));
        assertTrue(handled.isEmpty(), "masked after reset");
        assertEquals(0b10, table.readPending(0));

        table.writeTable(16 + MsixTable.ENTRY_CONTROL, 0);
        platform.sim.run(Time.us(200));
        assertEquals(1, handled.size(), "one message for the pending raises");
        assertEquals(0, table.readPending(0));
        assertTrue(table.isProgrammed(1));
        assertTrue(!table.isProgrammed(2));
    }

    @Test
    void shouldMergeAMessageThatArrivesBeforeTheHandlerRan()
    {
        final List<Long> handled = new ArrayList<>();
        final MsiVector vector = platform.interrupts.allocate("dev0-q2", () -> handled.add(platform.sim.now()));
        platform.slot.dma().sendMessage(vector.address(), vector.data());
        platform.slot.dma().sendMessage(vector.address(), vector.data());
        platform.slot.dma().sendMessage(0xFEE0_0000L, 250);
        platform.sim.run(Time.ms(1));

        assertEquals(1, handled.size());
        assertEquals(1, vector.coalesced());
        assertEquals(1, platform.interrupts.spurious(), "a message for an unallocated vector");
    }

    @Test
    void shouldRunTheHandlerAgainForAMessageSentBeforeItRanThatLandsAfter()
    {
        final List<Long> handled = new ArrayList<>();
        final MsiVector vector = platform.interrupts.allocate("dev0-q3", () -> handled.add(platform.sim.now()));
        final long message = pcie.serializationPs(PcieConfig.REQUEST_OVERHEAD_BYTES + 4) + pcie.postedWriteLatencyPs();
        final long firstHandler = message + platform.interrupts.latencyPs();
        // The second message leaves 1 ns before the first handler runs and lands after it: not merged.
        final long second = firstHandler - 1_000;
        platform.sim.schedule(new Event("device", Component.NIC_PIPELINE,
            () -> platform.slot.dma().sendMessage(vector.address(), vector.data())), second);

        platform.slot.dma().sendMessage(vector.address(), vector.data());
        platform.sim.run(Time.ms(1));

        assertEquals(List.of(firstHandler, second + message + platform.interrupts.latencyPs()), handled);
        assertEquals(0, vector.coalesced());
        assertEquals(2, vector.deliveries());
        assertEquals(2, platform.sim.firedCount() - 1, "one event per handler run, none for a landing");
    }
}
