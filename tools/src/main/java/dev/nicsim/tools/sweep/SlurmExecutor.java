package dev.nicsim.tools.sweep;

import dev.nicsim.tools.config.ConfigException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Runs a sweep's points on a Slurm cluster: one job array whose tasks each run one or more points into the sweep's
 * folder (which must be on a file system every node shares), and a merge job that starts when the array has ended,
 * however it ended ({@code --dependency=afterany}), and writes the same sweep.csv, JSON and plots as a local sweep.
 * Both job scripts are written into the folder, so a user can read them, change them and submit them by hand.
 */
public final class SlurmExecutor
{
    public static final String JOB_SCRIPT = "sweep-job.sh";
    public static final String MERGE_SCRIPT = "merge-job.sh";
    /** One line per submission: array job id, merge job id, then each task's points. */
    public static final String JOBS = "slurm-jobs.txt";

    /**
     * What {@code sbatch} is told.
     *
     * @param maxRunning    the array's throttle ({@code --array=0-N%M}); 0 for none
     * @param pointsPerTask points each array task runs one after the other (more per task: fewer scheduler rounds)
     * @param extra         further sbatch arguments, each written as an {@code #SBATCH} line
     */
    public record Options(String partition, String account, String time, int cpusPerTask, String memory,
                          int maxRunning, int pointsPerTask, List<String> extra)
    {
        public Options
        {
            if (cpusPerTask < 1 || pointsPerTask < 1 || maxRunning < 0)
            {
                throw new ConfigException("--cpus-per-task and --points-per-task must be at least 1, --max-running " +
                    "at least 0 (no throttle)");
            }
            extra = List.copyOf(extra);
        }
    }

    /** A submitted sweep: the array, the merge job, and the points of each array task. */
    public record Submission(String arrayJob, String mergeJob, List<List<Integer>> tasks)
    {
        String line()
        {
            return arrayJob + " " + mergeJob + " " + tasks.stream().map(task -> task.stream().map(String::valueOf)
                .collect(Collectors.joining(","))).collect(Collectors.joining(" ")) + "\n";
        }

        static Submission parse(final String line)
        {
            final String[] fields = line.trim().split(" ");
            final List<List<Integer>> tasks = new ArrayList<>();
            for (int i = 2; i < fields.length; i++)
            {
                final List<Integer> points = new ArrayList<>();
                for (final String point : fields[i].split(","))
                {
                    points.add(Integer.parseInt(point));
                }
                tasks.add(points);
            }
            return new Submission(fields[0], fields[1], tasks);
        }
    }

    private SlurmExecutor()
    {
    }

