package dev.nicsim.tools.workload;

import dev.nicsim.hw.host.CpuUse;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.config.TestbedParameters;
import dev.nicsim.tools.report.Json;
import dev.nicsim.tools.report.PerfReport;
import dev.nicsim.tools.workload.perf.PerfOptions;
import dev.nicsim.tools.workload.perf.PerfResult;
import dev.nicsim.tools.workload.perf.PerfRun;
import dev.nicsim.tools.workload.perf.PerfTest;
import dev.nicsim.tools.workload.perf.TrafficPattern;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The perf workloads' figures add up: what applications received against what crossed the wire, transactions
 * against the histogram and the data segments, and the same seed giving the same perf.json. Short windows of
 * simulated time, so the checks run in seconds.
 */
class PerfRunTest
{
    private static final double WINDOW_S = 0.002;
    private static final double WARMUP_S = 0.0005;

    static PerfResult run(final PerfTest test, final String... assignments)
    {
        return run(PerfOptions.defaults(test).withDuration(WINDOW_S).withWarmup(WARMUP_S).withSamples(10),
            assignments);
    }

    static PerfResult run(final PerfOptions options, final String... assignments)
    {
        final Settings settings = TestbedParameters.defaults();
        for (final String assignment : assignments)
        {
            settings.assign(assignment);
        }
        return PerfRun.run(settings, options, (simulated, total) -> { });
    }

    @Test
    void aStreamDeliversToTheApplicationExactlyThePayloadOnTheWire()
    {
        final PerfResult result = run(PerfTest.TCP_STREAM);

        assertTrue(result.goodputGbps() > 1 && result.goodputGbps() < 10, "goodput " + result.goodputGbps());
        assertEquals(0, result.retransmissions(), "no loss, no retransmission");
        assertEquals(result.wire().tcpPayloadBytes(), result.applicationBytes(),
            "bytes the application received = TCP payload on the wire (headers excluded; no retransmissions)");
        assertTrue(result.errors().isEmpty(), result.errors().toString());
        assertEquals(result.bytes(), sum(result.connectionBytes()), "the window's bytes are the connections' bytes");
    }

    @Test
    void requestResponseCountsTwoDataSegmentsPerTransactionAndOneLatencyEach()
    {
        final PerfResult result = run(PerfTest.TCP_RR);

        assertTrue(result.transactions() > 50, "transactions " + result.transactions());
        assertEquals(result.transactions(), result.latencyNs().getTotalCount(), "one latency per transaction");
        assertEquals(2 * result.applicationTransactions(), result.wire().tcpDataSegments(),
            "a request and a response per transaction, with no loss");
        // Linux's ping-pong mode: once each side has answered within ato of what it received, the request and the
        // response carry the ACKs. Only the handshake's ACK and the quick ACKs of the first exchange go alone.
        assertEquals(3, result.wire().tcpPureAcks(),
            "the handshake's ACK and the first request's and response's quick ACKs, counted apart from data");
        assertTrue(result.latencyUs(50) > 5 && result.latencyUs(50) < 100, "p50 " + result.latencyUs(50) + " us");
        assertTrue(result.latencyUs(50) <= result.latencyUs(99) && result.latencyUs(99) <= result.maxLatencyUs());
    }

    @Test
    void theSameSeedGivesAByteIdenticalPerfJson()
    {
        final String first = Json.write(PerfReport.json(run(PerfTest.TCP_RR, "sim.seed=7")));
        final String second = Json.write(PerfReport.json(run(PerfTest.TCP_RR, "sim.seed=7")));
        assertEquals(first, second);
        assertTrue(first.contains("\"itr_units\": 0") && first.contains("\"nicsim_version\""),
            "perf.json carries every setting in force and the version");
    }

