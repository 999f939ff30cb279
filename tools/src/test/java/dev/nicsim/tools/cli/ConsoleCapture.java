package dev.nicsim.tools.cli;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/**
 * Captures what a command prints: {@code System.out} and {@code System.err} go to buffers for each test and are put
 * back afterwards. Register it with {@code @RegisterExtension}.
 */
final class ConsoleCapture implements BeforeEachCallback, AfterEachCallback
{
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    /** What went to standard output during the test. */
    ByteArrayOutputStream out()
    {
        return out;
    }

    /** What went to standard error during the test. */
    ByteArrayOutputStream err()
    {
        return err;
    }

    @Override
    public void beforeEach(final ExtensionContext context)
    {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));
    }

    @Override
    public void afterEach(final ExtensionContext context)
    {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }
}