    /**
     * Writes the job scripts for {@code points} and submits them.
     *
     * @param launcher the command that starts nicsim's CLI on a node (java, its options, the main module)
     * @throws ConfigException if sbatch is missing or refuses the job (its message included)
     */
    public static Submission submit(final SweepFolder folder, final List<SweepPlan.Point> points,
        final Options options, final List<String> launcher)
    {
        final List<List<Integer>> tasks = new ArrayList<>();
        for (int first = 0; first < points.size(); first += options.pointsPerTask())
        {
            tasks.add(points.subList(first, Math.min(points.size(), first + options.pointsPerTask())).stream()
                .map(SweepPlan.Point::index).toList());
        }
        final Path jobScript = folder.dir().resolve(JOB_SCRIPT);
        final Path mergeScript = folder.dir().resolve(MERGE_SCRIPT);
        writeScript(jobScript, jobScript(folder, tasks, options, launcher));
        writeScript(mergeScript, mergeScript(folder, options, launcher));
        final String array = sbatch(List.of("sbatch", "--parsable", jobScript.toString()));
        final String merge = sbatch(List.of("sbatch", "--parsable", "--dependency=afterany:" + array,
            mergeScript.toString()));
        final Submission submission = new Submission(array, merge, tasks);
        try
        {
            Files.writeString(folder.dir().resolve(JOBS), submission.line(), StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot record the submission in " + folder.dir().resolve(JOBS), e);
        }
        return submission;
    }

    /* The array: each task looks up its points by its task id and runs them in one JVM. */
    static String jobScript(final SweepFolder folder, final List<List<Integer>> tasks, final Options options,
        final List<String> launcher)
    {
        final String dir = folder.dir().toString();
        final StringBuilder text = new StringBuilder("#!/bin/bash\n");
        text.append("# nicsim sweep: ").append(tasks.stream().mapToInt(List::size).sum()).append(" points of ")
            .append(dir).append(" as a Slurm job array.\n");
        text.append("# Written by 'nicsim sweep --executor slurm'. To submit it by hand:\n");
        text.append("#   job=$(sbatch --parsable ").append(dir).append('/').append(JOB_SCRIPT).append(")\n");
        text.append("#   sbatch --dependency=afterany:$job ").append(dir).append('/').append(MERGE_SCRIPT)
            .append('\n');
        text.append("#SBATCH --job-name=nicsim-sweep\n");
        text.append("#SBATCH --array=0-").append(tasks.size() - 1)
            .append(options.maxRunning() > 0 ? "%" + options.maxRunning() : "").append('\n');
        text.append("#SBATCH --output=").append(dir).append('/').append(SweepFolder.LOGS).append("/task-%A_%a.log\n");
        resources(text, options, options.cpusPerTask());
        text.append("set -u\n");
        text.append("# The points each array task runs, by SLURM_ARRAY_TASK_ID.\n");
        text.append("POINTS=(").append(tasks.stream().map(task -> task.stream().map(String::valueOf)
            .collect(Collectors.joining(","))).collect(Collectors.joining(" "))).append(")\n");
        text.append("DIR=").append(quote(dir)).append('\n');
        text.append("points=${POINTS[$SLURM_ARRAY_TASK_ID]}\n");
        text.append("log=").append(SweepFolder.LOGS)
            .append("/task-${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}.log\n");
        text.append(command(launcher)).append(" sweep --worker \"$DIR\" --points \"$points\" --log \"$log\" -j ")
            .append("\"${SLURM_CPUS_PER_TASK:-1}\"\n");
        text.append("status=$?\n");
        text.append("# A JVM that died (out of memory, a signal) recorded nothing: record that for its points.\n");
        text.append("if (( status != 0 )); then\n");
        text.append("  for point in ${points//,/ }; do\n");
        text.append("    name=$(printf '%04d' \"$point\")\n");
        text.append("    if [[ ! -e \"$DIR/points/$name/metrics.txt\" && ! -e \"$DIR/points/$name.failed\" ]]; then\n");
        text.append("      printf 'exit_code=%d\\nlog=%s\\nerror=%s\\n' \"$status\" \"$log\" ")
            .append("\"the task exited with $status before recording this point\" >\"$DIR/points/.$name.failed\"\n");
        text.append("      mv \"$DIR/points/.$name.failed\" \"$DIR/points/$name.failed\"\n");
        text.append("    fi\n  done\nfi\nexit $status\n");
        return text.toString();
    }

    /* The merge: reads the folder, writes sweep.csv, sweep.json and the plots, whatever became of the array. */
    static String mergeScript(final SweepFolder folder, final Options options, final List<String> launcher)
    {
        final String dir = folder.dir().toString();
        final StringBuilder text = new StringBuilder("#!/bin/bash\n");
        text.append("# nicsim sweep: merges the points in ").append(dir).append(" once the array has ended.\n");
        text.append("#SBATCH --job-name=nicsim-sweep-merge\n");
        text.append("#SBATCH --output=").append(dir).append('/').append(SweepFolder.LOGS).append("/merge-%j.log\n");
        resources(text, options, 1);
        text.append(command(launcher)).append(" sweep --merge ").append(quote(dir)).append('\n');
        return text.toString();
    }

    private static void resources(final StringBuilder text, final Options options, final int cpus)
    {
        text.append("#SBATCH --cpus-per-task=").append(cpus).append('\n');
        line(text, "--partition", options.partition());
        line(text, "--account", options.account());
        line(text, "--time", options.time());
        line(text, "--mem", options.memory());
        for (final String extra : options.extra())
        {
            text.append("#SBATCH ").append(extra).append('\n');
        }
    }

    private static void line(final StringBuilder text, final String option, final String value)
    {
        if (value != null)
        {
            text.append("#SBATCH ").append(option).append('=').append(value).append('\n');
        }
    }

    private static String command(final List<String> launcher)
    {
        return launcher.stream().map(SlurmExecutor::quote).collect(Collectors.joining(" "));
    }

    /** A word for bash: single-quoted unless it is plainly safe. */
    static String quote(final String word)
    {
        return word.matches("[A-Za-z0-9_./=:,@%+-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    private static void writeScript(final Path file, final String text)
    {
        try
        {
            Files.writeString(file, text, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot write the job script " + file, e);
        }
    }

    /* sbatch --parsable prints "jobid" or "jobid;cluster". */
    private static String sbatch(final List<String> command)
    {
        final Outcome outcome = run(command);
        if (outcome.exitCode() != 0)
        {
            throw new ConfigException("sbatch refused the sweep (exit " + outcome.exitCode() + "): " +
                outcome.output().trim());
        }
        return outcome.output().trim().split(";")[0];
    }

    /** The last submission recorded in a sweep's folder, if the sweep went to Slurm; null if not. */
    public static Submission lastSubmission(final Path dir)
    {
        final Path jobs = dir.resolve(JOBS);
        try
        {
            if (!Files.exists(jobs))
            {
                return null;
            }
            final List<String> lines = Files.readAllLines(jobs).stream().filter(line -> !line.isBlank()).toList();
            return lines.isEmpty() ? null : Submission.parse(lines.getLast());
        }
        catch (final IOException | RuntimeException e)
        {
            throw new ConfigException("cannot read " + jobs + ": " + e.getMessage());
        }
    }

    /**
     * Where the sweep stands: done and failed from the folder; running and pending from {@code squeue} for the points
     * of the last submission that have neither; failed also where {@code sacct} (if the cluster keeps accounting)
     * says their task ended without recording them (cancelled, timed out, out of memory, node failure); the rest
     * missing.
     */
    public static SweepStatus status(final SweepFolder folder)
    {
        final Submission submission = lastSubmission(folder.dir());
        final Map<Integer, String> queued = new HashMap<>();
        final Set<Integer> ended = new HashSet<>();
        if (submission != null)
        {
            final Map<Integer, String> states = squeue(submission.arrayJob());
            final Map<Integer, String> finals = sacct(submission.arrayJob());
            for (int task = 0; task < submission.tasks().size(); task++)
            {
                final String state = states.get(task);
                if (state != null)
                {
                    for (final int point : submission.tasks().get(task))
                    {
                        queued.put(point, state);
                    }
                }
                else if (finals.containsKey(task) && !finals.get(task).startsWith("COMPLETED"))
                {
                    ended.addAll(submission.tasks().get(task));
                }
            }
        }
        int done = 0;
        int failed = 0;
        int running = 0;
        int pending = 0;
        int missing = 0;
        for (final SweepPlan.Point point : folder.plan().points())
        {
            final String state = queued.get(point.index());
            if (folder.complete(point.index()))
            {
                done++;
            }
            else if (state != null && !state.equals("PENDING"))
            {
                running++;
            }
            else if (state != null)
            {
                pending++;
            }
            else if (folder.failure(point.index()).isPresent() || ended.contains(point.index()))
            {
                failed++;
            }
            else
            {
                missing++;
            }
        }
        return new SweepStatus(folder.plan().points().size(), done, running, pending, failed, missing);
    }

    /** Whether a job is still known to the queue (pending, running or completing). */
    public static boolean queued(final String job)
    {
        final Outcome outcome = run(List.of("squeue", "-h", "-j", job, "-o", "%T"));
        return outcome.exitCode() == 0 && !outcome.output().isBlank();
    }

    /* Task id -> state of the array's tasks still in the queue (squeue -r lists each task on its own line). */
    private static Map<Integer, String> squeue(final String arrayJob)
    {
        final Outcome outcome = run(List.of("squeue", "-h", "-r", "-j", arrayJob, "-o", "%K %T"));
        final Map<Integer, String> states = new HashMap<>();
        if (outcome.exitCode() != 0)
        {
            return states;
        }
        for (final String line : outcome.output().split("\n"))
        {
            final String[] fields = line.trim().split("\\s+");
            if (fields.length == 2 && fields[0].matches("\\d+"))
            {
                states.put(Integer.parseInt(fields[0]), fields[1]);
            }
        }
        return states;
    }

    /*
     * Task id -> final state from accounting (COMPLETED, FAILED, CANCELLED by 0, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL);
     * empty when the cluster keeps no accounting (sacct then fails) or sacct is not installed.
     */
    private static Map<Integer, String> sacct(final String arrayJob)
    {
        final Map<Integer, String> states = new HashMap<>();
        final Outcome outcome;
        try
        {
            outcome = run(List.of("sacct", "-n", "-P", "-X", "-j", arrayJob, "-o", "JobID,State"));
        }
        catch (final ConfigException e)
        {
            return states;
        }
        if (outcome.exitCode() != 0)
        {
            return states;
        }
        for (final String line : outcome.output().split("\n"))
        {
            final String[] fields = line.trim().split("\\|");
            final int underscore = fields[0].indexOf('_');
            if (fields.length == 2 && underscore > 0 && fields[0].substring(underscore + 1).matches("\\d+"))
            {
                states.put(Integer.parseInt(fields[0].substring(underscore + 1)), fields[1]);
            }
        }
        return states;
    }

    private record Outcome(int exitCode, String output)
    {
    }

    private static Outcome run(final List<String> command)
    {
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Outcome(process.waitFor(), output);
        }
        catch (final IOException e)
        {
            throw new ConfigException(command.get(0) + " could not run (" + e.getMessage() + "): --executor slurm " +
                "and --status need Slurm's client commands (sbatch, squeue) on PATH");
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }

}