    @Test
    void eachTestRunsThroughTheFullModel()
    {
        final PerfResult maerts = run(PerfTest.TCP_MAERTS);
        assertTrue(maerts.goodputGbps() > 1, "TCP_MAERTS goodput " + maerts.goodputGbps());
        assertEquals(maerts.wire().tcpPayloadBytes(), maerts.applicationBytes());

        final PerfResult crr = run(PerfTest.TCP_CRR);
        assertTrue(crr.transactions() > 10, "TCP_CRR transactions " + crr.transactions());
        assertTrue(crr.errors().isEmpty(), crr.errors().toString());
        assertTrue(crr.meanLatencyUs() > run(PerfTest.TCP_RR).meanLatencyUs(), "a CRR transaction includes a handshake");

        final PerfResult udp = run(PerfTest.UDP_STREAM);
        assertTrue(udp.goodputGbps() > 1, "UDP_STREAM goodput " + udp.goodputGbps());
        assertEquals(udp.wire().udpPayloadBytes(), udp.applicationBytes(), "no datagram lost on a clean link");

        final PerfResult udpRr = run(PerfTest.UDP_RR);
        assertEquals(udpRr.transactions(), udpRr.latencyNs().getTotalCount());
        assertEquals(2 * udpRr.applicationTransactions(), udpRr.wire().udpDatagrams());
    }

    @Test
    void udpSendersThatSaturateTheirCoreLeaveItToTheReceivePath()
    {
        // Four line-rate senders on A's one core: more than it can send. The ARP reply (and every interrupt) must
        // still get the core; before, the senders always took it first and not one datagram left A.
        final PerfResult udp = run(PerfOptions.defaults(PerfTest.UDP_STREAM).withFlows(4).withDuration(WINDOW_S)
            .withWarmup(WARMUP_S).withSamples(10));
        assertTrue(udp.goodputGbps() > 1, "UDP_STREAM with 4 flows: goodput " + udp.goodputGbps());
        assertTrue(udp.cpu().get(0).busy() > 0.99, "the senders keep A's core busy " + udp.cpu().get(0).busy());
    }

    @Test
    void aRunThatMeasuredNothingSaysSoInsteadOfPrintingNaN()
    {
        // Every frame lost: no transaction completes, and the table printed "latency mean NaN us".
        final String table = PerfReport.table(run(PerfTest.TCP_RR, "fault.drop=1"));
        assertFalse(table.contains("NaN"), table);
        assertTrue(table.contains("nothing measured"), table);
        // Nor does a fairness of nothing (1.0 for all-zero shares) stand next to it.
        final String streams = PerfReport.table(run(PerfOptions.defaults(PerfTest.UDP_STREAM).withDuration(WINDOW_S)
            .withWarmup(WARMUP_S).withSamples(10).withHosts(4, TrafficPattern.PAIRS), "fault.drop=1"));
        assertTrue(streams.contains("nothing measured") && !streams.contains("Jain"), streams);
    }

    @Test
    void aSingleSenderBoundByItsCoreLeavesItToTheReceivePath()
    {
        // One flow of 1-byte datagrams: each is due the moment the previous send() ends, when the ARP reply's handler
        // is due too. The sender took the core first every time, and only the datagrams held for ARP (101) ever left
        // A: none in the window.
        final PerfResult udp = run(PerfOptions.defaults(PerfTest.UDP_STREAM).withDuration(WINDOW_S)
            .withWarmup(WARMUP_S).withMessage(1).withSamples(10));
        assertTrue(udp.bytes() > 0, "bytes delivered in the window: " + udp.bytes());
        assertTrue(udp.cpu().get(0).busy() > 0.99, "the sender keeps A's core busy " + udp.cpu().get(0).busy());
    }

