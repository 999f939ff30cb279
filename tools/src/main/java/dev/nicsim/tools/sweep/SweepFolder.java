package dev.nicsim.tools.sweep;

import dev.nicsim.tools.config.ConfigException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A sweep's folder, the only thing the places that run its points share (threads, Slurm nodes, pods): the plan, and
 * one entry per point that has finished. Every entry appears atomically (written under a temporary name, then
 * renamed), so a point is either complete or absent, whatever killed its run; resume and merge read nothing else.
 * <pre>
 * DIR/sweep-plan.properties     the plan
 * DIR/points/0007/metrics.txt   point 7's metrics, name=value per line, in order
 * DIR/points/0007/summary.json  point 7's own summary
 * DIR/points/0007.failed        or why point 7 failed: exit_code, error, log
 * DIR/logs/                     the batch system's logs of the tasks
 * </pre>
 */
public final class SweepFolder
{
    public static final String PLAN = "sweep-plan.properties";
    public static final String POINTS = "points";
    public static final String LOGS = "logs";
    private static final String METRICS = "metrics.txt";
    private static final String SUMMARY = "summary.json";

    /* Temporary files are private by default; a sweep's files are for everyone who reads the shared folder. */
    private static final Set<PosixFilePermission> SHARED_FILE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> SHARED_FOLDER = PosixFilePermissions.fromString("rwxr-xr-x");

    private final Path dir;
    private final SweepPlan plan;

    /** Why a point has no result. {@code exitCode} is -1 when no process exit is involved (a local thread). */
    public record Failure(int exitCode, String error, String log)
    {
    }

    private SweepFolder(final Path dir, final SweepPlan plan)
    {
        this.dir = dir;
        this.plan = plan;
    }

    /**
     * Creates the folder for {@code plan}, or opens it if it already holds the same plan (shards of one sweep all
     * create it).
     *
     * @throws ConfigException if the folder holds a different sweep, or cannot be written
     */
    public static SweepFolder create(final Path dir, final SweepPlan plan)
    {
        final Path absolute = dir.toAbsolutePath().normalize();
        final String text = plan.toText();
        try
        {
            Files.createDirectories(absolute.resolve(POINTS));
            Files.createDirectories(absolute.resolve(LOGS));
            final Path planFile = absolute.resolve(PLAN);
            if (Files.exists(planFile))
            {
                if (!Files.readString(planFile).equals(text))
                {
                    throw new ConfigException(dir + " holds a different sweep (see its " + PLAN + "): choose " +
                        "another --out, or continue that one with --resume " + dir);
                }
            }
            else
            {
                writeAtomically(planFile, text);
            }
        }
        catch (final IOException e)
        {
            throw new ConfigException("cannot write the sweep into " + dir + " (" + e + "); choose a folder you " +
                "can write to");
        }
        return new SweepFolder(absolute, plan);
    }

    /**
     * Opens the folder of an existing sweep whose target is one of {@code targets}.
     *
     * @throws ConfigException if it holds no sweep plan
     */
    public static SweepFolder open(final Path dir, final SweepTargets targets)
    {
        final Path absolute = dir.toAbsolutePath().normalize();
        final Path planFile = absolute.resolve(PLAN);
        try
        {
            return new SweepFolder(absolute, SweepPlan.parse(Files.readString(planFile), planFile.toString(),
                targets));
        }
        catch (final NoSuchFileException e)
        {
            throw new ConfigException(dir + " holds no sweep (no " + PLAN + "); start one with 'nicsim sweep " +
                "--set KEY=V1,V2 --out " + dir + "'");
        }
        catch (final IOException e)
        {
            throw new ConfigException("cannot read " + planFile + ": " + e);
        }
    }

    public Path dir()
    {
        return dir;
    }

    public SweepPlan plan()
    {
        return plan;
    }

    /** Whether the point has a complete result. */
    public boolean complete(final int index)
    {
        return Files.isRegularFile(pointDir(index).resolve(METRICS));
    }

    /** The points that have no complete result, in order. */
    public List<SweepPlan.Point> incomplete()
    {
        return plan.points().stream().filter(point -> !complete(point.index())).toList();
    }

