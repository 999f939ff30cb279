package dev.nicsim.tools.nicdriver;

import dev.nicsim.driver.DriverConfig;
import dev.nicsim.hw.eth.EthernetConfig;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.trace.EventTrace;
import dev.nicsim.nic.regs.NicRegisters;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Doorbells per burst, interrupts per burst and under ITR moderation, and link changes, as the design says. */
class DriverInterruptTest
{
    @Test
    void shouldRingOneDoorbellAndTakeOneTxInterruptPerBurst()
    {
        final DriverPair pair = new DriverPair(DriverConfig.defaults());
        final EventTrace trace = new EventTrace(true);
        pair.a.nic.traceTo(trace);

        for (int burst = 1; burst <= 10; burst++)
        {
            pair.streamA.send(32);
            final long expected = 32L * burst;
            pair.sim.runUntil(() -> pair.streamB.received() == expected, pair.sim.now() + Time.ms(1));
            pair.sim.run(pair.sim.now() + Time.us(20));
        }

        assertEquals(320, pair.streamB.received());
        assertEquals(10, pair.streamA.bursts());
        assertEquals(10, pair.a.driver.doorbells(), "one tail write per burst of 32 frames");
        assertEquals(10, trace.entries().stream().filter(e -> e.detail().startsWith("write TDT(0)")).count(),
            "the device saw exactly those tail writes");
        assertEquals(10, pair.a.driver.txInterrupts(), "RS only on each burst's last descriptor: one write-back " +
            "and one TX interrupt per burst");
    }

    @Test
    void shouldTakeTheReceiveInterruptsTheThrottleIntervalAllowsForALineRateBurst()
    {
        final int frames = 200;
        final int units = 79;
        final DriverPair pair = new DriverPair(DriverConfig.defaults());
        pair.streamA.lengths(1514, 1514);
        pair.streamB.lengths(1514, 1514);
        final List<Long> firstBytes = new ArrayList<>();
        pair.link.addTap((direction, time, frame, offset, length) ->
        {
            if (direction.equals(pair.link.a().name()))
            {
                firstBytes.add(time);
            }
        });

        pair.b.driver.setItr(units);
        assertEquals(units, pair.b.driver.itr());
        pair.streamA.send(frames);
        pair.sim.runUntil(() -> pair.streamB.received() == frames, Time.ms(10));
        pair.sim.run(pair.sim.now() + Time.us(100));

        final long interval = units * NicRegisters.ITR_UNIT_PS;
        final long span = firstBytes.get(frames - 1) - firstBytes.get(0);
        assertEquals((frames - 1) * EthernetConfig.tenGigabit().wireTimePs(1518), span, "A sent at line rate");
        assertTrue(span % interval > Time.ns(100) && span % interval < interval - Time.ns(100),
            "the last frame is far from a timer expiry, so small jitter cannot change the count");
        final long expected = 1 + (span + interval - 1) / interval;
        assertEquals(14, expected);
        assertEquals(expected, pair.b.driver.rxInterrupts(), "the first frame interrupts at once; after that one " +
            "interrupt per 20.224 us interval that saw frames");
        assertEquals(frames, pair.streamB.received());
        assertEquals(0, pair.streamB.wrong() + pair.streamB.missing());
    }

    @Test
    void shouldInterruptForNearlyEveryFrameWithoutThrottling()
    {
        final DriverPair pair = new DriverPair(DriverConfig.defaults());
        pair.streamA.lengths(1514, 1514);
        pair.streamB.lengths(1514, 1514);

        pair.streamA.send(200);
        pair.sim.runUntil(() -> pair.streamB.received() == 200, Time.ms(10));

        final long interrupts = pair.b.driver.rxInterrupts();
        assertTrue(interrupts > 100 && interrupts <= 200, "frames 1.23 us apart, each poll done before the next: " +
            interrupts);
        assertEquals(interrupts, pair.b.driver.polls(), "each interrupt schedules one poll, under budget");
    }

    @Test
    void shouldFollowTheLinkAndTellTheStack()
    {
        final DriverPair pair = new DriverPair(DriverConfig.defaults());
        assertTrue(pair.a.driver.linkUp());

        pair.link.setUp(false);
        pair.sim.run(pair.sim.now() + Time.us(20));
        assertFalse(pair.a.driver.linkUp());
        assertFalse(pair.streamA.linkUp(), "the stack heard the link go down");
        assertFalse(pair.streamB.linkUp());

        pair.link.setUp(true);
        pair.sim.run(pair.sim.now() + Time.us(20));
        assertTrue(pair.a.driver.linkUp());
        assertTrue(pair.streamA.linkUp());
        assertEquals(2, pair.a.driver.otherInterrupts());
    }
}
