package dev.nicsim.tools.nicdriver;

import dev.nicsim.driver.DriverConfig;
import dev.nicsim.driver.DriverException;
import dev.nicsim.driver.DriverFault;
import dev.nicsim.driver.NicDriver;
import dev.nicsim.hw.eth.EthernetConfig;
import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.host.CpuCosts;
import dev.nicsim.hw.host.HostCpu;
import dev.nicsim.hw.mem.DmaAllocator;
import dev.nicsim.hw.mem.HostMemory;
import dev.nicsim.hw.mem.Iommu;
import dev.nicsim.hw.pcie.InterruptController;
import dev.nicsim.hw.pcie.PcieConfig;
import dev.nicsim.hw.pcie.RegisterSpace;
import dev.nicsim.hw.pcie.RootComplex;
import dev.nicsim.hw.pcie.device.PcieSlot;
import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.nic.NicConfig;
import dev.nicsim.nic.NicMisuseException;
import dev.nicsim.nic.regs.Counters;
import dev.nicsim.nic.regs.DeviceIdentity;
import dev.nicsim.nic.regs.NicErrors;
import dev.nicsim.nic.regs.NicRegisters;
import dev.nicsim.stack.device.NetDevice;
import dev.nicsim.tools.drivercheck.FrameStream;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Probe, refusal, deliberately broken variants caught by strict mode, statistics and clean shutdown. */
class DriverLifecycleTest
{
    @Test
    void shouldProbeReadTheMacAndProgramTheDevice()
    {
        final DriverPair pair = new DriverPair(DriverConfig.defaults());
        final NicDriver driver = pair.a.driver;

        assertTrue(driver.isUp());
        assertEquals(DriverPair.MAC_A, driver.macAddress());
        assertEquals(1500, driver.mtu());
        assertEquals(NetDevice.FEATURE_TX_CHECKSUM | NetDevice.FEATURE_RX_CHECKSUM, driver.features());
        assertEquals(1518, driver.txCapacity());
        assertTrue(pair.a.slot.config().busMasterEnabled());
        assertEquals(4, pair.a.iommu.mappingCount(), "two rings and two buffer blocks mapped for the device");
        assertEquals(0, driver.readCounter(Counters.GPRC));
    }

    @Test
    void shouldRefuseADeviceThatIsNotAnNs1()
    {
        final FakeHost host = new FakeHost(0x8086, 0x100E, DeviceIdentity.VERSION_VALUE, false);

        final DriverException refusal = assertThrows(DriverException.class, host.driver::probe);

        assertEquals("fake.eth0: PCI function fake is 8086:100e, not an NS-1 (4e53:0001); bind this driver to an " +
            "NS-1 only", refusal.getMessage());
    }

    @Test
    void shouldRefuseAVersionItDoesNotKnow()
    {
        final FakeHost host = new FakeHost(DeviceIdentity.PCI_VENDOR_ID, DeviceIdentity.PCI_DEVICE_ID, 2 << 16 | 3,
            false);

        final DriverException refusal = assertThrows(DriverException.class, host.driver::probe);

        assertEquals("fake.eth0: device version 2.3 is not supported: this driver knows major version 1; use a " +
            "driver for that version", refusal.getMessage());
    }

    @Test
    void shouldGiveUpOnAResetThatNeverCompletesAfterItsTimeoutInSimulatedTime()
    {
        final FakeHost host = new FakeHost(DeviceIdentity.PCI_VENDOR_ID, DeviceIdentity.PCI_DEVICE_ID,
            DeviceIdentity.VERSION_VALUE, true);
        final long start = host.sim.now();

        final DriverException refusal = assertThrows(DriverException.class, host.driver::probe);

        assertEquals("fake.eth0: the device did not come out of reset within 10 ms (CTRL = 0x4000000)",
            refusal.getMessage());
        final long elapsed = host.sim.now() - start;
        assertTrue(elapsed > Time.ms(10) && elapsed < Time.ms(10) + Time.us(20), "the identity reads, then polls " +
            "1 us apart until the first one past the deadline: " + elapsed + " ps");
    }

