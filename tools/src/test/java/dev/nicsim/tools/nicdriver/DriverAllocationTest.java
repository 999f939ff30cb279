package dev.nicsim.tools.nicdriver;

import dev.nicsim.driver.DriverConfig;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.trace.AllocationMeter;
import org.junit.jupiter.api.Test;

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

        final long allocated = AllocationMeter.steadyStateBytes(40, () ->
        {
            target[0] += BATCH;
            pair.streamA.send(BATCH);
            pair.streamB.send(BATCH);
            pair.sim.runUntil(arrived, pair.sim.now() + Time.ms(100));
        });

        assertEquals(41L * BATCH, pair.streamB.received());
        assertEquals(0, pair.streamA.wrong() + pair.streamB.wrong());
        assertEquals(0, allocated, "bytes allocated while " + 2 * BATCH + " frames went through both drivers");
    }
}
