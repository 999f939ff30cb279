package dev.nicsim.tools.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepCommandTest
{
    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();
    private final ByteArrayOutputStream out = console.out();
    private final ByteArrayOutputStream err = console.err();

    @Test
    void shouldSweepOneParameterIntoACsvAJsonAndPlots(@TempDir final Path dir) throws IOException
    {
        assertEquals(0, Main.run("sweep", "--set", "pcie.dma_read_latency_ns=500,600", "--set", "sim.seed=7",
            "--out", dir.toString()));

        final List<String> csv = Files.readAllLines(dir.resolve("sweep.csv"));
        assertEquals(3, csv.size(), csv.toString());
        assertEquals("point,pcie.dma_read_latency_ns,connect_latency_ns,host_cpu_ns,pcie_dma_ns,nic_pipeline_ns," +
            "mac_and_wire_ns,interrupt_moderation_ns,peer_stack_ns,timers_ns,status", csv.get(0));
        final double slow = Double.parseDouble(csv.get(2).split(",")[2]);
        final double fast = Double.parseDouble(csv.get(1).split(",")[2]);
        assertEquals(800.0, slow - fast, 1e-6, "8 DMA reads on the path, 100 ns each");
        for (final String plot : List.of("breakdown", "latency"))
        {
            final byte[] png = Files.readAllBytes(dir.resolve("sweep-" + plot + ".png"));
            assertEquals("PNG", new String(png, 1, 3, StandardCharsets.US_ASCII));
            final String svg = Files.readString(dir.resolve("sweep-" + plot + ".svg"));
            assertTrue(svg.contains("<svg") && svg.contains("fixed: sim.seed=7"), "caption names the settings");
        }
        assertTrue(Files.readString(dir.resolve("points/0001/summary.json"))
            .contains("\"dma_read_latency_ns\": 600"));
        final String json = Files.readString(dir.resolve("sweep.json"));
        assertTrue(json.contains("\"ok\": 2") && json.contains("\"sim.seed\": \"7\""), json);
        assertTrue(out.toString().contains("pcie.dma_read_latency_ns  connect_latency_ns"), out.toString());
    }

    @Test
    void shouldGiveTheSameFilesInParallelSequentiallyAndAsMergedShards(@TempDir final Path dir) throws IOException
    {
        final String[] sweep = {"--set", "pcie.dma_read_latency_ns=250,500,750,1000", "--set",
            "driver.itr_units=0,0,128,128", "--set", "sim.seed=3"};
        assertEquals(0, Main.run(concat(new String[] {"sweep", "-j", "1", "--out", dir.resolve("seq").toString()},
            sweep)));
        assertEquals(0, Main.run(concat(new String[] {"sweep", "-j", "2", "--out", dir.resolve("par").toString()},
            sweep)));
        for (final String shard : List.of("1/3", "2/3", "3/3"))
        {
            assertEquals(0, Main.run(concat(new String[] {"sweep", "--shard", shard, "--out",
                dir.resolve("shards").toString()}, sweep)));
        }
        assertFalse(Files.exists(dir.resolve("shards/sweep.csv")), "shards alone do not merge");
        assertEquals(0, Main.run("sweep", "--merge", dir.resolve("shards").toString()));

        final Map<String, String> sequential = files(dir.resolve("seq"));
        assertTrue(sequential.keySet().containsAll(List.of("sweep.csv", "sweep.json", "sweep-breakdown.png",
            "sweep-breakdown.svg", "points/0003/summary.json")), sequential.keySet().toString());
        assertTrue(sequential.get("sweep.csv").contains("\n3,1000,128,"), "lockstep pairs the fourth values");
        assertEquals(sequential, files(dir.resolve("par")));
        assertEquals(sequential, files(dir.resolve("shards")));
    }

    @Test
    void shouldRecordAFailedPointInThePlaceOfItsResultAndResumeOnlyThatPoint(@TempDir final Path dir)
        throws IOException
    {
        assertEquals(1, Main.run("sweep", "--set", "fault.drop=0,1", "--out", dir.toString()));
        assertTrue(err.toString().contains("1 of 2 points have no result"), err.toString());
        final List<String> csv = Files.readAllLines(dir.resolve("sweep.csv"));
        assertTrue(csv.get(1).endsWith(",ok"), csv.toString());
        assertTrue(csv.get(2).startsWith("1,1,,,") && csv.get(2).endsWith(",failed"), csv.toString());
        final String json = Files.readString(dir.resolve("sweep.json"));
        assertTrue(json.contains("\"status\": \"failed\""), json);
        assertTrue(json.contains("connect"), "the failure says what failed: " + json);

        err.reset();
        assertEquals(1, Main.run("sweep", "--resume", dir.toString()));
        assertTrue(err.toString().contains("1 of 2 points already have a result"), err.toString());
    }

    @Test
    void shouldHandTheWordsAfterTheTargetToTheTarget()
    {
        assertEquals(2, Main.run("sweep", "--set", "pcie.lanes=4,8", "demo", "--out", "x"));
        assertTrue(err.toString().contains("the demo target takes no arguments, got [--out, x]"), err.toString());
        assertEquals(2, Main.run("sweep", "--set", "pcie.lanes=4,8", "perf-typo"));
        assertTrue(err.toString().contains("unknown sweep target 'perf-typo': choose one of demo, perf"),
            err.toString());
        assertEquals(2, Main.run("sweep", "--set", "pcie.lanes=4,8", "perf", "TCP_RR", "--set", "sim.seed=2"));
        assertTrue(err.toString().contains("give --set to sweep, before 'perf'"), err.toString());
        assertEquals(2, Main.run("sweep", "--set", "pcie.lanes=4,8", "perf", "TCP_BOGUS"));
        assertTrue(err.toString().contains("unknown test 'TCP_BOGUS'"), err.toString());
    }

    @Test
    void shouldRefuseASweepWithoutAListOfValuesOrWithABadOneBeforeWritingAnything(@TempDir final Path dir)
    {
        assertEquals(2, Main.run("sweep", "--set", "pcie.lanes=8"));
        assertTrue(err.toString().contains("say what to sweep: --set KEY=V1,V2,..."), err.toString());
        assertEquals(2, Main.run("sweep", "--set", "pcie.lanes=4,8", "--set", "link.rate_gbps=10,25,40"));
        assertTrue(err.toString().contains("as many values each"), err.toString());
        assertEquals(2, Main.run("sweep", "--set", "pcie.lanes=4,6"));
        assertTrue(err.toString().contains("bad value '6' for pcie.lanes"), err.toString());
        assertEquals(2, Main.run("sweep", "--set", "pcie.lanes=4,8", "--executor", "pbs", "--out",
            dir.resolve("pbs").toString()));
        assertTrue(err.toString().contains("--executor pbs is not one of local, slurm"), err.toString());
        assertFalse(Files.exists(dir.resolve("pbs")), "nothing written for a refused sweep");
    }

    private static String[] concat(final String[] first, final String[] second)
    {
        return Stream.concat(Stream.of(first), Stream.of(second)).toArray(String[]::new);
    }

    /* Every file under a folder, by relative path, with its bytes (as ISO-8859-1 text, so any byte compares). */
    static Map<String, String> files(final Path root) throws IOException
    {
        final Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root))
        {
            for (final Path file : walk.filter(Files::isRegularFile).toList())
            {
                files.put(root.relativize(file).toString(), new String(Files.readAllBytes(file),
                    StandardCharsets.ISO_8859_1));
            }
        }
        return files;
    }
}
