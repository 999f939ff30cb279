package dev.nicsim.tools.sweep;

import dev.nicsim.hw.testsupport.ExternalTool;
import org.junit.jupiter.api.Assertions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Slurm cluster of one node, in a folder of its own: a munge key and munged, a slurm.conf with this machine's CPUs,
 * slurmctld and slurmd, all on private sockets and ports so nothing of the system's Slurm (if any) is touched.
 * slurmctld and slurmd run in the foreground as child processes of the test, and munged as a daemon stopped through
 * its own socket, so closing it stops exactly the three it started.
 */
final class OneNodeSlurm implements AutoCloseable
{
    private final Path dir;
    private final Path conf;
    private final List<Process> daemons = new ArrayList<>();
    private boolean mungeStarted;

    private OneNodeSlurm(final Path dir)
    {
        this.dir = dir;
        this.conf = dir.resolve("slurm.conf");
    }

    /** Skips (or fails under NICSIM_REQUIRE_TOOLS=1) unless root and the Slurm and munge packages are installed. */
    static void requireTools()
    {
        ExternalTool.require("root".equals(System.getProperty("user.name")),
            "starting slurmctld, slurmd and munged needs root");
        for (final String tool : List.of("munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo"))
        {
            ExternalTool.require(ExternalTool.installed(tool), tool + " is not installed (Debian: apt-get install " +
                "slurmctld slurmd slurm-client munge)");
        }
    }

    static OneNodeSlurm start(final Path dir) throws IOException, InterruptedException
    {
        final OneNodeSlurm cluster = new OneNodeSlurm(dir);
        try
        {
            cluster.boot();
        }
        catch (final IOException | InterruptedException | RuntimeException | AssertionError e)
        {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** The environment a Slurm client (sbatch, squeue) needs to reach this cluster. */
    Map<String, String> environment()
    {
        return Map.of("SLURM_CONF", conf.toString());
    }

    private void boot() throws IOException, InterruptedException
    {
        Files.createDirectories(dir.resolve("state"));
        Files.createDirectories(dir.resolve("spool"));
        final byte[] key = new byte[1024];
        new SecureRandom().nextBytes(key);
        final Path keyFile = dir.resolve("munge.key");
        Files.write(keyFile, key);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        final String host = hostname();
        Files.writeString(conf, String.join("\n",
            "ClusterName=nicsimtest",
            "SlurmctldHost=" + host + "(127.0.0.1)",
            "SlurmUser=root",
            "SlurmdUser=root",
            "AuthType=auth/munge",
            "CredType=cred/munge",
            "AuthInfo=socket=" + dir.resolve("munge.socket"),
            "StateSaveLocation=" + dir.resolve("state"),
            "SlurmdSpoolDir=" + dir.resolve("spool"),
            "SlurmctldLogFile=" + dir.resolve("slurmctld.log"),
            "SlurmdLogFile=" + dir.resolve("slurmd.log"),
            "SlurmctldPort=" + freePort(),
            "SlurmdPort=" + freePort(),
            // No cgroups in a container: track processes by their parents, bind nothing.
            "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none",
            "JobAcctGatherType=jobacct_gather/none",
            "AccountingStorageType=accounting_storage/none",
            "MpiDefault=none",
            "SchedulerType=sched/backfill",
            // Start a task as soon as a CPU frees up: the default holds batch jobs back for up to 3 s per round.
            "SchedulerParameters=batch_sched_delay=0",
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_CPU",
            "ReturnToService=2",
            "NodeName=" + host + " NodeAddr=127.0.0.1 CPUs=" + Runtime.getRuntime().availableProcessors() +
                " RealMemory=2000 State=UNKNOWN",
            "PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP", ""));
        // Nothing here reads or waits on a clock: each step blocks on the daemons' own sign that they are ready.
        // munged without --foreground returns once its socket is up (the parent exits when the daemon has
        // initialised); slurmctld and slurmd run in the foreground; a first job submitted with sbatch --wait returns
        // once the controller took it and the node, registered, has run it.
        final Path mungeSocket = dir.resolve("munge.socket");
        final Process munged = new ProcessBuilder("munged", "--force", "--socket=" + mungeSocket,
            "--key-file=" + keyFile, "--log-file=" + dir.resolve("munged.log"), "--seed-file=" +
            dir.resolve("munge.seed"), "--pid-file=" + dir.resolve("munged.pid")).redirectErrorStream(true)
            .redirectOutput(dir.resolve("munged.out").toFile()).start();
        if (munged.waitFor() != 0)
        {
            Assertions.fail("munged exited with " + munged.exitValue() + "; " + logTails("munged.out", "munged.log"));
        }
        mungeStarted = true;
        daemon("slurmctld", "-D", "-i", "-f", conf.toString());
        daemon("slurmd", "-D", "-f", conf.toString());
        final String first = run("sbatch", "--wait", "--output=/dev/null", "--wrap=true");
        if (!first.contains("Submitted batch job"))
        {
            Assertions.fail("the one-node Slurm cluster ran no job: " + first + "; " +
                logTails("slurmctld.log", "slurmd.log"));
        }
    }

    private String logTails(final String... logs)
    {
        final StringBuilder text = new StringBuilder();
        for (final String log : logs)
        {
            text.append(log).append(" ends:\n").append(tail(log)).append('\n');
        }
        return text.toString();
    }

    /* Starts a daemon in the foreground; what it prints goes to its own file in the cluster's folder. */
    private void daemon(final String... command) throws IOException
    {
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(dir.resolve(command[0] + ".out").toFile());
        builder.environment().putAll(environment());
        daemons.add(builder.start());
    }

    /**
     * Runs a Slurm client command against this cluster and returns what it printed. A client waits for a controller
     * that has gone (sbatch --wait retries forever), so a daemon that exits meanwhile ends the client and the test.
     */
    String run(final String... command) throws IOException, InterruptedException
    {
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment());
        final Process process = builder.start();
        for (final Process daemon : daemons)
        {
            daemon.onExit().thenRun(process::destroy);
        }
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        for (final Process daemon : daemons)
        {
            if (!daemon.isAlive())
            {
                Assertions.fail(String.join(" ", command) + ": a Slurm daemon exited with " + daemon.exitValue() +
                    " while it ran; " + logTails("slurmctld.log", "slurmd.log"));
            }
        }
        return output;
    }

    private String tail(final String log)
    {
        try
        {
            final List<String> lines = Files.readAllLines(dir.resolve(log));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        }
        catch (final IOException e)
        {
            return "(no " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Stops the daemons this cluster started, newest first, and waits for each to exit. */
    @Override
    public void close()
    {
        for (final Process daemon : daemons.reversed())
        {
            daemon.destroy();
            try
            {
                daemon.waitFor();
            }
            catch (final InterruptedException e)
            {
                daemon.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        daemons.clear();
        if (mungeStarted)
        {
            // munged runs as a daemon of its own: stopped through its socket, which waits for it to exit.
            try
            {
                new ProcessBuilder("munged", "--stop", "--socket=" + dir.resolve("munge.socket"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("munged-stop.out").toFile()).start()
                    .waitFor();
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException(e);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
            mungeStarted = false;
        }
    }

    private static String hostname() throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder("hostname", "-s").start();
        final String name = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        process.waitFor();
        return name;
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}
