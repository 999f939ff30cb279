package dev.nicsim.tools.sweep;

import dev.nicsim.tools.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Slurm: a 16-point perf sweep as a job array on a one-node cluster merges to the same sweep.csv as the
 * sweep run here; two points made to fail are named in the merged summary and, once the cause is gone, resumed alone; shards
 * merge to the same file too.
 */
class SlurmSweepTest
{
    /* A millisecond of TCP_RR per point: short, and every point a full perf run through the whole model. */
    private static final List<String> SWEEP = List.of("--set", "pcie.dma_read_latency_ns=" +
        "250,300,350,400,450,500,550,600,650,700,750,800,850,900,950,1000", "--set", "sim.seed=5", "perf", "TCP_RR",
        "--duration", "0.001", "--warmup", "0.001");

    @Test
    void shouldMergeASlurmArraySweepResumedAfterFailuresAndShardsToTheLocalSweep(@TempDir final Path dir)
        throws IOException, InterruptedException
    {
        OneNodeSlurm.requireTools();
        final Path local = dir.resolve("local");
        assertEquals(0, main(args(List.of("sweep", "-j", "2", "--out", local.toString()))));
        final String expected = Files.readString(local.resolve(SweepReport.CSV));
        assertEquals(17, expected.lines().count());

        try (OneNodeSlurm cluster = OneNodeSlurm.start(dir.resolve("cluster")))
        {
            final Path slurm = dir.resolve("slurm");
            final Outcome run = cli(cluster, args(List.of("sweep", "--executor", "slurm", "--points-per-task", "4",
                "--max-running", "2", "--out", slurm.toString())));
            assertEquals(0, run.exitCode(), run.output());
            assertEquals(expected, Files.readString(slurm.resolve(SweepReport.CSV)));
            assertEquals(Files.readString(local.resolve(SweepReport.JSON)),
                Files.readString(slurm.resolve(SweepReport.JSON)));
            final String script = Files.readString(slurm.resolve(SlurmExecutor.JOB_SCRIPT));
            assertTrue(script.contains("#SBATCH --array=0-3%2"), script);

            // Two points cannot store their results: something else holds their names in the shared folder.
            final Path failing = dir.resolve("failing");
            Files.createDirectories(failing.resolve(SweepFolder.POINTS));
            Files.writeString(failing.resolve("points/0005"), "in the way");
            Files.writeString(failing.resolve("points/0011"), "in the way");
            final Outcome failed = cli(cluster, args(List.of("sweep", "--executor", "slurm", "--points-per-task",
                "4", "--out", failing.toString())));
            assertEquals(1, failed.exitCode(), failed.output());
            final String summary = Files.readString(failing.resolve(SweepReport.JSON));
            assertTrue(summary.contains("\"failed\": 2"), summary);
            for (final String point : List.of("5", "11"))
            {
                assertTrue(summary.matches("(?s).*\"point\": " + point + ",\\s*\"settings\": \\{[^}]*},\\s*" +
                    "\"status\": \"failed\",\\s*\"exit_code\": 1,\\s*\"error\": \"cannot store the result of point " +
                    point + "[^\"]*\",\\s*\"log\": \"logs/task-\\d+_\\d+\\.log\",\\s*\"log_tail\": \\[\\s*\".*"),
                    "point " + point + " named with its exit code, error and log: " + summary);
            }
            assertTrue(failed.output().contains("point 5 (pcie.dma_read_latency_ns=500) failed"), failed.output());

            Files.delete(failing.resolve("points/0005"));
            Files.delete(failing.resolve("points/0011"));
            final Outcome resumed = cli(cluster, List.of("sweep", "--resume", failing.toString(), "--executor",
                "slurm"));
            assertEquals(0, resumed.exitCode(), resumed.output());
            assertTrue(resumed.output().contains("14 of 16 points already have a result"), resumed.output());
            assertEquals(List.of(5, 11), SlurmExecutor.lastSubmission(failing).tasks().stream()
                .flatMap(List::stream).toList(), "resume submits only the failed points");
            assertEquals(expected, Files.readString(failing.resolve(SweepReport.CSV)));
            final Outcome status = cli(cluster, List.of("sweep", "--status", failing.toString()));
            assertTrue(status.output().contains("16/16 done, 0 running, 0 pending, 0 failed"), status.output());
        }

        final Path shards = dir.resolve("shards");
        for (final String shard : List.of("1/3", "2/3", "3/3"))
        {
            assertEquals(0, main(args(List.of("sweep", "--shard", shard, "--out", shards.toString()))));
        }
        assertFalse(Files.exists(shards.resolve(SweepReport.CSV)));
        assertEquals(0, Main.run("sweep", "--merge", shards.toString()));
        assertEquals(expected, Files.readString(shards.resolve(SweepReport.CSV)));
    }

    private static List<String> args(final List<String> head)
    {
        final List<String> all = new ArrayList<>(head);
        all.addAll(SWEEP);
        return all;
    }

    private static int main(final List<String> arguments)
    {
        return Main.run(arguments.toArray(String[]::new));
    }

    private record Outcome(int exitCode, String output)
    {
    }

    /* The CLI in a JVM of its own, as a user runs it, with the cluster's SLURM_CONF in its environment. */
    private static Outcome cli(final OneNodeSlurm cluster, final List<String> arguments)
        throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
            "-p", System.getProperty("jdk.module.path"), "-m", Main.class.getModule().getName() + "/" +
                Main.class.getName()));
        command.addAll(arguments);
        final Path log = Files.createTempFile("nicsim-sweep-cli", ".log");
        try
        {
            final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
            builder.environment().putAll(cluster.environment());
            final int exit = builder.start().waitFor();
            return new Outcome(exit, Files.readString(log, StandardCharsets.UTF_8));
        }
        finally
        {
            Files.deleteIfExists(log);
        }
    }
}
