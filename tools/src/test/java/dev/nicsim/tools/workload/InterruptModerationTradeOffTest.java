package dev.nicsim.tools.workload;

import dev.nicsim.tools.workload.perf.PerfResult;
import dev.nicsim.tools.workload.perf.PerfTest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What interrupt moderation trades, in simulated numbers: a longer throttling interval raises request/response
 * latency, lowers the interrupt rate, and lowers the CPU a bulk receiver spends; the adaptive mode throttles bulk
 * traffic and caps request/response at its conservative rate.
 */
class InterruptModerationTradeOffTest
{
    @Test
    void longerIntervalsRaiseRequestResponseLatencyAndLowerTheInterruptRate()
    {
        double lastP50 = 0;
        double lastInterrupts = Double.MAX_VALUE;
        // A host takes one interrupt per transaction (about 14.4 us apart at ITR 0): ITR 64 (16.4 us) and 128 throttle.
        for (final int units : new int[] {0, 64, 128})
        {
            final PerfResult rr = PerfRunTest.run(PerfTest.TCP_RR, "driver.itr_units=" + units);
            assertTrue(rr.latencyUs(50) > lastP50, "TCP_RR p50 rises with ITR " + units + ": " + rr.latencyUs(50) +
                " us after " + lastP50);
            assertTrue(rr.interruptsPerSecond() < lastInterrupts, "interrupts/s fall with ITR " + units + ": " +
                rr.interruptsPerSecond());
            lastP50 = rr.latencyUs(50);
            lastInterrupts = rr.interruptsPerSecond();
        }
    }

    /**
     * At 1 Gb/s a frame arrives every 12.3 us and the CPUs have headroom: an interval longer than that gathers several
     * frames per interrupt, and each interrupt not taken is CPU time saved at the same goodput. (At 10 Gb/s the
     * receiver is CPU-bound and NAPI's own masking already takes one interrupt per busy period: see
     * docs/workloads.md.)
     */
    @Test
    void longerIntervalsLowerTheCpuABulkTransferCosts()
    {
        double lastCpu = Double.MAX_VALUE;
        double firstGoodput = 0;
        for (final int units : new int[] {0, 64, 256})
        {
            final PerfResult stream = PerfRunTest.run(PerfTest.TCP_STREAM, "link.rate_gbps=1",
                "driver.itr_units=" + units);
            final double receiverCpu = stream.cpu().get(1).busy();
            assertTrue(receiverCpu < lastCpu, "the receiver's CPU falls with ITR " + units + ": " + receiverCpu +
                " after " + lastCpu);
            if (firstGoodput == 0)
            {
                firstGoodput = stream.goodputGbps();
            }
            assertTrue(stream.goodputGbps() > 0.95 * firstGoodput, "at the same goodput: " + stream.goodputGbps());
            lastCpu = receiverCpu;
        }
    }

    @Test
    void theAdaptiveModeThrottlesBulkTrafficMoreThanRequests()
    {
        final PerfResult stream = PerfRunTest.run(PerfTest.TCP_STREAM, "driver.itr_mode=adaptive");
        final PerfResult unthrottled = PerfRunTest.run(PerfTest.TCP_STREAM, "driver.itr_units=0");
        assertTrue(stream.interruptsPerSecond() < unthrottled.interruptsPerSecond() / 2,
            "bulk: " + stream.interruptsPerSecond() + " interrupts/s against " + unthrottled.interruptsPerSecond());
        final PerfResult rr = PerfRunTest.run(PerfTest.TCP_RR, "driver.itr_mode=adaptive");
        // Conservative mode caps requests/responses at 20 000 interrupts/s per host: 50 us between interrupts.
        assertTrue(rr.interruptsPerSecond() <= 2 * 2 * 20_000 * 1.01, "RR: " + rr.interruptsPerSecond());
        assertTrue(rr.transactions() > 0);
    }
}
