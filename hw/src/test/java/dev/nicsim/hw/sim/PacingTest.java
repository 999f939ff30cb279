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

    /**
     * A stall (here an event that takes 300 ms of wall time, as a GC pause or an unscheduled thread would) is slipped,
     * not caught up: input that came from outside during the stall is taken at the simulated time the stall ended,
     * before a timer that fell due meanwhile, as a paused host would see it; the slip is counted.
     */
    @Test
    void shouldSlipAStallRatherThanFireTheEventsDueMeanwhileInABurst() throws InterruptedException
    {
        final Simulator sim = new Simulator();
        sim.pace(Pacing.realTime());
        final long[] inputAt = {-1};
        final long[] timerAt = {-1};
        final boolean[] inputFirst = {false};
        final Event timer = new Event("retransmission timer", Component.HOST_CPU, () ->
        {
            timerAt[0] = sim.now();
            inputFirst[0] = inputAt[0] >= 0;
        });
        final Event stall = new Event("stall", Component.HOST_CPU, () ->
        {
            final Thread outside = new Thread(() -> sim.post(() -> inputAt[0] = sim.now()));
            outside.start();
            try
            {
                outside.join();
                Thread.sleep(300);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        });
        sim.schedule(stall, Time.ms(1));
        sim.schedule(timer, Time.ms(50));

        assertTrue(sim.runUntil(() -> timerAt[0] >= 0, Time.seconds(10)));
        assertTrue(inputFirst[0], "the input that came during the stall is taken before the timer due after it");
        assertTrue(inputAt[0] < Time.ms(50), "taken at " + Time.format(inputAt[0]) + ", not 300 ms later");
        assertEquals(Time.ms(50), timerAt[0]);
        assertEquals(1, sim.pacing().slips());
        assertTrue(sim.pacing().slippedNanos() >= 290_000_000L, sim.pacing().summary());
        assertTrue(sim.pacing().summary().contains("fell behind the wall clock 1 time(s)"), sim.pacing().summary());
    }

    @Test
    void shouldRejectAMeaninglessSpeed()
    {
        assertThrows(IllegalArgumentException.class, () -> new Pacing(0));
        assertThrows(IllegalArgumentException.class, () -> new Pacing(Double.POSITIVE_INFINITY));
        assertEquals(1.0, Pacing.realTime().speed());
    }
}
