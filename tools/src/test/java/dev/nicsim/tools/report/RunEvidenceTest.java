package dev.nicsim.tools.report;

import dev.nicsim.hw.testsupport.ExternalTool;
import dev.nicsim.tools.config.TestbedParameters;
import dev.nicsim.tools.demo.DaytimeDemo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The files a run leaves: a switch run's pcapng (one interface per link, checked with tshark), the Perfetto trace
 * (checked against the trace-event format and queried for the critical path), and a failed run's evidence.
 */
class RunEvidenceTest
{
    @TempDir
    static Path dir;
    private static DaytimeDemo.Result switched;

    @BeforeAll
    static void runThroughASwitch()
    {
        switched = DaytimeDemo.run(TestbedParameters.defaults().assign("link.switch=true"),
            OutputDirectory.open(dir.resolve("switch")));
    }

    @Test
    void shouldCaptureEachFrameOncePerLinkWithWallClockTimestamps() throws IOException
    {
        final byte[] file = Files.readAllBytes(dir.resolve("switch").resolve(RunEvidence.CAPTURE));
        final ByteBuffer blocks = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        final Map<Integer, Integer> perInterface = new HashMap<>();
        int interfaces = 0;
        long firstNanos = -1;
        assertEquals(0x0A0D0D0A, blocks.getInt(0), "a pcapng section header first");
        while (blocks.hasRemaining())
        {
            final int start = blocks.position();
            final int type = blocks.getInt(start);
            final int length = blocks.getInt(start + 4);
            assertEquals(length, blocks.getInt(start + length - 4), "block length repeated at its end");
            if (type == 1)
            {
                interfaces++;
            }
            else if (type == 6)
            {
                perInterface.merge(blocks.getInt(start + 8), 1, Integer::sum);
                if (firstNanos < 0)
                {
                    firstNanos = ((long) blocks.getInt(start + 12) << 32) | (blocks.getInt(start + 16) & 0xFFFFFFFFL);
                }
            }
            blocks.position(start + length);
        }
        assertEquals(2, interfaces, "one interface per link: A to the switch, B to the switch");
        assertEquals(switched.frames(), (long) perInterface.get(0), "every frame crosses each link once");
        assertEquals(switched.frames(), (long) perInterface.get(1), "every frame crosses each link once");
        final long epoch = Long.parseLong(TestbedParameters.defaults().text("sim.epoch_seconds"));
        assertEquals(epoch, firstNanos / 1_000_000_000L, "timestamps count from sim.epoch_seconds");
    }

