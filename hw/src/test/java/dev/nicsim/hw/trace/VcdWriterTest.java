package dev.nicsim.hw.trace;

import dev.nicsim.hw.testsupport.ExternalTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VcdWriterTest
{
    private static VcdWriter sample()
    {
        final VcdWriter vcd = new VcdWriter();
        final VcdWriter.Signal tail = vcd.signal("nicA.tx", "tail", 16);
        final VcdWriter.Signal irq = vcd.signal("nicA", "irq", 1);
        tail.set(0, 0);
        irq.set(0, 0);
        tail.set(1_000, 5);
        irq.set(3_000, 1);
        tail.set(2_000, 6);          // recorded out of order: written in time order
        irq.set(3_000, 0);           // same instant: last value wins, and equals the previous one
        irq.set(4_000, 1);
        return vcd;
    }

    @Test
    void shouldWriteChangesInTimeOrderWithOnePicosecondTimescale() throws IOException
    {
        final StringWriter out = new StringWriter();
        sample().writeTo(out, "reproducible");
        final String text = out.toString();

        assertTrue(text.contains("$timescale 1ps $end"));
        assertTrue(text.contains("$scope module nicA $end\n$var wire 1 \" irq $end\n$scope module tx $end\n" +
            "$var wire 16 ! tail [15:0] $end\n$upscope $end\n$upscope $end"), text);
        final String changes = text.substring(text.indexOf("$end\n#0"));
        assertEquals("$end\n#0\nb0 !\n0\"\n#1000\nb101 !\n#2000\nb110 !\n#4000\n1\"\n", changes);
    }

    @Test
    void shouldProduceAFileGtkwaveConverts(@TempDir final Path dir) throws IOException
    {
        final Path file = dir.resolve("signals.vcd");
        try (Writer out = Files.newBufferedWriter(file))
        {
            sample().writeTo(out, "reproducible");
        }
        final ExternalTool.Result converted = ExternalTool.run(dir, "vcd2fst", file.toString(),
            dir.resolve("signals.fst").toString());

        assertEquals(0, converted.exitCode(), converted.stdout() + converted.stderr());
        assertTrue(Files.size(dir.resolve("signals.fst")) > 0);
    }
}