    /**
     * Thirty-two flows of 1-byte send()s on A's one core: each socket takes data faster than the core can give it, so
     * a sender that looped until EAGAIN kept the core for milliseconds, the ACKs' interrupts waiting behind it. In
     * this window one flow then carried all the data, 27 carried none and 4 had not connected (A 99.8 % in system
     * calls, B 2 % busy).
     */
    @Test
    void tcpSendersThatSaturateTheirCoreShareItWithEachOtherAndTheReceivePath()
    {
        final PerfResult result = run(PerfOptions.defaults(PerfTest.TCP_STREAM).withFlows(32).withMessage(1)
            .withDuration(WINDOW_S).withWarmup(WARMUP_S).withSamples(1));

        assertTrue(result.goodputGbps() > 0, "goodput " + result.goodputGbps());
        assertEquals(32, result.connectionBytes().length, "connections accepted");
        for (final long bytes : result.connectionBytes())
        {
            assertTrue(bytes > 0, "every flow carries data in the window: " + Arrays.toString(
                result.connectionBytes()));
        }
        assertTrue(result.cpu().get(0).busy() > 0.99, "the senders keep A's core busy " + result.cpu().get(0).busy());
    }

    /**
     * Sixteen flows on two cores at 100 Gb/s: the ACKs of many flows land on one of A's cores, whose NAPI polls then
     * come back one after another. Senders that gave way to every one of them had 8 % of that core for their send()s
     * (and their flows a fraction of the others' bytes); sharing it as ksoftirqd and a task do leaves them about a
     * quarter on each core, as when they looped until their sockets were full.
     */
    @Test
    void sendersShareACoreBusyWithSoftirqWorkEvenly()
    {
        final PerfResult result = run(PerfOptions.defaults(PerfTest.TCP_STREAM).withFlows(16).withDuration(0.001)
            .withWarmup(0.001).withSamples(1), "link.rate_gbps=100", "host.cores=2", "nic.queues=2",
            "driver.queues=2");

        for (int core = 0; core < 2; core++)
        {
            final double sending = result.cpu().get(0).byCore().get(core).get(CpuUse.SYSCALL);
            assertTrue(sending > 0.15, "A's core " + core + " spends " + sending + " on the senders' calls");
        }
        assertTrue(result.jainFairness() > 0.95, "Jain " + result.jainFairness() + " over " + Arrays.toString(
            result.connectionBytes()));
    }

    @Test
    void aSaturatedCpuShowsAsFullyBusyAndThroughputFallsShortOfTheWire()
    {
        // 64-byte frames: the wire takes 14.9 million a second, far more than per-packet CPU costs let A send.
        final PerfResult small = run(PerfOptions.defaults(PerfTest.UDP_STREAM).withDuration(WINDOW_S)
            .withWarmup(WARMUP_S).withMessage(18).withSamples(10));
        assertTrue(small.cpu().get(0).busy() > 0.99, "the sender's CPU " + small.cpu().get(0).busy());
        final double lineRateDatagrams = 10e9 / ((64 + 20) * 8);
        final double sentPerSecond = small.datagramsSent() / (WARMUP_S + WINDOW_S);
        assertTrue(sentPerSecond < lineRateDatagrams / 2, "datagrams/s " + sentPerSecond + " against the wire's " +
            lineRateDatagrams);
    }

    /**
     * Sixteen flows open their connections at once, before A knows B's MAC: every SYN waits in the ARP queue and goes
     * when the reply comes, as Linux's (101 packets) holds them. With the 3 of old kernels, 13 connects would wait a
     * full SYN timeout (1 s) and the run would measure 3 flows. The window is 2 ms: sixteen 64 KiB windows queue up to
     * 1 MiB in A's transmit FIFO, 0.84 ms of the wire, so a shorter window can miss a flow queued behind the others.
     */
    @Test
    void everyFlowConnectsWhenTheyAllStartBeforeArpResolves()
    {
        final PerfResult result = run(PerfOptions.defaults(PerfTest.TCP_STREAM).withFlows(16).withDuration(0.002)
            .withWarmup(0.0005).withSamples(1));

        assertEquals(16, result.connectionBytes().length, "connections accepted");
        for (final long bytes : result.connectionBytes())
        {
            assertTrue(bytes > 0, "every flow carries data in the window");
        }
    }

