package dev.nicsim.tools.cdriver;

import dev.nicsim.tools.report.PerfReport;
import dev.nicsim.tools.workload.perf.PerfOptions;
import dev.nicsim.tools.workload.perf.PerfResult;
import dev.nicsim.tools.workload.perf.PerfTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Settings a driver cannot honour are said, not dropped: an ABI 1 C driver asked for 4 queue pairs and TSO runs one
 * pair without TSO, and perf says so on the terminal and in perf.json, naming the keys. Before, perf.json recorded
 * driver.queues 4 and nothing else.
 */
class CDriverNoticesTest
{
    private static final String[] FOUR_QUEUES_AND_TSO =
        {"driver.queues=4", "nic.queues=4", "host.cores=4", "nic.tso=true"};

    @Test
    void anAbi1DriverAskedForQueuesAndTsoSaysItUsesOneQueueWithoutTso()
    {
        final PerfResult old = run(CDrivers.spec("ns1-abi1"));
        final String abi1 = "host.driver=c:ns1-abi1";

        assertEquals(List.of(
            "A, B: driver.queues=4 but the driver (" + abi1 + ", nic.queues=4) set up 1 queue pair",
            "A, B: nic.tso=true but the driver (" + abi1 + ") does not use TSO: TCP hands it frames of one MSS",
            "A, B: host.cores=4 with 1 queue pair in use: cores 1-3 take no interrupts or softirq work, only " +
                "application threads (raise driver.queues and nic.queues)"), old.notices());
        assertEquals(old.notices(), PerfReport.json(old).get("notices"), "perf.json keeps them");
        assertTrue(PerfReport.table(old).contains("notice: " + old.notices().getFirst()), "the terminal shows them");
        assertEquals(0, old.counters().get("A.queue1.tx_frames"), "one queue pair, as the notice says");
    }

    @Test
    void aDriverThatSetsUpWhatWasAskedHasNothingToSay()
    {
        assertEquals(List.of(), run(CDrivers.spec("ns1")).notices());
        assertEquals(List.of(), run("java").notices());
    }

    private static PerfResult run(final String driver)
    {
        final String[] assignments = new String[FOUR_QUEUES_AND_TSO.length + 1];
        assignments[0] = "host.driver=" + driver;
        System.arraycopy(FOUR_QUEUES_AND_TSO, 0, assignments, 1, FOUR_QUEUES_AND_TSO.length);
        return CDrivers.perf(PerfOptions.defaults(PerfTest.TCP_STREAM).withFlows(4).withDuration(0.0002)
            .withWarmup(0.0002).withSamples(1), assignments);
    }
}
