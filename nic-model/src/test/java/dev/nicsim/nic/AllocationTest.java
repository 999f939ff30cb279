package dev.nicsim.nic;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.trace.AllocationMeter;
import org.junit.jupiter.api.Test;

import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Steady-state transmit and receive through two NICs allocate nothing (ThreadMXBean's per-thread counter). */
class AllocationTest
{
    private static final int BATCH = 1_000;

    @Test
    void shouldAllocateNothingPerFrameInSteadyStateTxAndRx()
    {
        final TwoHosts hosts = new TwoHosts(NicConfig.defaults());
        final RxConsumer rxA = new RxConsumer(hosts.a, 256, TwoHosts.frames(6, TwoHosts.MAC_B, TwoHosts.MAC_A, 60,
            1514));
        final RxConsumer rxB = new RxConsumer(hosts.b, 256, TwoHosts.frames(5, TwoHosts.MAC_A, TwoHosts.MAC_B, 60,
            1514));
        final TxFeeder txA = new TxFeeder(hosts.a, 256, TwoHosts.frames(5, TwoHosts.MAC_A, TwoHosts.MAC_B, 60, 1514));
        final TxFeeder txB = new TxFeeder(hosts.b, 256, TwoHosts.frames(6, TwoHosts.MAC_B, TwoHosts.MAC_A, 60, 1514));
        TwoHosts.start(hosts.a, rxA, txA);
        TwoHosts.start(hosts.b, rxB, txB);
        final long[] target = {0};
        final BooleanSupplier arrived = () -> rxA.received() == target[0] && rxB.received() == target[0];

        final long allocated = AllocationMeter.steadyStateBytes(30, () ->
        {
            target[0] += BATCH;
            txA.send(BATCH);
            txB.send(BATCH);
            hosts.sim.runUntil(arrived, hosts.sim.now() + Time.ms(100));
        });

        assertEquals(31 * BATCH, rxA.received());
        assertEquals(31 * BATCH, rxB.received());
        assertEquals(0, rxA.wrong() + rxB.wrong());
        assertEquals(0, allocated, "bytes allocated while " + 2 * BATCH + " frames crossed the link");
    }
}
