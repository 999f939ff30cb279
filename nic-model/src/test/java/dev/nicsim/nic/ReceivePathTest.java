package dev.nicsim.nic;

import dev.nicsim.hw.eth.EthernetConfig;
import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.pcie.InterruptController;
import dev.nicsim.hw.pcie.PcieConfig;
import dev.nicsim.hw.sim.ClockDomain;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.nic.regs.Counters;
import dev.nicsim.nic.regs.InterruptCauses;
import dev.nicsim.nic.regs.NicRegisters;
import dev.nicsim.nic.regs.QueueRegisters;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The receive MAC and engine, qtest style: frames put on the wire by hand, counters and interrupts checked. */
class ReceivePathTest
{
    private static final long STATION = 0x02_00_00_00_00_42L;
    private static final long OTHER = 0x02_00_00_00_00_43L;
    private static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
    private static final long MULTICAST = 0x01_00_5E_00_00_01L;

    private final Simulator sim = new Simulator();
    private final EthernetLink link = new EthernetLink(sim,
        new EthernetConfig(10_000_000_000L, Time.ns(10), 2048, 12), "link");
    private final TestHost host = new TestHost(sim, "nic0", PcieConfig.defaults(), link.a(),
        NicConfig.builder().macAddress(STATION).build());
    private final RxConsumer rx;

    ReceivePathTest()
    {
        host.enableAndReset();
        rx = new RxConsumer(host, 64, TwoHosts.frames(1, OTHER, STATION, 60, 60));
        rx.refill(false);
        host.settle();
    }

    private void receive(final long destination, final int length, final boolean goodFcs)
    {
        host.settle();
        WireFrames.send(link.b(), destination, length, goodFcs);
        sim.run(sim.now() + Time.us(10));
    }

    @Test
    void shouldFilterByStationAddressBroadcastAndPromiscuousModes()
    {
        host.write(NicRegisters.RCTL, NicRegisters.RCTL_EN);
        receive(STATION, 60, true);
        receive(OTHER, 60, true);
        receive(BROADCAST, 60, true);
        receive(MULTICAST, 60, true);
        assertEquals(1, host.nic.counter(Counters.GPRC), "only the station's own unicast");
        assertEquals(3, host.nic.counter(Counters.FILTERED));

        host.write(NicRegisters.RCTL, NicRegisters.RCTL_EN | NicRegisters.RCTL_BAM | NicRegisters.RCTL_UPE |
            NicRegisters.RCTL_MPE);
        receive(OTHER, 60, true);
        receive(BROADCAST, 60, true);
        receive(MULTICAST, 60, true);
        assertEquals(4, host.nic.counter(Counters.GPRC));
        assertEquals(1, host.nic.counter(Counters.BPRC));
        assertEquals(1, host.nic.counter(Counters.MPRC));
        rx.handler.handleInterrupt();
        assertEquals(4, rx.received(), "four buffers hold frames");
    }

    @Test
    void shouldDropAndCountBadFramesByCause()
    {
        receive(STATION, 60, true);
        assertEquals(1, host.nic.counter(Counters.RXDISABLED), "RCTL.EN is clear");

        host.write(NicRegisters.RCTL, NicRegisters.RCTL_EN);
        receive(STATION, 100, false);
        receive(STATION, 40, true);
        receive(STATION, 1600, true);
        receive(STATION, 1514, true);

        assertEquals(1, host.nic.counter(Counters.CRCERRS));
        assertEquals(2, host.nic.counter(Counters.LENERRS), "a 44-byte runt and a 1604-byte giant");
        assertEquals(104 + 44 + 1604, host.nic.counter(Counters.BORC));
        assertEquals(1, host.nic.counter(Counters.GPRC));
        assertEquals(1518, host.nic.counter(Counters.GORC), "good octets include the FCS");
        assertEquals(5, host.nic.counter(Counters.TPR));
    }