    /**
     * With two cores, the clients on one core share a process, and each connect() (made outside events) lets earlier
     * clients' handlers run before it returns; their EAGAINs once replaced its EINPROGRESS and two flows gave up.
     */
    @Test
    void everyFlowConnectsOnTwoCores()
    {
        final PerfResult result = run(PerfOptions.defaults(PerfTest.TCP_STREAM).withFlows(16).withDuration(0.0005)
            .withWarmup(0.0005).withSamples(1), "host.cores=2", "nic.queues=2", "driver.queues=2");

        assertEquals(16, result.connectionBytes().length, "connections accepted");
        assertTrue(result.errors().isEmpty(), "no client failed: " + result.errors());
    }

    @Test
    void incastThroughFiniteSwitchBuffersDropsAndRecovers()
    {
        final PerfOptions options = PerfOptions.defaults(PerfTest.TCP_STREAM).withDuration(0.02).withWarmup(0.001)
            .withHosts(5, TrafficPattern.INCAST).withSamples(10);
        final PerfResult result = run(options, "link.switch_port_buffer_kib=16");

        assertTrue(result.counters().get("switch.tail_drops") > 0, "the receiver's port overflows");
        assertTrue(result.retransmissions() > 0, "TCP recovers what was dropped");
        assertTrue(result.goodputGbps() <= 10 * 1460.0 / 1538, "aggregate goodput at most the line's payload rate: " +
            result.goodputGbps());
        assertEquals(4, result.connectionBytes().length);
        assertTrue(result.jainFairness() > 0.25 && result.jainFairness() <= 1, "Jain " + result.jainFairness());
    }

    @Test
    void congestionControlSettingSelectsTheAlgorithm()
    {
        // Incast loses segments, so the algorithms' reactions to loss (beta 0.5 against 0.7, CUBIC's curve) show.
        final PerfOptions options = PerfOptions.defaults(PerfTest.TCP_STREAM).withDuration(0.02).withWarmup(0.001)
            .withHosts(5, TrafficPattern.INCAST).withSamples(10);
        final PerfResult cubic = run(options, "link.switch_port_buffer_kib=16");
        final PerfResult newReno = run(options, "link.switch_port_buffer_kib=16", "tcp.congestion_control=newreno");

        assertTrue(newReno.retransmissions() > 0 && cubic.retransmissions() > 0, "both recover from the drops");
        assertNotEquals(newReno.bytes(), cubic.bytes(), "cubic, the default, is a different algorithm");
    }

    @Test
    void tailLossProbeSettingTurnsTheProbeOff()
    {
        // A lost request of TCP_RR is a tail of one segment: the probe (the default, as Linux) resends it when the
        // RTO would have; without the probe the RTO does.
        final PerfOptions options = PerfOptions.defaults(PerfTest.TCP_RR).withDuration(0.3).withWarmup(0.001)
            .withSamples(1);
        final PerfResult probing = run(options, "fault.drop_frames=100");
        final PerfResult off = run(options, "fault.drop_frames=100", "tcp.tail_loss_probe=false");
        assertTrue(lossProbes(probing) > 0, "probes sent by default");
        assertEquals(0, lossProbes(off));
        assertTrue(off.counters().get("A.tcp.timeout_retransmissions") + off.counters().get(
            "B.tcp.timeout_retransmissions") > 0, "the RTO resends it instead");
    }

    private static long lossProbes(final PerfResult result)
    {
        long probes = 0;
        for (final var counter : result.counters().values().entrySet())
        {
            probes += counter.getKey().endsWith(".tcp.loss_probes") ? counter.getValue() : 0;
        }
        return probes;
    }

    private static long sum(final long[] values)
    {
        long total = 0;
        for (final long value : values)
        {
            total += value;
        }
        return total;
    }
}
