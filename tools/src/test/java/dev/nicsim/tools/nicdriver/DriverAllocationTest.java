package dev.nicsim.tools.nicdriver;

import dev.nicsim.driver.DriverConfig;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.trace.AllocationMeter;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Steady-state transmit and receive through driver and NIC allocate nothing (ThreadMXBean). Every batch has the same
 * frame lengths, so the platform's pools reach their working size during warm-up.
 */
class DriverAllocationTest
{
    private static final int BATCH = 1_000;

    @Test
    void shouldAllocateNothingPerFrameThroughDriverAndNic()
    {
        final DriverPair pair = new DriverPair(DriverConfig.defaults());
        pair.streamA.repeatEvery(BATCH);
        pair.streamB.repeatEvery(BATCH);
        final long[] target = {0};
        final BooleanSupplier arrived = () -> pair.streamA.received() == target[0] &&
            pair.streamB.received() == target[0];

        final Runnable batch = () ->
        {
            target[0] += BATCH;
            pair.streamA.send(BATCH);
            pair.streamB.send(BATCH);
            pair.sim.runUntil(arrived, pair.sim.now() + Time.ms(100));
        };
        final long[] runs = new long[5];
        runs[0] = AllocationMeter.steadyStateBytes(20, batch);
        for (int run = 1; run < runs.length; run++)
        {
            runs[run] = AllocationMeter.steadyStateBytes(0, batch);
        }

        assertEquals(25L * BATCH, pair.streamB.received());
        assertEquals(0, pair.streamA.wrong() + pair.streamB.wrong());
        assertEquals(0, Arrays.stream(runs).min().orElseThrow(), "bytes allocated by five steady-state runs of " +
            2 * BATCH + " frames each: " + Arrays.toString(runs) + " (a one-off JIT " +
            "deoptimisation may allocate in one run; an allocation per frame would show in all)");
    }
}
