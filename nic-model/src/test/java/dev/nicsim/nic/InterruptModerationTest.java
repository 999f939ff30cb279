package dev.nicsim.nic;

import dev.nicsim.hw.pcie.MsiVector;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.trace.EventTrace;
import dev.nicsim.nic.regs.Counters;
import dev.nicsim.nic.regs.InterruptCauses;
import dev.nicsim.nic.regs.NicRegisters;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ITR moderation, qtest style: a burst of 200 minimum-size frames arrives at B, whose receive vector is throttled.
 * The frames' receive causes happen at the same times whatever the throttle (B's software hands back no buffers during
 * the burst, so nothing it does touches the datapath); the test takes those times from an unthrottled run and checks
 * the throttled run sends exactly the messages the datasheet's rule gives.
 */
class InterruptModerationTest
{
    private static final int BURST = 200;
    private static final int EITR = 8;

    /** What B's receive vector did during one burst. */
    private record Burst(List<Long> messages, long deviceCount, long hostArrivals)
    {
    }

    private static Burst burst(final int eitr)
    {
        final TwoHosts hosts = new TwoHosts(NicConfig.defaults());
        final FramePattern toB = TwoHosts.frames(7, TwoHosts.MAC_A, TwoHosts.MAC_B, 60, 60);
        final RxConsumer rxB = new RxConsumer(hosts.b, 256, toB);
        final TxFeeder txA = new TxFeeder(hosts.a, 256, toB);
        hosts.a.write(NicRegisters.TCTL, NicRegisters.TCTL_EN | NicRegisters.TCTL_PSP);
        final MsiVector vector = hosts.b.vector(InterruptCauses.rxVector(0), rxB.handler);
        hosts.b.write(NicRegisters.RCTL, NicRegisters.RCTL_EN);
        hosts.b.write(NicRegisters.eitr(InterruptCauses.rxVector(0)), eitr);
        hosts.b.write(NicRegisters.IMS, InterruptCauses.rxQueue(0));
        rxB.refill(false);
        hosts.b.settle();
        final EventTrace trace = new EventTrace(true);
        hosts.b.nic.traceTo(trace);

        txA.send(BURST);
        hosts.sim.runUntil(() -> rxB.received() == BURST, Time.ms(1));
        hosts.sim.run(hosts.sim.now() + Time.us(100));

        final List<Long> messages = new ArrayList<>();
        for (final EventTrace.Entry entry : trace.entries())
        {
            if (entry.kind() == EventTrace.Kind.INTERRUPT)
            {
                messages.add(entry.time());
            }
        }
        return new Burst(messages, hosts.b.nic.counter(Counters.INTERRUPTS),
            vector.deliveries() + vector.coalesced());
    }

    @Test
    void shouldSendOneMessagePerFrameWithoutThrottling()
    {
        final Burst unthrottled = burst(0);

        assertEquals(BURST, unthrottled.messages().size());
        assertEquals(BURST, unthrottled.deviceCount());
        assertEquals(BURST, unthrottled.hostArrivals(), "every message reached the host's interrupt controller");
    }

    @Test
    void shouldSendTheMessagesTheThrottleRuleGivesForABurst()
    {
        final List<Long> causes = burst(0).messages();
        final long interval = EITR * NicRegisters.ITR_UNIT_PS;

        final Burst throttled = burst(EITR);

        final long span = causes.get(causes.size() - 1) - causes.get(0);
        assertNotEquals(0, span % interval, "no cause falls exactly on a timer expiry");
        final long expected = 1 + (span + interval - 1) / interval;
        assertEquals(expected, throttledCount(causes, interval), "the rule of datasheet §5.3 applied to the causes");
        assertEquals(expected, throttled.messages().size());
        assertEquals(expected, throttled.deviceCount());
        assertEquals(expected, throttled.hostArrivals());
        assertTrue(expected < BURST / 10, expected + " messages for " + BURST + " frames");
        assertEquals(causes.get(0), throttled.messages().get(0), "the first message is never delayed");
        for (int i = 1; i < throttled.messages().size(); i++)
        {
            assertEquals(causes.get(0) + i * interval, throttled.messages().get(i), "message " + i +
                " leaves when the timer expires");
        }
    }

    /** Datasheet §5.3: send when the timer is idle and start it; hold while it runs; on expiry send a held request. */
    private static long throttledCount(final List<Long> causes, final long interval)
    {
        long sent = 0;
        long expiry = Long.MIN_VALUE;
        boolean held = false;
        for (final long cause : causes)
        {
            while (expiry != Long.MIN_VALUE && expiry < cause)
            {
                expiry = held ? expiry + interval : Long.MIN_VALUE;
                sent += held ? 1 : 0;
                held = false;
            }
            if (expiry == Long.MIN_VALUE)
            {
                sent++;
                expiry = cause + interval;
            }
            else
            {
                held = true;
            }
        }
        return sent + (held ? 1 : 0);
    }
}
