package dev.nicsim.hw.sim;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PacingTest
{
    @Test
    void shouldRunWorkPostedFromAnotherThreadInsideTheLoopInOrderWithEvents() throws InterruptedException
    {
        final Simulator sim = new Simulator();
        // A thousand simulated seconds per wall second: a simulated second passes in a wall millisecond.
        sim.pace(new Pacing(1000.0));
        final AtomicBoolean ranInside = new AtomicBoolean();
        final long[] postedAt = {-1};
        final Thread bridge = new Thread(() -> sim.post(() ->
        {
            ranInside.set(sim.inEvent());
            postedAt[0] = sim.now();
        }));
        bridge.start();
        bridge.join();

        assertTrue(sim.runUntil(() -> postedAt[0] >= 0, Time.seconds(3600)));
        assertTrue(ranInside.get(), "posted work runs as part of the simulation, not on the poster's thread");
        assertTrue(postedAt[0] >= 0 && postedAt[0] <= Time.seconds(3600));
    }

    @Test
    void shouldRejectAMeaninglessSpeed()
    {
        assertThrows(IllegalArgumentException.class, () -> new Pacing(0));
        assertThrows(IllegalArgumentException.class, () -> new Pacing(Double.POSITIVE_INFINITY));
        assertEquals(1.0, Pacing.realTime().speed());
    }
}
