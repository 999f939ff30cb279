package dev.nicsim.hw.sim;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pacing against a wall clock of the test's own, which moves only when told to (or when the simulation waits). */
class PacingTest
{
    /** A wall clock that a waiting simulation advances by exactly the time it waits. */
    private static final class ManualClock implements Pacing.WallClock
    {
        private long nanos;

        @Override
        public long nanoTime()
        {
            return nanos;
        }

        @Override
        public void park(final Object blocker, final long waitNanos)
        {
            nanos += waitNanos;
        }

        void advance(final long waitNanos)
        {
            nanos += waitNanos;
        }
    }

    @Test
    void shouldRunWorkPostedFromAnotherThreadInsideTheLoopInOrderWithEvents() throws InterruptedException
    {
        final Simulator sim = new Simulator();
        sim.pace(new Pacing(1000.0, new ManualClock()));
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
        assertEquals(0, postedAt[0], "taken at the simulated time that corresponds to the wall clock's");
    }

    /**
     * A stall (an event during which 300 ms of wall time pass, as in a GC pause or with the thread unscheduled) is
     * slipped, not caught up: input that came from outside during the stall is taken at the simulated time the stall
     * ended, before a timer that fell due meanwhile, as a paused host would see it; the slip is counted.
     */
    @Test
    void shouldSlipAStallRatherThanFireTheEventsDueMeanwhileInABurst()
    {
        final ManualClock clock = new ManualClock();
        final Simulator sim = new Simulator();
        sim.pace(new Pacing(1.0, clock));
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
            sim.post(() -> inputAt[0] = sim.now());
            clock.advance(300_000_000L);
        });
        sim.schedule(stall, Time.ms(1));
        sim.schedule(timer, Time.ms(50));

        assertTrue(sim.runUntil(() -> timerAt[0] >= 0, Time.seconds(10)));
        assertTrue(inputFirst[0], "the input that came during the stall is taken before the timer due after it");
        assertEquals(Time.ms(1), inputAt[0], "taken when the stall ended, not 300 ms later");
        assertEquals(Time.ms(50), timerAt[0]);
        assertEquals(1, sim.pacing().slips());
        assertEquals(300_000_000L, sim.pacing().slippedNanos());
        assertTrue(sim.pacing().summary().startsWith("fell behind the wall clock 1 time(s)"), sim.pacing().summary());
    }

    @Test
    void shouldRejectAMeaninglessSpeed()
    {
        assertThrows(IllegalArgumentException.class, () -> new Pacing(0));
        assertThrows(IllegalArgumentException.class, () -> new Pacing(Double.POSITIVE_INFINITY));
        assertEquals(1.0, Pacing.realTime().speed());
    }
}
