package dev.nicsim.hw.sim;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CriticalPathTest
{
    @Test
    void shouldSplitTheIntervalExactlyIntoComponentsAlongTheCausalChain()
    {
        final Simulator sim = new Simulator();
        final CausalityLog log = new CausalityLog();
        sim.recordCausality(log);
        final int[] doneRecord = {-1};

        final Event done = new Event("done", Component.INTERRUPT_MODERATION, () -> doneRecord[0] = sim.currentRecord());
        final Event wire = new Event("wire", Component.MAC_WIRE, () -> sim.scheduleIn(done, 700));
        final Event dma = new Event("dma", Component.PCIE_DMA, () -> sim.scheduleIn(wire, 400));
        final Event unrelated = new Event("unrelated", Component.TIMER, () -> { });

        sim.run(1_000);
        final long start = sim.now();
        sim.markExternal("syscall", Component.HOST_CPU);
        sim.schedule(unrelated, start + 10);
        final Event software = new Event("software", Component.HOST_CPU, () ->
        {
            sim.consume(250);
            sim.scheduleIn(dma, 500);
        });
        sim.markExternal("syscall", Component.HOST_CPU);
        sim.schedule(software, start + 100);
        sim.run(start + 10_000);

        final CriticalPath path = CriticalPath.of(log, doneRecord[0], start);

        assertEquals(100 + 250 + 500 + 400 + 700, path.total());
        assertEquals(log.time(doneRecord[0]) - start, path.total(), "segments tile the interval");
        assertEquals(Map.of(Component.HOST_CPU, 350L, Component.PCIE_DMA, 500L, Component.MAC_WIRE, 400L,
            Component.INTERRUPT_MODERATION, 700L), path.byComponent());
    }

    @Test
    void shouldFollowABlockedCallerFromTheEventThatWokeItToItsReturn()
    {
        final Simulator sim = new Simulator();
        final CausalityLog log = new CausalityLog();
        sim.recordCausality(log);
        final boolean[] ready = {false};
        final Event reply = new Event("reply", Component.MAC_WIRE, () -> ready[0] = true);

        final long start = sim.now();
        sim.beginCall();
        sim.consume(100);
        sim.scheduleIn(reply, 900);
        sim.endCall();
        sim.runUntil(() -> ready[0], 10_000);
        sim.beginCall();
        sim.consume(40);
        final int resumed = sim.lastCallRecord();
        sim.endCall();

        assertEquals("reply", log.name(log.cause(resumed)), "the woken call's cause is the event that woke it");
        final CriticalPath path = CriticalPath.of(log, resumed, start, sim.now());
        assertEquals(1_040, path.total());
        assertEquals(Map.of(Component.HOST_CPU, 140L, Component.MAC_WIRE, 900L), path.byComponent());
    }
}