    /**
     * Stores a point's result, atomically: written into a temporary folder and renamed into place. A point that is
     * already complete keeps its result (it is the same: a point depends only on its settings).
     */
    public void store(final SweepPlan.Point point, final PointResult result)
    {
        final Path target = pointDir(point.index());
        try
        {
            final Path staging = Files.createTempDirectory(dir.resolve(POINTS), "." + name(point.index()) + ".");
            Files.setPosixFilePermissions(staging, SHARED_FOLDER);
            final StringBuilder metrics = new StringBuilder();
            result.metrics().forEach((name, value) -> metrics.append(name).append('=').append(value).append('\n'));
            Files.writeString(staging.resolve(METRICS), metrics);
            Files.writeString(staging.resolve(SUMMARY), result.summaryJson());
            if (complete(point.index()))
            {
                deleteTree(staging);
                return;
            }
            try
            {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            }
            catch (final IOException e)
            {
                deleteTree(staging);
                throw e;
            }
            Files.deleteIfExists(failedFile(point.index()));
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot store the result of point " + point.index() + " as " + target +
                ": " + e, e);
        }
    }

    /** Records why a point failed, atomically, in place of a result. */
    public void fail(final SweepPlan.Point point, final Failure failure)
    {
        final StringBuilder text = new StringBuilder();
        text.append("exit_code=").append(failure.exitCode()).append('\n');
        text.append("log=").append(failure.log() == null ? "" : failure.log()).append('\n');
        text.append("error=").append(failure.error().replace('\n', ' ')).append('\n');
        try
        {
            writeAtomically(failedFile(point.index()), text.toString());
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot record the failure of point " + point.index(), e);
        }
    }

    /** Forgets a point's failure before it runs again. */
    public void clearFailure(final int index)
    {
        try
        {
            Files.deleteIfExists(failedFile(index));
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot remove " + failedFile(index), e);
        }
    }

    /** A point's result, if it is complete. */
    public Optional<PointResult> result(final int index)
    {
        if (!complete(index))
        {
            return Optional.empty();
        }
        try
        {
            final Map<String, Double> metrics = new LinkedHashMap<>();
            for (final String line : Files.readAllLines(pointDir(index).resolve(METRICS)))
            {
                final int equals = line.indexOf('=');
                metrics.put(line.substring(0, equals), Double.parseDouble(line.substring(equals + 1)));
            }
            return Optional.of(new PointResult(metrics, Files.readString(pointDir(index).resolve(SUMMARY))));
        }
        catch (final IOException | RuntimeException e)
        {
            throw new ConfigException("the result of point " + index + " in " + pointDir(index) + " is damaged (" +
                e.getMessage() + "); delete that folder and resume the sweep to run the point again");
        }
    }

    /** Why a point failed, if a failure was recorded. */
    public Optional<Failure> failure(final int index)
    {
        final Path file = failedFile(index);
        if (!Files.isRegularFile(file))
        {
            return Optional.empty();
        }
        try
        {
            final Map<String, String> fields = new LinkedHashMap<>();
            for (final String line : Files.readAllLines(file))
            {
                final int equals = line.indexOf('=');
                if (equals > 0)
                {
                    fields.put(line.substring(0, equals), line.substring(equals + 1));
                }
            }
            final String log = fields.getOrDefault("log", "");
            return Optional.of(new Failure(Integer.parseInt(fields.getOrDefault("exit_code", "-1").trim()),
                fields.getOrDefault("error", ""), log.isEmpty() ? null : log));
        }
        catch (final IOException | NumberFormatException e)
        {
            return Optional.of(new Failure(-1, "unreadable failure record " + file + ": " + e.getMessage(), null));
        }
    }

    /** Writes a file of the sweep (CSV, JSON, plot) atomically. */
    public void write(final String name, final byte[] content)
    {
        try
        {
            writeAtomically(dir.resolve(name), content);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot write " + dir.resolve(name), e);
        }
    }

    public void write(final String name, final String content)
    {
        write(name, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Point folders are named by number, zero-padded so that they list in order. */
    public static String name(final int index)
    {
        return String.format("%04d", index);
    }

    private Path pointDir(final int index)
    {
        return dir.resolve(POINTS).resolve(name(index));
    }

    private Path failedFile(final int index)
    {
        return dir.resolve(POINTS).resolve(name(index) + ".failed");
    }

    private static void writeAtomically(final Path file, final String text) throws IOException
    {
        writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void writeAtomically(final Path file, final byte[] content) throws IOException
    {
        final Path staging = Files.createTempFile(file.getParent(), "." + file.getFileName() + ".", ".tmp");
        try
        {
            Files.write(staging, content);
            Files.setPosixFilePermissions(staging, SHARED_FILE);
            try
            {
                Files.move(staging, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            catch (final AtomicMoveNotSupportedException e)
            {
                Files.move(staging, file, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        finally
        {
            Files.deleteIfExists(staging);
        }
    }

    private static void deleteTree(final Path folder) throws IOException
    {
        try (var files = Files.list(folder))
        {
            for (final Path file : files.toList())
            {
                Files.delete(file);
            }
        }
        Files.delete(folder);
    }
}
