package dev.nicsim.tools.perf;

import dev.nicsim.hw.trace.AllocationMeter;
import dev.nicsim.tools.workload.HandshakeWorkload;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The handshake fast path that {@code HandshakeBenchmark} times stays steady: a connect/accept/abort cycle allocates
 * nothing once warm (the benchmark's {@code gc.alloc.rate.norm} target, kept from regressing here without timing
 * anything), and thousands of cycles leave nothing behind: no socket, no pending event, no drift in how long a cycle
 * takes in simulated time.
 */
class HandshakeSteadyStateTest
{
    private static final int CYCLES_PER_RUN = 100;
    private static final int WARM_UP_RUNS = 200;
    private static final int MEASURED_RUNS = 5;

    @Test
    void shouldAllocateNothingPerHandshakeThroughBothNics()
    {
        assertAllocatesNothing(HandshakeWorkload.throughNics());
    }

    @Test
    void shouldAllocateNothingPerHandshakeOverPairedDevices()
    {
        assertAllocatesNothing(HandshakeWorkload.overPairedDevices());
    }

    @Test
    void shouldLeaveTheHostsAsTheyWereAfterEveryCycle()
    {
        final HandshakeWorkload workload = HandshakeWorkload.throughNics();
        final long first = workload.cycle();
        long longest = 0;
        long shortest = Long.MAX_VALUE;
        for (int i = 0; i < 20_000; i++)
        {
            final long ps = workload.cycle();
            longest = Math.max(longest, ps);
            shortest = Math.min(shortest, ps);
            assertEquals(0, workload.clientStack().sockets().live(), "sockets left on A after cycle " + i);
            assertEquals(1, workload.serverStack().sockets().live(), "sockets on B after cycle " + i +
                " (only the listener should stay)");
            assertTrue(workload.sim().pending() <= 1, "events still pending after cycle " + i + ": " +
                workload.sim().pending());
        }
        // The first cycle resolves B's MAC address; the rest differ only by where they fall on the clock edges.
        assertTrue(first > longest, "the first cycle (ARP included) took " + first + " ps, a later one " + longest);
        assertTrue(longest - shortest < 10_000, "steady cycles took " + shortest + " to " + longest + " ps");
    }

    private static void assertAllocatesNothing(final HandshakeWorkload workload)
    {
        final Runnable cycles = () ->
        {
            for (int i = 0; i < CYCLES_PER_RUN; i++)
            {
                workload.cycle();
            }
        };
        final long bytes = AllocationMeter.leastSteadyStateBytes(WARM_UP_RUNS, MEASURED_RUNS, cycles);
        assertEquals(0, bytes, "bytes allocated by the least of " + MEASURED_RUNS + " steady-state runs of " +
            CYCLES_PER_RUN + " connect/accept/abort cycles");
    }
}
