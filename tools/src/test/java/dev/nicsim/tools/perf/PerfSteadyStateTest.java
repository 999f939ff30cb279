package dev.nicsim.tools.perf;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.trace.AllocationMeter;
import dev.nicsim.tools.config.TestbedParameters;
import dev.nicsim.tools.workload.perf.PerfOptions;
import dev.nicsim.tools.workload.perf.PerfRun;
import dev.nicsim.tools.workload.perf.PerfTest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The steady state of the perf workloads allocates nothing: once connections are open and windows grown, simulating
 * more TCP_STREAM or TCP_RR traffic through stacks, drivers, NICs, PCIe and the wire allocates 0 bytes, so 0 bytes per
 * frame (measured with the thread's allocation counter, not timed).
 */
class PerfSteadyStateTest
{
    private static final long STEP_PS = 100 * Time.US;
    private static final int WARM_UP_STEPS = 100;
    private static final int MEASURED_STEPS = 5;

    @Test
    void tcpStreamAllocatesNothingPerFrame()
    {
        assertSteady(PerfTest.TCP_STREAM);
    }

    @Test
    void tcpRequestResponseAllocatesNothingPerFrame()
    {
        assertSteady(PerfTest.TCP_RR);
    }

    private static void assertSteady(final PerfTest test)
    {
        final PerfRun run = PerfRun.start(TestbedParameters.defaults(), PerfOptions.defaults(test));
        final long framesBefore = run.census().frames();
        final long bytes = AllocationMeter.leastSteadyStateBytes(WARM_UP_STEPS, MEASURED_STEPS,
            () -> run.advance(STEP_PS));
        final long frames = run.census().frames() - framesBefore;
        assertTrue(frames > 1000, test + " moved " + frames + " frames");
        assertEquals(0, bytes, "bytes allocated by the least of " + MEASURED_STEPS + " steady-state steps of " +
            Time.format(STEP_PS) + " of " + test + " (" + frames + " frames in all)");
    }
}
