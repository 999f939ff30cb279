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
        final TwoHosts.Traffic traffic = hosts.traffic(5, 60, 1514);
        final long[] target = {0};
        final BooleanSupplier arrived = () -> traffic.rxA().received() == target[0] &&
            traffic.rxB().received() == target[0];

        final long allocated = AllocationMeter.steadyStateBytes(30, () ->
        {
            target[0] += BATCH;
            traffic.txA().send(BATCH);
            traffic.txB().send(BATCH);
            hosts.sim.runUntil(arrived, hosts.sim.now() + Time.ms(100));
        });

        assertEquals(31 * BATCH, traffic.rxA().received());
        assertEquals(31 * BATCH, traffic.rxB().received());
        assertEquals(0, traffic.rxA().wrong() + traffic.rxB().wrong());
        assertEquals(0, allocated, "bytes allocated while " + 2 * BATCH + " frames crossed the link");
    }
}
