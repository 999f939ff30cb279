package dev.nicsim.tools.report;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a run writes its files, all or nothing: files are written into a hidden staging folder next to the target
 * and moved into place only by {@link #commit()}. A run that fails before then leaves the target untouched and the
 * staging folder removed by {@link #abandon()}.
 */
public final class OutputDirectory
{
    private final Path target;
    private final Path staging;
    private final List<String> written = new ArrayList<>();

    private OutputDirectory(final Path target, final Path staging)
    {
        this.target = target;
        this.staging = staging;
    }

    /**
     * Checks that {@code target} can be created or written and opens the staging folder. Fails before any simulation
     * runs, with a message saying what to do.
     */
    public static OutputDirectory open(final Path target)
    {
        final Path absolute = target.toAbsolutePath().normalize();
        try
        {
            if (Files.exists(absolute) && !Files.isDirectory(absolute))
            {
                throw new UnusableFolderException("--out " + target + " is a file, not a folder; name a folder");
            }
            Files.createDirectories(absolute);
            if (!Files.isWritable(absolute))
            {
                throw new UnusableFolderException("--out " + target + " is not writable; choose another folder");
            }
            // Staged next to the target, or inside it when it has no parent (the root folder).
            final Path parent = absolute.getParent();
            final Path staging = Files.createTempDirectory(parent != null ? parent : absolute,
                "." + (parent != null ? absolute.getFileName() : "nicsim") + ".");
            return new OutputDirectory(absolute, staging);
        }
        catch (final IOException e)
        {
            throw new UnusableFolderException("cannot write to --out " + target + " (" + e.getMessage() +
                "); choose a folder you can write to", e);
        }
    }

    /** The folder given for a run's files cannot be used; the message says why and what to do. */
    public static final class UnusableFolderException extends IllegalArgumentException
    {
        private static final long serialVersionUID = 1L;

        UnusableFolderException(final String message)
        {
            super(message);
        }

        UnusableFolderException(final String message, final Throwable cause)
        {
            super(message, cause);
        }
    }

    public Path target()
    {
        return target;
    }

    /** Opens a file in the staging folder. */
    public OutputStream create(final String name)
    {
        written.add(name);
        try
        {
            return Files.newOutputStream(staging.resolve(name));
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot create " + name + " in the staging folder " + staging, e);
        }
    }

    public void writeString(final String name, final String text)
    {
        try (OutputStream out = create(name))
        {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot write " + name, e);
        }
    }

    /** Moves every staged file into the target folder, replacing older versions, and removes the staging folder. */
    public void commit()
    {
        try
        {
            for (final String name : written)
            {
                move(staging.resolve(name), target.resolve(name));
            }
            Files.delete(staging);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot move results into " + target, e);
        }
    }

    /** Removes the staging folder and everything in it; the target keeps what it had. */
    public void abandon()
    {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(staging))
        {
            for (final Path file : files)
            {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(staging);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot remove the staging folder " + staging, e);
        }
    }

    private static void move(final Path from, final Path to) throws IOException
    {
        try
        {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final AtomicMoveNotSupportedException e)
        {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
