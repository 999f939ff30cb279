package dev.nicsim.stack.conformance;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs every script listed in {@code conformance/index.txt}: one dynamic test per script. */
class ConformanceTest
{
    @TestFactory
    List<DynamicTest> scripts() throws IOException
    {
        final List<DynamicTest> tests = new ArrayList<>();
        for (final String name : read("index.txt").split("\n"))
        {
            if (name.isBlank())
            {
                continue;
            }
            final String file = name.strip();
            tests.add(DynamicTest.dynamicTest(file, () ->
            {
                final String text = read(file);
                new Script(file, text).run(text);
            }));
        }
        assertTrue(tests.size() >= 35, "the suite covers the 35 core scenarios and H, found " + tests.size());
        return tests;
    }

    private static String read(final String file) throws IOException
    {
        try (InputStream in = ConformanceTest.class.getResourceAsStream("/conformance/" + file))
        {
            if (in == null)
            {
                throw new IOException("no script " + file + " in src/test/resources/conformance");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
