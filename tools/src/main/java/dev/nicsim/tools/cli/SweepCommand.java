package dev.nicsim.tools.cli;

import dev.nicsim.tools.config.ConfigException;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.sweep.LocalRunner;
import dev.nicsim.tools.sweep.PerfTarget;
import dev.nicsim.tools.sweep.Shard;
import dev.nicsim.tools.sweep.SlurmExecutor;
import dev.nicsim.tools.sweep.SweepFolder;
import dev.nicsim.tools.sweep.SweepPlan;
import dev.nicsim.tools.sweep.SweepReport;
import dev.nicsim.tools.sweep.SweepStatus;
import dev.nicsim.tools.sweep.SweepTargets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs a target (the demo, a perf test) once per point of a sweep, here, on a Slurm cluster, or as shards. */
@Command(name = "sweep",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {"Run a target once per point of a sweep and merge the points into sweep.csv, sweep.json and " +
        "plots (sweep-NAME.png and .svg).",
        "Each --set KEY=V1,V2,... sweeps a key; several are paired in lockstep, or crossed with --grid. Other --set " +
            "and --config options fix the rest. The target follows the options: 'demo' (the default: connect() " +
            "latency and its breakdown), or another with its own arguments.",
        "Points run in parallel (-j), as a Slurm job array (--executor slurm), or as slices (--shard) merged later " +
            "(--merge); a point's result depends only on its settings and seed, so all give the same files."},
    footer = {"", "Examples:",
        "  nicsim sweep --set pcie.dma_read_latency_ns=300,500,700,900",
        "  nicsim sweep --set driver.itr_units=0,8,32 --set pcie.lanes=4,8 --grid --out /tmp/itr",
        "  nicsim sweep --set driver.itr_units=0,8,32,128 perf TCP_RR --duration 0.1",
        "  nicsim sweep --set link.rate_gbps=1,10,100 --executor slurm --partition short --out /shared/rates",
        "  nicsim sweep --status /shared/rates",
        "  nicsim sweep --resume /shared/rates --executor slurm",
        "  nicsim sweep --set pcie.lanes=1,2,4,8 --shard 2/3 --out /shared/lanes",
        "  nicsim sweep --merge /shared/lanes",
        "", "docs/cluster.md explains Slurm, Kubernetes and GNU parallel runs."})
final class SweepCommand implements Runnable
{
    /** What a sweep can run: the demo, and netperf's tests with perf's own options. */
    static final SweepTargets TARGETS = SweepTargets.builtIn().with(PerfTarget.NAME, PerfCommand::sweepTarget);
    private static final int BAR_WIDTH = 30;
    private static final long POLL_MS = 500;

    @Mixin
    private SettingsOptions options;

