package dev.nicsim.nic;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.trace.AllocationMeter;
import org.junit.jupiter.api.Test;

import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Steady-state transmit and receive through two NICs allocate nothing (ThreadMXBean's per-thread counter). Every batch
 * has the same frame lengths, so the platform's pools (DMA transactions, frames in flight) reach their working size
 * during warm-up; with ever-new random lengths a new peak now and then would still grow a pool by an object.
 */
class AllocationTest
{
    private static final int BATCH = 1_000;

    @Test
    void shouldAllocateNothingPerFrameInSteadyStateTxAndRx()
    {
        final TwoHosts hosts = new TwoHosts(NicConfig.defaults());
        final TwoHosts.Traffic traffic = hosts.traffic(5, 60, 1514, BATCH);
        final long[] target = {0};
        final BooleanSupplier arrived = () -> traffic.rxA().received() == target[0] &&
            traffic.rxB().received() == target[0];

        final long allocated = AllocationMeter.steadyStateBytes(40, () ->
        {
            target[0] += BATCH;
            traffic.txA().send(BATCH);
            traffic.txB().send(BATCH);
            hosts.sim.runUntil(arrived, hosts.sim.now() + Time.ms(100));
        });

        assertEquals(41 * BATCH, traffic.rxA().received());
        assertEquals(41 * BATCH, traffic.rxB().received());
        assertEquals(0, traffic.rxA().wrong() + traffic.rxB().wrong());
        assertEquals(0, allocated, "bytes allocated while " + 2 * BATCH + " frames crossed the link");
    }
}