    @Test
    void shouldRefuseToBlockInsideAnEvent()
    {
        final FakeHost host = new FakeHost(DeviceIdentity.PCI_VENDOR_ID, DeviceIdentity.PCI_DEVICE_ID,
            DeviceIdentity.VERSION_VALUE, false);
        final AtomicReference<RuntimeException> thrown = new AtomicReference<>();
        host.sim.schedule(new Event("probe-in-event", Component.HOST_CPU, () ->
        {
            try
            {
                host.driver.probe();
            }
            catch (final IllegalStateException e)
            {
                thrown.set(e);
            }
        }), Time.us(1));

        host.sim.run(Time.us(2));

        assertEquals("fake.eth0: probe() polls the device in simulated time and so must be called from set-up code, " +
            "outside any event", thrown.get().getMessage());
    }

    @Test
    void shouldBeCaughtByStrictModeWhenDeliberatelyBroken()
    {
        final NicMisuseException misaligned = probeBroken(DriverFault.MISALIGNED_RING);
        assertEquals("RING_BASE_MISALIGNED", misaligned.errorName());
        assertTrue(misaligned.getMessage().contains("TDBAL(0) = 0x") &&
            misaligned.getMessage().contains(NicErrors.rule(NicErrors.RING_BASE_MISALIGNED)), misaligned.getMessage());

        assertEquals("DMA_BUS_MASTER_OFF", probeBroken(DriverFault.NO_BUS_MASTER).errorName());
        final NicMisuseException unprogrammed = probeBroken(DriverFault.UNMASK_BEFORE_PROGRAMMING);
        assertEquals("MSIX_UNPROGRAMMED", unprogrammed.errorName());
        assertTrue(unprogrammed.getMessage().contains("MSI-X vector 0"), unprogrammed.getMessage());
    }

    @Test
    void shouldBeCaughtByStrictModeWhenItsRxBuffersAreNotMapped()
    {
        final Simulator sim = new Simulator();
        final EthernetLink link = new EthernetLink(sim, EthernetConfig.tenGigabit(), "link");
        final DriverHost a = new DriverHost(sim, "hostA", link.a(), NicConfig.builder().macAddress(DriverPair.MAC_A)
            .build(), DriverConfig.defaults());
        final DriverHost b = new DriverHost(sim, "hostB", link.b(), NicConfig.builder().macAddress(DriverPair.MAC_B)
            .build(), DriverConfig.defaults().withFault(DriverFault.UNMAPPED_RX_BUFFERS));
        a.driver.probe();
        b.driver.probe();
        final FrameStream stream = new FrameStream(sim, a.driver, 1, DriverPair.MAC_B, 2);
        a.driver.setReceiver(stream);

        stream.send(1);
        final NicMisuseException stop = assertThrows(NicMisuseException.class, () -> sim.run(sim.now() + Time.ms(1)));

        assertEquals("DMA_UNMAPPED", stop.errorName());
        assertTrue(stop.getMessage().startsWith("hostB.nic: DMA_UNMAPPED at "), stop.getMessage());
        assertTrue(stop.getMessage().contains("RX queue 0 buffer write at descriptor 0: write of"),
            stop.getMessage());
    }

    @Test
    void shouldShutDownCleanlyWaitingForDmaAndFreeingEverything()
    {
        final DriverPair pair = new DriverPair(DriverConfig.defaults());
        pair.streamA.send(2_000);
        pair.streamB.send(2_000);
        pair.sim.run(pair.sim.now() + Time.us(300));
        final int mappedBefore = pair.a.iommu.mappingCount();

        pair.a.driver.shutdown();
        pair.b.driver.shutdown();

        assertEquals(4, mappedBefore);
        for (final DriverHost host : new DriverHost[] {pair.a, pair.b})
        {
            assertEquals(0, host.slot.dma().inFlight(), "no DMA in flight when memory was released");
            assertEquals(0, host.iommu.mappingCount(), "every mapping removed");
            assertEquals(0, host.allocator.allocatedCount(), "every ring and buffer freed");
            assertFalse(host.slot.config().busMasterEnabled());
            assertFalse(host.driver.isUp());
            assertEquals(NetDevice.NO_SLOT, host.driver.txReserve());
        }
        pair.sim.run(pair.sim.now() + Time.ms(1));
        assertEquals(0, pair.a.slot.dma().faults(), "nothing touched the freed memory afterwards");
    }

