package dev.nicsim.tools.nicdriver;

import dev.nicsim.driver.DriverConfig;
import dev.nicsim.hw.host.CpuUse;
import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.nic.regs.Counters;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A receiver whose stack stops consuming: B's CPU is taken by something else for a while (the host CPU runs one
 * activity at a time), so no NAPI poll runs and frames pile up in the RX ring.
 */
class DriverStarvationTest
{
    @Test
    void shouldHandTheBacklogToTheStackInBatchesOfTheBudget()
    {
        final DriverPair pair = new DriverPair(DriverConfig.defaults().withNapiBudget(16));
        final Event hog = new Event("hostB.busy-app", Component.HOST_CPU, () ->
        {
            pair.b.cpu.begin(CpuUse.SYSCALL);
            pair.b.cpu.charge(Time.us(500));
            pair.b.cpu.end();
        });
        pair.sim.schedule(hog, pair.sim.now() + Time.us(1));

        pair.streamA.send(300);
        pair.sim.runUntil(() -> pair.streamB.received() == 300, Time.ms(10));

        assertEquals(0, pair.streamB.missing() + pair.streamB.wrong(), "the ring of 512 held the backlog");
        assertEquals(16, pair.streamB.largestBatch(), "no poll lent more than its budget");
        assertTrue(pair.b.driver.polls() >= 300 / 16, "the backlog took polls of 16, one after another: " +
            pair.b.driver.polls());
    }

    /** B's CPU is busy for a millisecond: the ring fills and the NIC drops; B loses exactly what the NIC counted. */
    @Test
    void shouldLoseExactlyTheFramesTheNicCountedAndRecover()
    {
        final long frames = 5_000;
        final DriverPair pair = new DriverPair(DriverConfig.defaults());
        final Event hog = new Event("hostB.busy-app", Component.HOST_CPU, () ->
        {
            pair.b.cpu.begin(CpuUse.SYSCALL);
            pair.b.cpu.charge(Time.ms(1));
            pair.b.cpu.end();
        });
        pair.sim.schedule(hog, pair.sim.now() + Time.us(200));

        pair.streamA.send(frames);
        pair.sim.runUntil(() -> pair.streamB.received() + pair.streamB.missing() == frames, Time.ms(50));
        pair.sim.run(pair.sim.now() + Time.us(100));

        final long dropped = pair.b.driver.readCounter(Counters.RNBC) + pair.b.driver.readCounter(Counters.MPC);
        assertTrue(dropped > 100, "the ring of 512 could not hold a millisecond of traffic: " + dropped + " dropped");
        assertEquals(dropped, pair.streamB.missing(), "the frames that never arrived are the frames the NIC dropped");
        assertEquals(frames - dropped, pair.streamB.received());
        assertEquals(0, pair.streamB.wrong(), "what arrived is in order and byte-exact");
        assertEquals(frames, pair.b.driver.readCounter(Counters.TPR), "the NIC saw every frame");
        assertEquals(frames - dropped, pair.b.driver.readCounter(Counters.GPRC));
        final long before = pair.streamB.received();
        pair.streamA.send(1_000);
        pair.sim.runUntil(() -> pair.streamB.received() == before + 1_000, pair.sim.now() + Time.ms(10));
        assertEquals(before + 1_000, pair.streamB.received(), "consumption resumed: nothing more is lost");
    }
}
