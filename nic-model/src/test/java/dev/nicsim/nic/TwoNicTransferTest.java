package dev.nicsim.nic;

import dev.nicsim.hw.eth.CorruptFault;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.nic.regs.Counters;
import dev.nicsim.nic.regs.InterruptCauses;
import dev.nicsim.nic.regs.NicRegisters;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two NICs on one link, driven qtest style (no driver): bulk transfer both ways, and a starved receiver. */
class TwoNicTransferTest
{
    @Test
    void shouldCarryAHundredThousandRandomSizedFramesEachWayByteExactAcrossRingWrapAround()
    {
        final int frames = 100_000;
        final TwoHosts hosts = new TwoHosts(NicConfig.defaults());
        final TwoHosts.Traffic traffic = hosts.traffic(1, 60, 1514);

        traffic.txA().send(frames);
        traffic.txB().send(frames);
        final boolean finished = hosts.sim.runUntil(() -> traffic.rxA().received() == frames &&
            traffic.rxB().received() == frames, Time.seconds(1));

        assertTrue(finished, "A received " + traffic.rxA().received() + ", B received " + traffic.rxB().received());
        assertEquals(0, traffic.rxA().wrong() + traffic.rxB().wrong(), "frames out of order or not byte-exact");
        assertEquals(0, traffic.rxA().badChecksums() + traffic.rxB().badChecksums(),
            "raw checksums that differ from a recomputation");
        for (final TestHost host : new TestHost[] {hosts.a, hosts.b})
        {
            assertEquals(frames, host.nic.counter(Counters.GPTC));
            assertEquals(frames, host.nic.counter(Counters.GPRC));
            assertEquals(frames, host.nic.counter(Counters.TPR));
            assertEquals(0, host.nic.counter(Counters.MPC) + host.nic.counter(Counters.RNBC) +
                host.nic.counter(Counters.CRCERRS), "nothing dropped with the RX ring provisioned");
        }
        assertTrue(hosts.sim.now() < Time.ms(200), "simulated time " + Time.format(hosts.sim.now()));
    }

    @Test
    void shouldCountFramesCorruptedOnTheWayAsCrcErrorsThoughTheirSenderAppendedAGoodFcs()
    {
        final TwoHosts hosts = new TwoHosts(NicConfig.defaults());
        final CorruptFault corrupt = new CorruptFault(0.5, 11);
        hosts.link.b().addReceiveFault(corrupt);
        final TwoHosts.Traffic traffic = hosts.traffic(2, 60, 1514);

        traffic.txA().send(200);
        hosts.sim.runUntil(() -> hosts.b.nic.counter(Counters.TPR) == 200, Time.ms(10));
        hosts.sim.run(hosts.sim.now() + Time.us(50));

        assertTrue(corrupt.corrupted() > 50, "about half corrupted: " + corrupt.corrupted());
        assertEquals(corrupt.corrupted(), hosts.b.nic.counter(Counters.CRCERRS), "each one caught by the FCS check");
        assertEquals(200 - corrupt.corrupted(), traffic.rxB().received());
        assertEquals(0, traffic.rxB().badChecksums(), "the delivered frames' raw checksums match their bytes");
    }

    @Test
    void shouldDropAndCountExactlyTheFramesAStarvedReceiverHadNoDescriptorFor()
    {
        final TwoHosts hosts = new TwoHosts(NicConfig.defaults());
        final FramePattern toB = TwoHosts.frames(3, TwoHosts.MAC_A, TwoHosts.MAC_B, 60, 1514);
        final RxConsumer rxA = new RxConsumer(hosts.a, 64, TwoHosts.frames(4, TwoHosts.MAC_B, TwoHosts.MAC_A, 60,
            1514));
        final RxConsumer rxB = new RxConsumer(hosts.b, 64, toB);
        final TxFeeder txA = new TxFeeder(hosts.a, 256, toB);
        final TxFeeder txB = new TxFeeder(hosts.b, 64, TwoHosts.frames(4, TwoHosts.MAC_B, TwoHosts.MAC_A, 60, 1514));
        TwoHosts.start(hosts.a, rxA, txA);
        TwoHosts.start(hosts.b, rxB, txB);
        hosts.b.write(NicRegisters.IMS, InterruptCauses.RXNB);
        rxB.refill(false);

        txA.send(100);
        hosts.sim.runUntil(() -> hosts.b.nic.counter(Counters.TPR) == 100, Time.ms(10));
        hosts.sim.run(hosts.sim.now() + Time.us(20));

        assertEquals(63, rxB.received(), "a 64-descriptor ring holds 63 buffers for the device");
        assertEquals(0, rxB.wrong(), "the first 63 frames arrived, in order");
        assertEquals(37, hosts.b.nic.counter(Counters.RNBC), "every later frame had no descriptor");
        assertEquals(100, hosts.b.nic.counter(Counters.TPR));
        assertEquals(0, hosts.b.nic.counter(Counters.MPC), "the FIFO never overflowed: the drops are for descriptors");
        assertTrue((hosts.b.read(NicRegisters.ICR) & InterruptCauses.RXNB) != 0, "cause RXNB was raised");
    }
}
