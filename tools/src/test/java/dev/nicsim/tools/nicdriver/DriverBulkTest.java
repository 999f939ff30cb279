package dev.nicsim.tools.nicdriver;

import dev.nicsim.driver.DriverConfig;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.nic.regs.Counters;
import dev.nicsim.tools.drivercheck.FrameStream;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A million frames each way through driver, NIC, link, NIC and driver, strict mode throughout. */
class DriverBulkTest
{
    @Test
    void shouldDeliverAMillionRandomSizedFramesEachWayInOrderByteExactWithNoneLost()
    {
        final long frames = 1_000_000;
        final DriverPair pair = new DriverPair(DriverConfig.defaults());

        pair.streamA.send(frames);
        pair.streamB.send(frames);
        final boolean done = pair.sim.runUntil(() -> pair.streamA.received() + pair.streamA.missing() == frames &&
            pair.streamB.received() + pair.streamB.missing() == frames, Time.seconds(10));

        assertTrue(done, "A received " + pair.streamA.received() + ", B " + pair.streamB.received() + " by " +
            Time.format(pair.sim.now()));
        for (final FrameStream stream : new FrameStream[] {pair.streamA, pair.streamB})
        {
            assertEquals(frames, stream.received(), "every frame delivered");
            assertEquals(0, stream.missing(), "none lost");
            assertEquals(0, stream.wrong(), "in order and byte-exact, raw checksum included");
        }
        for (final DriverHost host : new DriverHost[] {pair.a, pair.b})
        {
            assertEquals(frames, host.driver.readCounter(Counters.GPTC));
            assertEquals(frames, host.driver.readCounter(Counters.GPRC));
            assertEquals(0, host.driver.readCounter(Counters.RNBC) + host.driver.readCounter(Counters.MPC));
            assertTrue(host.driver.txNoSlot() > 0, "the TX ring filled up (and wrapped) many times");
        }
        System.out.printf("1,000,000 frames each way in %s simulated; A: %d doorbells, %d RX interrupts, %d polls%n",
            Time.format(pair.sim.now()), pair.a.driver.doorbells(), pair.a.driver.rxInterrupts(),
            pair.a.driver.polls());
    }
}
