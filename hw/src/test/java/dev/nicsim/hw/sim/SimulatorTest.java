package dev.nicsim.hw.sim;

import dev.nicsim.hw.trace.AllocationMeter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatorTest
{
    private final Simulator sim = new Simulator();
    private final List<String> fired = new ArrayList<>();

    private Event recording(final String name)
    {
        return new Event(name, Component.EXTERNAL, () -> fired.add(name + "@" + sim.now()));
    }

    @Test
    void shouldCountFiredEventsByNameSummingEventsThatShareOne()
    {
        final Event tick = recording("tick");
        final Event poolA = recording("pooled");
        final Event poolB = recording("pooled");
        sim.schedule(tick, 10);
        sim.schedule(poolA, 20);
        sim.schedule(poolB, 30);
        sim.schedule(recording("never"), 5_000);
        sim.run(100);
        sim.schedule(tick, 200); // one event fired again counts again
        sim.schedule(poolA, 250);
        sim.schedule(poolB, 300);
        sim.run(1000);

        assertEquals(List.of("pooled", "tick"), List.copyOf(sim.firedByName().keySet()), "most fired first");
        assertEquals(4L, sim.firedByName().get("pooled"));
        assertEquals(2L, sim.firedByName().get("tick"));
        assertEquals(sim.firedCount(), sim.firedByName().values().stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void shouldFireInTimeOrderThenInsertionOrder()
    {
        sim.schedule(recording("c"), 300);
        sim.schedule(recording("a"), 100);
        sim.schedule(recording("b1"), 200);
        sim.schedule(recording("b2"), 200);
        sim.schedule(recording("b3"), 200);

        sim.run(1000);

        assertEquals(List.of("a@100", "b1@200", "b2@200", "b3@200", "c@300"), fired);
        assertEquals(1000, sim.now(), "run(until) leaves the clock at until, even when idle");
    }

    @Test
    void shouldPassAStampExactlyWhenAnEventScheduledInsteadWouldHaveFired()
    {
        final List<Boolean> seen = new ArrayList<>();
        final long[] stamp = new long[1];
        sim.schedule(new Event("earlier", Component.EXTERNAL, () -> seen.add(sim.hasPassed(200, stamp[0]))), 200);
        stamp[0] = sim.stamp();
        sim.schedule(new Event("later", Component.EXTERNAL, () -> seen.add(sim.hasPassed(200, stamp[0]))), 200);

        sim.run(199);
        assertFalse(sim.hasPassed(200, stamp[0]));
        sim.step();
        sim.step();

        assertEquals(List.of(false, true), seen, "ties go by scheduling order, as for events");
        assertFalse(sim.hasPassed(200, sim.stamp()), "a stamp taken now for now has not passed yet");
        sim.run(200);
        assertTrue(sim.hasPassed(200, stamp[0]));
    }

    @Test
    void shouldFireACommittedReservationWhereTheEventWouldHaveFiredAndDropALapsedOne()
    {
        final Reservation committed = new Reservation(sim, recording("held"));
        final Reservation lapsed = new Reservation(sim, recording("lapsed"));
        sim.schedule(recording("before"), 200);
        committed.hold(200);
        lapsed.hold(150);
        sim.schedule(recording("after"), 200);
        sim.schedule(new Event("work arrives", Component.EXTERNAL, committed::commit), 180);

        sim.run(1000);

        assertEquals(List.of("before@200", "held@200", "after@200"), fired,
            "in its place among events at the same time, not behind those queued after it was held");
        assertFalse(lapsed.isHeld(), "its time passed without a commit");
        lapsed.commit();
        sim.run(2000);
        assertEquals(3, fired.size(), "a lapsed place is not committed");
    }

    @Test
    void shouldKeepTheCauseOfTheMomentAReservationWasHeld()
    {
        final CausalityLog log = new CausalityLog();
        sim.recordCausality(log);
        final Event held = recording("held");
        final Reservation reservation = new Reservation(sim, held);
        final Event holder = new Event("holder", Component.EXTERNAL, () -> reservation.hold(sim.now() + 500));
        sim.schedule(holder, 100);
        sim.schedule(new Event("committer", Component.EXTERNAL, reservation::commit), 300);

        sim.run(1000);

        final int last = log.size() - 1;
        assertEquals("held", log.name(last));
        assertEquals("holder", log.name(log.cause(last)), "caused by the event that held the place");
        assertEquals(100, log.issuedAt(last));
    }

    @Test
    void shouldReturnFromAnUnboundedRunOnceNothingIsPending()
    {
        sim.schedule(recording("only"), 100);

        assertFalse(sim.runUntil(() -> false, Time.NEVER));

        assertEquals(List.of("only@100"), fired);
    }

    @Test
    void shouldJumpOverIdleTimeWithoutFiringAnything()
    {
        sim.schedule(recording("late"), Time.seconds(3600));

        sim.run(Time.seconds(3599));

        assertTrue(fired.isEmpty());
        assertEquals(Time.seconds(3599), sim.now());
        assertEquals(0, sim.firedCount());
    }

    @Test
    void shouldCancelAndRescheduleEvents()
    {
        final Event moved = recording("moved");
        final Event cancelled = recording("cancelled");
        sim.schedule(moved, 100);
        sim.schedule(cancelled, 150);

        assertTrue(sim.cancel(cancelled));
        assertFalse(sim.cancel(cancelled), "cancelling an idle event reports false");
        sim.reschedule(moved, 500);
        sim.run(1000);

        assertEquals(List.of("moved@500"), fired);
    }

    @Test
    void shouldRefuseToScheduleAnEventTwiceOrInThePast()
    {
        final Event event = recording("x");
        sim.schedule(event, 10);
        assertThrows(IllegalStateException.class, () -> sim.schedule(event, 20));
        sim.run(100);
        final IllegalArgumentException past = assertThrows(IllegalArgumentException.class, () -> sim.schedule(event, 50));
        assertTrue(past.getMessage().contains("in the past"), past.getMessage());
    }

    @Test
    void shouldRunUntilConditionHoldsAndStopThere()
    {
        final int[] count = {0};
        final Event tick = new Event("tick", Component.TIMER, null)
        {
            @Override
            protected void fire()
            {
                count[0]++;
                sim.scheduleIn(this, 10);
            }
        };
        sim.schedule(tick, 10);

        assertTrue(sim.runUntil(() -> count[0] == 5, 1_000));
        assertEquals(50, sim.now(), "stops right after the event that made the condition true");
        assertFalse(sim.runUntil(() -> count[0] == 1_000, 200));
        assertEquals(200, sim.now(), "gives up at the deadline");
    }

    @Test
    void shouldAdvanceLocalTimeWhenCodeInsideAnEventConsumesTime()
    {
        final long[] effectAt = {-1};
        final Event effect = new Event("effect", Component.PCIE_DMA, () -> effectAt[0] = sim.now());
        final Event software = new Event("software", Component.HOST_CPU, () ->
        {
            sim.consume(300);
            assertEquals(1_300, sim.now(), "local time includes what the code consumed");
            assertEquals(1_000, sim.eventTime(), "the event's own time is unchanged");
            sim.scheduleIn(effect, 50);
        });
        sim.schedule(software, 1_000);

        sim.run(10_000);

        assertEquals(1_350, effectAt[0], "effects land after the consumed time plus their own delay");
    }

    @Test
    void shouldRunTheSimulationWhenConsumingTimeOutsideEvents()
    {
        sim.schedule(recording("during"), 40);
        sim.consume(100);
        assertEquals(List.of("during@40"), fired);
        assertEquals(100, sim.now());
    }

    @Test
    void shouldRunACallFromOutsideAsAnEventAndThenCatchUp()
    {
        sim.schedule(recording("meanwhile"), 50);
        final long[] effectAt = {-1};
        final Event effect = new Event("effect", Component.PCIE_DMA, () -> effectAt[0] = sim.now());

        sim.beginCall();
        sim.consume(200);
        assertTrue(fired.isEmpty(), "nothing fires in the middle of the call");
        sim.scheduleIn(effect, 10);
        sim.beginCall();
        sim.endCall();
        assertEquals(200, sim.now(), "a nested call does not end the outer one");
        sim.endCall();

        assertEquals(List.of("meanwhile@50"), fired, "the call's consumed time then passes");
        assertEquals(200, sim.now());
        sim.run(1_000);
        assertEquals(210, effectAt[0]);
        assertThrows(IllegalStateException.class, sim::endCall);
    }

    @Test
    void shouldRejectBlockingCallsFromInsideAnEvent()
    {
        final RuntimeException[] caught = {null};
        sim.schedule(new Event("handler", Component.HOST_CPU, () ->
        {
            try
            {
                sim.run(sim.now() + 1);
            }
            catch (final IllegalStateException e)
            {
                caught[0] = e;
            }
        }), 5);

        sim.run(10);

        assertTrue(caught[0].getMessage().contains("from inside the event 'handler'"), caught[0].getMessage());
    }

    @Test
    void shouldScheduleAndRunAMillionEventsWithoutAllocating()
    {
        final Event[] events = new Event[64];
        final long[] count = {0};
        for (int i = 0; i < events.length; i++)
        {
            final int index = i;
            events[i] = new Event("e" + i, Component.EXTERNAL, null)
            {
                @Override
                protected void fire()
                {
                    count[0]++;
                    sim.scheduleIn(this, 1 + (index % 5));
                }
            };
            sim.schedule(events[i], i);
        }
        final Event cancelled = new Event("cancel-me", Component.EXTERNAL, () -> { });

        final long allocated = AllocationMeter.steadyStateBytes(3, () -> churn(cancelled, 1_000_000));

        assertEquals(0, allocated, "bytes allocated while scheduling, cancelling and firing 1,000,000 events");
    }

    private void churn(final Event cancelled, final int events)
    {
        for (int i = 0; i < events; i++)
        {
            if ((i & 15) == 0)
            {
                sim.reschedule(cancelled, sim.now() + 1_000);
                sim.cancel(cancelled);
            }
            sim.step();
        }
    }
}