    @Test
    void shouldShowNoFalseRetransmissionsInTshark()
    {
        ExternalTool.require(ExternalTool.installed("tshark"), "tshark is not installed");
        final String capture = dir.resolve("switch").resolve(RunEvidence.CAPTURE).toString();
        final ExternalTool.Result names = ExternalTool.run(dir, "tshark", "-r", capture, "-T", "fields",
            "-e", "frame.interface_id", "-e", "frame.interface_name");
        assertEquals(0, names.exitCode(), names.stderr());
        final List<String> lines = names.stdout().lines().toList();
        assertEquals(Set.of("0\twireA", "1\twireB"), new HashSet<>(lines));
        // Wireshark's TCP analysis spans interfaces, so each link is analysed alone, as one would export it from
        // Wireshark with the filter frame.interface_id == N: each link alone is one clean conversation per connect.
        for (final String link : List.of("0", "1"))
        {
            final Path alone = dir.resolve("link" + link + ".pcapng");
            final ExternalTool.Result split = ExternalTool.run(dir, "tshark", "-r", capture, "-Y",
                "frame.interface_id == " + link, "-w", alone.toString());
            assertEquals(0, split.exitCode(), split.stderr());
            final ExternalTool.Result analysis = ExternalTool.run(dir, "tshark", "-r", alone.toString(), "-Y",
                "tcp.analysis.retransmission || tcp.analysis.duplicate_ack || tcp.analysis.lost_segment");
            assertEquals(0, analysis.exitCode(), analysis.stderr());
            assertTrue(analysis.stdout().isBlank(), "link " + link + ": " + analysis.stdout());
            final ExternalTool.Result count = ExternalTool.run(dir, "tshark", "-r", alone.toString());
            assertEquals(switched.frames(), count.stdout().lines().count(), count.stdout());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldWriteATraceEventFileWhoseCriticalPathAddsUpToTheConnect() throws IOException
    {
        final Object parsed = Json.parse(Files.readString(dir.resolve("switch").resolve(RunEvidence.TRACE)));
        final List<Map<String, Object>> events = (List<Map<String, Object>>) ((Map<String, Object>) parsed)
            .get("traceEvents");
        final Map<List<Long>, String> threadNames = new HashMap<>();
        final Map<Long, String> processNames = new HashMap<>();
        for (final Map<String, Object> event : events)
        {
            TraceEventFormat.check(event);
            if (event.get("ph").equals("M"))
            {
                final String name = (String) ((Map<String, Object>) event.get("args")).get("name");
                if (event.get("name").equals("thread_name"))
                {
                    threadNames.put(List.of((Long) event.get("pid"), (Long) event.get("tid")), name);
                }
                else if (event.get("name").equals("process_name"))
                {
                    processNames.put((Long) event.get("pid"), name);
                }
            }
        }
        assertTrue(processNames.values().containsAll(List.of("host A", "host B", "wire wireA", "wire wireB",
            RunEvidence.CRITICAL_PATH)), processNames.toString());
        assertTrue(threadNames.values().containsAll(List.of("cpu syscall", "cpu softirq", "cpu hardirq",
            "PCIe to device", "PCIe to host", "NIC tx0", "A -> switch", "switch -> A")), threadNames.toString());
        // The query: the critical path's segments of the cold connect(), as Perfetto would list them.
        final List<Map<String, Object>> segments = new ArrayList<>();
        double connect = -1;
        for (final Map<String, Object> event : events)
        {
            if (!"X".equals(event.get("ph")))
            {
                continue;
            }
            final String track = threadNames.get(List.of((Long) event.get("pid"), (Long) event.get("tid")));
            if ("connect() cold segments".equals(track))
            {
                segments.add(event);
            }
            else if ("connect() cold".equals(track))
            {
                connect = ((Number) event.get("dur")).doubleValue();
            }
        }
        assertEquals(switched.connectLatencyPs() / 1e6, connect, 1e-9);
        final double sum = segments.stream().mapToDouble(e -> ((Number) e.get("dur")).doubleValue()).sum();
        assertEquals(connect, sum, 1e-6, "the segments add up to the connect()");
        assertTrue(segments.stream().anyMatch(e -> e.get("name").equals("PCIe/DMA")), segments.toString());
        assertTrue(segments.stream().anyMatch(e -> e.get("name").equals("MAC and wire")), segments.toString());
    }

    @Test
    void shouldKeepTheEvidenceOfAFailedRun() throws IOException
    {
        final Path out = dir.resolve("failed");
        final RuntimeException failure = assertThrows(RuntimeException.class, () -> DaytimeDemo.run(
            TestbedParameters.defaults().assign("fault.drop=0.3").assign("sim.seed=3"), OutputDirectory.open(out)));
        assertTrue(failure.getMessage().contains("EHOSTUNREACH"), failure.getMessage());
        @SuppressWarnings("unchecked")
        final Map<String, Object> summary = (Map<String, Object>) Json.parse(Files.readString(
            out.resolve(RunEvidence.SUMMARY)));
        assertEquals("failed", summary.get("outcome"));
        assertEquals("EHOSTUNREACH", summary.get("errno"));
        assertTrue(((String) summary.get("error")).contains("EHOSTUNREACH"), summary.toString());
        assertTrue(Files.readString(out.resolve(RunEvidence.TIMELINE)).contains("connect resumed = -1 EHOSTUNREACH"));
        assertTrue((Long) summary.get("frames_captured") > 0, "the ARP requests that went unanswered");
        assertTrue(Files.size(out.resolve(RunEvidence.CAPTURE)) > 0);
        assertTrue(Files.size(out.resolve(RunEvidence.SIGNALS)) > 0);
        try (var files = Files.list(dir))
        {
            assertFalse(files.anyMatch(path -> path.getFileName().toString().startsWith(".")),
                "no staging folder left behind");
        }
    }

    /** The Chrome trace-event format's rules for the events nicsim writes (metadata, complete, instant). */
    private static final class TraceEventFormat
    {
        static void check(final Map<String, Object> event)
        {
            final Object phase = event.get("ph");
            require(event, event.get("name") instanceof String, "a string name");
            require(event, event.get("pid") instanceof Long && event.get("tid") instanceof Long, "integer pid and tid");
            switch (String.valueOf(phase))
            {
                case "M" -> require(event, event.get("args") instanceof Map, "args on metadata");
                case "X" ->
                {
                    require(event, event.get("ts") instanceof Number && ((Number) event.get("ts")).doubleValue() >= 0,
                        "a timestamp");
                    require(event, event.get("dur") instanceof Number && ((Number) event.get("dur")).doubleValue() > 0,
                        "a positive duration");
                }
                case "i" ->
                {
                    require(event, event.get("ts") instanceof Number, "a timestamp");
                    require(event, List.of("g", "p", "t").contains(event.get("s")), "a scope g, p or t");
                }
                default -> fail("unexpected phase " + phase + " in " + event);
            }
        }

        private static void require(final Map<String, Object> event, final boolean holds, final String what)
        {
            if (!holds)
            {
                fail("trace event without " + what + ": " + event);
            }
        }
    }
}