    @Test
    void shouldDropWhatDoesNotFitTheRxFifoWhileTheEngineIsHeldBack()
    {
        host.write(NicRegisters.RCTL, NicRegisters.RCTL_EN);
        host.write(NicRegisters.CTRL, NicRegisters.CTRL_GIO_MASTER_DISABLE);
        host.settle();

        for (int i = 0; i < 100; i++)
        {
            WireFrames.send(link.b(), STATION, 1514, true);
        }
        sim.run(sim.now() + Time.us(200));

        assertEquals(68, host.nic.counter(Counters.MPC), "49152 bytes of FIFO hold 32 frames of 1514");
        assertEquals(0, host.nic.counter(Counters.GPRC), "no DMA while GIO master is disabled");
        assertTrue((host.read(NicRegisters.ICR) & InterruptCauses.RXO) != 0);

        host.write(NicRegisters.CTRL, 0);
        sim.run(sim.now() + Time.us(200));
        assertEquals(32, host.nic.counter(Counters.GPRC), "the frames held in the FIFO go out once DMA may run");
        rx.handler.handleInterrupt();
        assertEquals(32, rx.received());
    }

    @Test
    void shouldReportLinkChangesInStatusAndWithAnInterrupt()
    {
        final List<Long> other = new ArrayList<>();
        host.vector(InterruptCauses.otherVector(2, 2), () -> other.add(sim.now()));
        host.write(NicRegisters.IMS, InterruptCauses.LSC);
        host.settle();

        link.setUp(false);
        sim.run(sim.now() + Time.us(10));
        assertEquals(0, host.read(NicRegisters.STATUS) & NicRegisters.STATUS_LU);
        assertEquals(1, other.size());
        assertEquals(InterruptCauses.LSC, host.read(NicRegisters.ICR));

        link.setUp(true);
        sim.run(sim.now() + Time.us(10));
        assertEquals(NicRegisters.STATUS_LU, host.read(NicRegisters.STATUS) & NicRegisters.STATUS_LU);
        assertEquals(2, other.size());
    }

    @Test
    void shouldRaiseTheReceiveInterruptAfterTheModeledStages()
    {
        final long[] handled = {-1};
        host.vector(InterruptCauses.rxVector(0), () -> handled[0] = sim.now());
        host.write(NicRegisters.RCTL, NicRegisters.RCTL_EN);
        host.write(NicRegisters.IMS, InterruptCauses.rxQueue(0));
        sim.run(Time.us(50));
        final PcieConfig pcie = host.slot.link().config();
        final NicConfig nic = host.nic.config();
        final ClockDomain core = host.nic.coreClock();

        WireFrames.send(link.b(), STATION, 60, true);
        sim.runUntil(() -> handled[0] >= 0, Time.ms(1));

        long t = Time.us(50);
        t += (EthernetConfig.PREAMBLE_AND_SFD_BYTES + 64) * link.config().psPerByte() + link.config().propagationPs();
        t += nic.phyRxLatencyPs() + host.nic.macClock().cycles(nic.macRxPipelineCycles());
        t = core.nextEdge(t) + core.cycles(nic.fifoSyncCycles());
        t += core.cycles(nic.descriptorCycles() + ClockDomain.beats(60, nic.coreDatapathBytes()));
        t += pcie.serializationPs(PcieConfig.REQUEST_OVERHEAD_BYTES + 60);
        t += pcie.serializationPs(PcieConfig.REQUEST_OVERHEAD_BYTES + 16);
        t += pcie.serializationPs(PcieConfig.REQUEST_OVERHEAD_BYTES + 4) + pcie.postedWriteLatencyPs();
        t += InterruptController.DEFAULT_LATENCY_PS;
        assertEquals(t, handled[0], "last bit in, PHY and MAC, FIFO crossing, FIFO read-out, data and descriptor " +
            "TLPs, MSI-X message, host interrupt latency");
        assertEquals(1_383_299, t - Time.us(50));
    }

    @Test
    void shouldSignalLinkDownDropsOnTransmit()
    {
        final TxFeeder tx = new TxFeeder(host, 64, TwoHosts.frames(1, STATION, OTHER, 60, 1514));
        host.write(NicRegisters.TCTL, NicRegisters.TCTL_EN | NicRegisters.TCTL_PSP);
        link.setUp(false);

        tx.send(10);
        sim.runUntil(tx::done, Time.ms(1));
        sim.run(sim.now() + Time.us(20));

        assertEquals(10, host.nic.counter(Counters.TXLINKDOWN));
        assertEquals(0, host.nic.counter(Counters.GPTC));
        assertEquals(0, link.a().framesSent(), "nothing went onto the wire");
        assertEquals(10, host.read(QueueRegisters.tx(0, QueueRegisters.HEAD)), "the descriptors were still completed");
    }
}
