package dev.nicsim.tools.config;

import dev.nicsim.tools.measure.Fairness;
import dev.nicsim.tools.workload.perf.PerfOptions;
import dev.nicsim.tools.workload.perf.PerfResult;
import dev.nicsim.tools.workload.perf.PerfRun;
import dev.nicsim.tools.workload.perf.PerfTest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * driver.rss_key and driver.rss_table, set as {@code --set} sets them: a co-design user can ask what a skewed table
 * does without Java code. Before, neither key existed and RSS could be changed only through NicDriver's setters.
 */
class RssSettingsTest
{
    private static final int QUEUES = 4;

    @Test
    void aTableOfOnlyQueueZeroPutsEveryReceivedFrameOnQueueZero()
    {
        final PerfResult skewed = run("driver.rss_table=0");

        final long[] frames = receivedPerQueue(skewed);
        assertTrue(frames[0] > 0, "queue 0 received");
        assertEquals(skewed.counters().get("B.nic.gprc"), frames[0], "every frame on queue 0");
        assertEquals(1.0 / QUEUES, Fairness.jain(frames), 1e-9, "Jain index of one busy queue in " + QUEUES);
    }

    @Test
    void theDefaultsGiveTheResultsOfARunWithoutThem()
    {
        final PerfResult plain = run();
        final PerfResult explicit = run("driver.rss_table=even",
            "driver.rss_key=6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa");

        assertEquals(plain.counters().values(), explicit.counters().values());
        assertTrue(Fairness.jain(receivedPerQueue(plain)) > 1.0 / QUEUES, "the even table spreads the flows");
    }

    @Test
    void aZeroKeyHashesEveryFlowToEntryZero()
    {
        // Toeplitz with an all-zero key is 0 for every input: one table entry, so one queue (RssTest in nic-model).
        final long[] frames = receivedPerQueue(run("driver.rss_key=" + "00".repeat(40)));
        assertEquals(1.0 / QUEUES, Fairness.jain(frames), 1e-9);
    }

    @Test
    void colonsSeparateEntriesAsCommasDoSoThatASweepCanCarryATable()
    {
        final int[] commas = DeviceParameters.rssTable(TestbedParameters.defaults().assign("driver.queues=4")
            .assign("nic.queues=4").assign("driver.rss_table=0,0,0,3")).orElseThrow();
        final int[] colons = DeviceParameters.rssTable(TestbedParameters.defaults().assign("driver.queues=4")
            .assign("nic.queues=4").assign("driver.rss_table=0:0:0:3")).orElseThrow();
        assertArrayEquals(commas, colons);
        assertEquals(3, colons[3]);
        assertEquals(0, colons[4], "entries repeat to fill the table");
    }

    @Test
    void valuesThatCannotWorkAreRefusedBeforeTheRunNamingTheKeys()
    {
        final Settings settings = TestbedParameters.defaults();
        assertTrue(assertThrows(ConfigException.class, () -> settings.assign("driver.rss_key=6d5a"))
            .getMessage().contains("driver.rss_key"));
        assertTrue(assertThrows(ConfigException.class, () -> settings.assign("driver.rss_table=0,x"))
            .getMessage().contains("driver.rss_table"));

        settings.assign("driver.queues=2").assign("nic.queues=2").assign("driver.rss_table=0,1,2");
        final String beyond = assertThrows(ConfigException.class, () -> CrossKeyRules.check(settings)).getMessage();
        assertTrue(beyond.contains("driver.rss_table=0,1,2") && beyond.contains("driver.queues=2"), beyond);
        // A driver without the control: CDriverRssTest, EveryValueRunsTest.
    }

    private static long[] receivedPerQueue(final PerfResult result)
    {
        final long[] frames = new long[QUEUES];
        for (int q = 0; q < QUEUES; q++)
        {
            frames[q] = result.counters().get("B.queue" + q + ".rx_frames");
        }
        return frames;
    }

    private static PerfResult run(final String... assignments)
    {
        final Settings settings = TestbedParameters.defaults();
        for (final String assignment : new String[] {"driver.queues=" + QUEUES, "nic.queues=" + QUEUES})
        {
            settings.assign(assignment);
        }
        for (final String assignment : assignments)
        {
            settings.assign(assignment);
        }
        return PerfRun.run(settings, PerfOptions.defaults(PerfTest.TCP_STREAM).withFlows(8).withDuration(0.0002)
            .withWarmup(0.0002).withSamples(1), (simulated, total) -> { });
    }
}