    @Option(names = "--grid", description = "Cross the swept keys (every combination) instead of pairing them.")
    private boolean grid;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N", description = "Points run at once here (default: the " +
        "number of cores, ${DEFAULT-VALUE}).")
    private int jobs = Runtime.getRuntime().availableProcessors();

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "out/sweep",
        description = "The sweep's folder (default: ${DEFAULT-VALUE}); on a cluster, a shared one.")
    private Path out;

    @Option(names = "--executor", paramLabel = "local|slurm", defaultValue = "local",
        description = "Where the points run: here (default) or as a Slurm job array plus a merge job.")
    private String executor;

    @Option(names = "--shard", paramLabel = "I/N", description = "Run only the I-th of N disjoint slices of the " +
        "points, without merging (then --merge DIR).")
    private String shard;

    @Option(names = "--resume", paramLabel = "DIR", description = "Run the points of the sweep in DIR that have no " +
        "complete result (failed, cancelled, timed out, never run), then merge.")
    private Path resume;

    @Option(names = "--status", paramLabel = "DIR", description = "Show the points of the sweep in DIR done, " +
        "running, pending and failed (from DIR and squeue), and exit.")
    private Path status;

    @Option(names = "--merge", paramLabel = "DIR", description = "Merge the points in DIR into sweep.csv, " +
        "sweep.json and the plots; exit 1 if any point has no result.")
    private Path merge;

    @Option(names = "--partition", paramLabel = "NAME", description = "Slurm: the partition.")
    private String partition;

    @Option(names = "--account", paramLabel = "NAME", description = "Slurm: the account charged.")
    private String account;

    @Option(names = "--time", paramLabel = "LIMIT", description = "Slurm: each task's time limit (e.g. 30:00).")
    private String time;

    @Option(names = "--cpus-per-task", paramLabel = "N", defaultValue = "1",
        description = "Slurm: CPUs per task; a task runs that many of its points at once (default: ${DEFAULT-VALUE}).")
    private int cpusPerTask;

    @Option(names = "--mem", paramLabel = "SIZE", description = "Slurm: memory per task (e.g. 2G).")
    private String memory;

    @Option(names = "--max-running", paramLabel = "N", defaultValue = "0",
        description = "Slurm: at most N tasks at once (the array's %%N throttle; default: no limit).")
    private int maxRunning;

    @Option(names = "--points-per-task", paramLabel = "N", defaultValue = "1",
        description = "Slurm: points per array task (default: ${DEFAULT-VALUE}); more amortise the scheduler's " +
            "per-task cost on short points.")
    private int pointsPerTask;

    @Option(names = "--sbatch-arg", paramLabel = "ARG", description = "Slurm: one more sbatch argument " +
        "(e.g. --sbatch-arg=--qos=short); repeatable.")
    private List<String> sbatchArgs = new ArrayList<>();

    @Option(names = "--no-wait", description = "Slurm: submit and return instead of following the progress.")
    private boolean noWait;

    @Option(names = "--worker", paramLabel = "DIR", description = "Run the points given by --points of the sweep " +
        "in DIR and record each (what the job script runs on a node).")
    private Path worker;

    @Option(names = "--points", paramLabel = "LIST", description = "With --worker: the points to run, e.g. 3,4.")
    private String points;

    @Option(names = "--log", paramLabel = "FILE", description = "With --worker: the log its failures are " +
        "recorded with, relative to DIR.")
    private String log;

    @Parameters(paramLabel = "TARGET", arity = "0..*", description = "What runs at each point and its arguments " +
        "(default: demo). Everything after the target's name belongs to it.")
    private List<String> target = new ArrayList<>();

    /* Everything after the target's name is the target's, options included ('perf TCP_RR --duration 1'). */
    @Spec
    void spec(final CommandSpec spec)
    {
        spec.parser().stopAtPositional(true);
    }

    @Override
    public void run()
    {
        if (status != null)
        {
            System.out.println(SlurmExecutor.status(SweepFolder.open(status, TARGETS)).line());
            return;
        }
        if (merge != null)
        {
            finish(SweepFolder.open(merge, TARGETS));
            return;
        }
        if (worker != null)
        {
            runWorker(SweepFolder.open(worker, TARGETS));
            return;
        }
        if (!executor.equals("local") && !executor.equals("slurm"))
        {
            throw new ConfigException("--executor " + executor + " is not one of local, slurm");
        }
        final SweepFolder folder = resume != null ? SweepFolder.open(resume, TARGETS) : SweepFolder.create(out, plan());
        List<SweepPlan.Point> chosen = folder.plan().points();
        if (shard != null)
        {
            chosen = Shard.parse(shard).of(chosen);
        }
        final List<SweepPlan.Point> todo = chosen.stream().filter(point -> !folder.complete(point.index())).toList();
        if (todo.size() < chosen.size())
        {
            System.err.printf("sweep: %d of %d points already have a result in %s; running the other %d%n",
                chosen.size() - todo.size(), chosen.size(), folder.dir(), todo.size());
        }
        if (executor.equals("slurm"))
        {
            submit(folder, todo);
        }
        else
        {
            runLocally(folder, todo);
        }
    }

    private SweepPlan plan()
    {
        final List<String> fixed = new ArrayList<>();
        final List<String> swept = new ArrayList<>();
        for (final String assignment : options.assignments())
        {
            (SweepPlan.listsValues(assignment) ? swept : fixed).add(assignment);
        }
        final Settings base = options.unchecked(fixed);
        return SweepPlan.of(TARGETS, target.isEmpty() ? List.of(SweepTargets.DEFAULT) : target, base, swept, grid);
    }

    private void runLocally(final SweepFolder folder, final List<SweepPlan.Point> todo)
    {
        if (jobs < 1)
        {
            throw new ConfigException("-j " + jobs + ": run at least one point at a time");
        }
        final Progress progress = new Progress();
        LocalRunner.run(folder, todo, jobs, -1, null, progress::show);
        progress.end();
        if (shard != null)
        {
            System.out.printf("shard %s done in %s; merge all shards with 'nicsim sweep --merge %s'%n", shard,
                folder.dir(), folder.dir());
            return;
        }
        finish(folder);
    }

    private void runWorker(final SweepFolder folder)
    {
        if (points == null)
        {
            throw new ConfigException("--worker needs --points LIST (e.g. --points 3,4)");
        }
        final List<SweepPlan.Point> chosen = new ArrayList<>();
        for (final String index : points.split(","))
        {
            try
            {
                chosen.add(folder.plan().point(Integer.parseInt(index.trim())));
            }
            catch (final NumberFormatException e)
            {
                throw new ConfigException("--points '" + points + "' is not a list of point numbers (e.g. 3,4)");
            }
        }
        final int failed = LocalRunner.run(folder, chosen, jobs, 1, log, status -> { });
        if (failed > 0)
        {
            throw new IllegalStateException(failed + " of " + chosen.size() + " points failed; each failure is " +
                "recorded in " + folder.dir().resolve(SweepFolder.POINTS));
        }
    }

    private void submit(final SweepFolder folder, final List<SweepPlan.Point> todo)
    {
        if (shard != null)
        {
            throw new ConfigException("--shard is for other batch systems; with --executor slurm the array " +
                "already splits the points");
        }
        if (todo.isEmpty())
        {
            finish(folder);
            return;
        }
        final SlurmExecutor.Submission submission = SlurmExecutor.submit(folder, todo,
            new SlurmExecutor.Options(partition, account, time, cpusPerTask, memory, maxRunning, pointsPerTask,
                sbatchArgs), launcher());
        System.err.printf("sweep: submitted %d points as array job %s (%d tasks), merge job %s; job scripts in %s%n",
            todo.size(), submission.arrayJob(), submission.tasks().size(), submission.mergeJob(), folder.dir());
        if (noWait)
        {
            System.out.printf("follow it with 'nicsim sweep --status %s'%n", folder.dir());
            return;
        }
        final Progress progress = new Progress();
        while (SlurmExecutor.queued(submission.mergeJob()))
        {
            progress.show(SlurmExecutor.status(folder));
            try
            {
                Thread.sleep(POLL_MS);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the sweep; it goes on: 'nicsim " +
                    "sweep --status " + folder.dir() + "'", e);
            }
        }
        progress.end();
        report(folder, SweepReport.read(folder));
    }

    /* Merges here and reports; a sweep with points that have no result exits 1, naming them. */
    private static void finish(final SweepFolder folder)
    {
        report(folder, SweepReport.merge(folder));
    }

    private static void report(final SweepFolder folder, final SweepReport report)
    {
        System.out.print(report.table());
        System.out.printf("%nfiles in %s: %s, %s, the plots (sweep-*.png, sweep-*.svg), and each point's summary " +
            "in %s/%n", folder.dir(), SweepReport.CSV, SweepReport.JSON, SweepFolder.POINTS);
        final List<SweepReport.Row> failures = report.failures();
        if (!failures.isEmpty())
        {
            for (final SweepReport.Row row : failures)
            {
                final SweepFolder.Failure failure = row.failure();
                System.out.printf("point %d (%s) %s%s%n", row.point().index(), row.point().label(), row.status(),
                    failure == null ? "" : ": " + (failure.exitCode() < 0 ? "" : "exit code " + failure.exitCode() +
                        ", ") + failure.error() + (failure.log() == null ? "" : ", log " + failure.log()));
            }
            throw new IllegalStateException(failures.size() + " of " + report.rows().size() + " points have no " +
                "result (see " + SweepReport.JSON + "); run them again with 'nicsim sweep --resume " + folder.dir() +
                "'");
        }
    }

    /* The JVM and module path this process runs on, for the job scripts: nodes see the same shared install. */
    private static List<String> launcher()
    {
        final String modulePath = System.getProperty("jdk.module.path");
        if (modulePath == null)
        {
            throw new ConfigException("--executor slurm needs nicsim started on its module path (./nicsim does)");
        }
        final List<String> entries = new ArrayList<>();
        for (final String entry : modulePath.split(File.pathSeparator))
        {
            entries.add(Path.of(entry).toAbsolutePath().toString());
        }
        final String java = ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return List.of(java, "--enable-native-access=" + SweepCommand.class.getModule().getName(), "-p",
            String.join(File.pathSeparator, entries), "-m",
            SweepCommand.class.getModule().getName() + "/" + Main.class.getName());
    }

    /** A progress bar on a terminal; nothing when the output is piped or captured. */
    private static final class Progress
    {
        private final boolean terminal = System.console() != null;
        private boolean shown;

        void show(final SweepStatus status)
        {
            if (!terminal || status.total() == 0)
            {
                return;
            }
            final int filled = (status.done() + status.failed()) * BAR_WIDTH / status.total();
            System.err.printf("\r[%s%s] %s   ", "#".repeat(filled), " ".repeat(BAR_WIDTH - filled), status.line());
            System.err.flush();
            shown = true;
        }

        void end()
        {
            if (shown)
            {
                System.err.println();
            }
        }
    }
}