    @Test
    void shouldReadSixtyFourBitCountersOverMmio()
    {
        final DriverPair pair = new DriverPair(DriverConfig.defaults());
        pair.streamA.send(300);
        pair.sim.runUntil(() -> pair.streamB.received() == 300, Time.ms(10));

        final long[] counters = pair.b.driver.readCounters();

        assertEquals(300, counters[Counters.GPRC]);
        assertEquals(300, counters[Counters.TPR]);
        assertEquals(pair.a.nic.counter(Counters.GOTC), counters[Counters.GORC], "what A sent is what B received");
        assertEquals(300, pair.a.driver.readCounter(Counters.GPTC));
        assertThrows(IllegalArgumentException.class, () -> pair.a.driver.readCounter(Counters.COUNT));
    }

    @Test
    void shouldRejectCommitsTheRingDidNotHandOut()
    {
        final DriverPair pair = new DriverPair(DriverConfig.defaults());
        final AtomicReference<RuntimeException> unreserved = new AtomicReference<>();
        final AtomicReference<RuntimeException> empty = new AtomicReference<>();
        pair.sim.schedule(new Event("stack", Component.HOST_CPU, () ->
        {
            unreserved.set(assertThrows(IllegalStateException.class, () -> pair.a.driver.txCommit(5, 60, -1, -1)));
            final int slot = pair.a.driver.txReserve();
            empty.set(assertThrows(IllegalArgumentException.class, () -> pair.a.driver.txCommit(slot, 0, -1, -1)));
        }), pair.sim.now() + Time.us(1));

        pair.sim.run(pair.sim.now() + Time.us(10));

        assertEquals("TX slot 5 is not reserved (reserved slots are 0 up to, not including, 0): commit each slot " +
            "txReserve() returned, once", unreserved.get().getMessage());
        assertEquals("TX frame length 0 for slot 0 is not in [1, 1518]; every reserved slot needs a frame of at " +
            "least one byte", empty.get().getMessage());
    }

    private static NicMisuseException probeBroken(final DriverFault fault)
    {
        final Simulator sim = new Simulator();
        final EthernetLink link = new EthernetLink(sim, EthernetConfig.tenGigabit(), "link");
        final DriverHost host = new DriverHost(sim, "hostA", link.a(), NicConfig.defaults(),
            DriverConfig.defaults().withFault(fault));
        return assertThrows(NicMisuseException.class, () ->
        {
            host.driver.probe();
            sim.run(sim.now() + Time.us(50));
        });
    }

    /** A host whose PCIe slot holds a register file that only pretends to be a NIC. */
    private static final class FakeHost
    {
        final Simulator sim = new Simulator();
        final NicDriver driver;

        FakeHost(final int vendor, final int device, final int version, final boolean stuckInReset)
        {
            final HostMemory memory = new HostMemory(1 << 20);
            final RootComplex root = new RootComplex(sim, memory, new Iommu(memory),
                new InterruptController(sim, 0));
            final PcieSlot slot = new PcieSlot(root, PcieConfig.defaults(), "fake", vendor, device, 1);
            slot.plug(new RegisterSpace()
            {
                @Override
                public long size()
                {
                    return NicRegisters.BAR_SIZE;
                }

                @Override
                public int read32(final long offset)
                {
                    return switch ((int) offset)
                    {
                        case NicRegisters.ID -> DeviceIdentity.ID_VALUE;
                        case NicRegisters.VERSION -> version;
                        case NicRegisters.FEATURES -> DeviceIdentity.FEATURES_VALUE;
                        case NicRegisters.MAX_FRAME -> 1522;
                        case NicRegisters.CTRL -> stuckInReset ? NicRegisters.CTRL_RST : 0;
                        default -> 0;
                    };
                }

                @Override
                public void write32(final long offset, final int value)
                {
                }
            });
            driver = new NicDriver("fake.eth0", slot.function(), root, new DmaAllocator(memory),
                new HostCpu(sim, CpuCosts.defaults(), "cpu"), DriverConfig.defaults());
        }
    }
}
