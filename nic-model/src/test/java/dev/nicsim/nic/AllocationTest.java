package dev.nicsim.nic;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.trace.AllocationMeter;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
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

        final Runnable batch = () ->
        {
            target[0] += BATCH;
            traffic.txA().send(BATCH);
            traffic.txB().send(BATCH);
            hosts.sim.runUntil(arrived, hosts.sim.now() + Time.ms(100));
        };
        final long[] runs = new long[5];
        runs[0] = AllocationMeter.steadyStateBytes(20, batch);
        for (int run = 1; run < runs.length; run++)
        {
            runs[run] = AllocationMeter.steadyStateBytes(0, batch);
        }

        assertEquals(25 * BATCH, traffic.rxA().received());
        assertEquals(25 * BATCH, traffic.rxB().received());
        assertEquals(0, traffic.rxA().wrong() + traffic.rxB().wrong());
        assertEquals(0, Arrays.stream(runs).min().orElseThrow(), "bytes allocated by five steady-state runs of " +
            2 * BATCH + " frames each: " + Arrays.toString(runs) + " (a one-off JIT " +
            "deoptimisation may allocate in one run; an allocation per frame would show in all)");
    }
}
