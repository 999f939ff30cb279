package dev.nicsim.tools.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutputDirectoryTest
{
    @Test
    void shouldShowFilesOnlyAfterCommit(@TempDir final Path dir) throws IOException
    {
        final Path target = dir.resolve("out");
        final OutputDirectory output = OutputDirectory.open(target);
        output.writeString("summary.json", "{}\n");

        assertFalse(Files.exists(target.resolve("summary.json")), "nothing visible before commit");
        output.commit();
        assertEquals("{}\n", Files.readString(target.resolve("summary.json")));
        try (var left = Files.list(dir))
        {
            assertEquals(1, left.count(), "the staging folder is gone");
        }
    }

    @Test
    void shouldLeaveTheTargetAloneWhenAbandoned(@TempDir final Path dir) throws IOException
    {
        final Path target = dir.resolve("out");
        Files.createDirectories(target);
        Files.writeString(target.resolve("summary.json"), "old");
        final OutputDirectory output = OutputDirectory.open(target);
        output.writeString("summary.json", "half");

        output.abandon();

        assertEquals("old", Files.readString(target.resolve("summary.json")));
        try (var left = Files.list(dir))
        {
            assertEquals(1, left.count());
        }
    }

    @Test
    void shouldRefuseATargetThatCannotBeAFolder(@TempDir final Path dir) throws IOException
    {
        final Path file = dir.resolve("a-file");
        Files.writeString(file, "x");

        final IllegalArgumentException isFile = assertThrows(IllegalArgumentException.class,
            () -> OutputDirectory.open(file));
        assertTrue(isFile.getMessage().contains("is a file, not a folder"), isFile.getMessage());
        final IllegalArgumentException under = assertThrows(IllegalArgumentException.class,
            () -> OutputDirectory.open(file.resolve("sub")));
        assertTrue(under.getMessage().startsWith("cannot write to --out"), under.getMessage());
    }

    @Test
    void shouldOpenTheRootFolderOrSayWhyNot()
    {
        // The root has no parent to stage next to: it stages inside it. Before, open("/") failed with a bare
        // NullPointerException ("nicsim perf: null").
        try
        {
            final OutputDirectory root = OutputDirectory.open(Path.of("/"));
            root.abandon();
        }
        catch (final OutputDirectory.UnusableFolderException notWritable)
        {
            assertTrue(notWritable.getMessage().contains("--out /"), notWritable.getMessage());
        }
    }
}
