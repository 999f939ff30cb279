package dev.nicsim.tools.bridge;

import dev.nicsim.hw.testsupport.ExternalTool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Two pseudo-terminals joined by socat, raw and without echo: a serial line whose {@link #line()} end the bridge
 * opens and whose {@link #board()} end a board (a test, or a real board program) uses. Skips without socat.
 */
public final class PtyPair implements AutoCloseable
{
    private final Process socat;
    private final Path board;
    private final Path line;

    private PtyPair(final Process socat, final Path board, final Path line)
    {
        this.socat = socat;
        this.board = board;
        this.line = line;
    }

    public static PtyPair open(final Path dir)
    {
        ExternalTool.require(ExternalTool.installed("socat"), "socat is not installed (Debian: apt-get install socat)");
        final Path board = dir.resolve("board");
        final Path line = dir.resolve("line");
        try
        {
            final Process socat = new ProcessBuilder("socat", "pty,raw,echo=0,link=" + board,
                "pty,raw,echo=0,link=" + line).redirectErrorStream(true).start();
            for (int tries = 0; tries < 500 && !(Files.exists(board) && Files.exists(line)); tries++)
            {
                socat.waitFor(10, TimeUnit.MILLISECONDS);
            }
            if (!(Files.exists(board) && Files.exists(line)))
            {
                socat.destroy();
                throw new IllegalStateException("socat made no pseudo-terminals");
            }
            return new PtyPair(socat, board, line);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The board's end. */
    public Path board()
    {
        return board;
    }

    /** The bridge's end. */
    public Path line()
    {
        return line;
    }

    @Override
    public void close()
    {
        socat.destroy();
    }
}
