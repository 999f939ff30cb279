package dev.nicsim.stack.kernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The socket-API differential: the scenario table {@code src/test/resources/kernel/api-scenarios.txt}, expanded by
 * {@link ApiScript} (protocol x mode x route x socket state x call x address class), runs on the Linux kernel in
 * network namespaces ({@code src/test/c/api_runner.c}, one process for all scenarios) and on nicsim
 * ({@link NicsimApiRunner}, one run), and every line must match. A mismatch is reported per scenario, the kernel's
 * line above nicsim's, and the whole comparison is written to {@code target/kernel-api-differential.txt}.
 */
class KernelApiDifferentialTest
{
    private static final Path TABLE = Path.of("src/test/resources/kernel/api-scenarios.txt");
    private static final Path REPORT = Path.of("target/kernel-api-differential.txt");
    /** Every line the kernel printed, to read what a scenario does (the report shows only the differing ones). */
    private static final Path KERNEL_TRACE = Path.of("target/kernel-api-trace.txt");
    /** The floor for the differential (#16). */
    private static final int MINIMUM_SCENARIOS = 150;
    /**
     * Namespace A's sysctls: tcp_rmem's maximum 6 MiB, as in the segment differential, the size nicsim takes for it
     * (SO_RCVLOWAT's cap is half of it).
     */
    private static final List<String> SYSCTLS = List.of("net.ipv4.tcp_rmem=4096 131072 6291456");

    @Test
    void everyScenarioMatchesTheKernel(@TempDir final Path dir) throws IOException
    {
        final ApiScript script = ApiScript.expand(Files.readAllLines(TABLE));
        assertTrue(script.scenarios() >= MINIMUM_SCENARIOS, "scenarios: " + script.scenarios());
        final Path binary = KernelNamespaces.compile(dir, "api_runner.c");
        final Path scriptFile = dir.resolve("api-script.txt");
        Files.write(scriptFile, script.lines());
        final List<String> kernelLines = KernelNamespaces.run(dir, binary, SYSCTLS, scriptFile.toString());
        Files.createDirectories(KERNEL_TRACE.getParent());
        Files.write(KERNEL_TRACE, kernelLines);
        final Map<String, List<String>> kernel = byScenario(kernelLines);
        final Map<String, List<String>> nicsim = byScenario(NicsimApiRunner.run(script.lines()));
        assertEquals(script.scenarios(), kernel.size(), "scenarios the kernel ran");
        final List<String> report = new ArrayList<>();
        int differing = 0;
        for (final Map.Entry<String, List<String>> scenario : kernel.entrySet())
        {
            final List<String> theirs = nicsim.getOrDefault(scenario.getKey(), List.of());
            if (!scenario.getValue().equals(theirs))
            {
                differing++;
                report.add(diff(scenario.getKey(), scenario.getValue(), theirs));
            }
        }
        report.add(0, (script.scenarios() - differing) + " of " + script.scenarios() + " scenarios identical to " +
            "the kernel (" + kernel.values().stream().mapToInt(List::size).sum() + " lines)");
        Files.write(REPORT, report);
        assertEquals(0, differing, () -> String.join("\n", report));
    }

    /** The scenario's lines with the first difference marked: "kernel" above "nicsim". */
    private static String diff(final String scenario, final List<String> kernel, final List<String> nicsim)
    {
        final StringBuilder text = new StringBuilder("scenario ").append(scenario).append('\n');
        for (int i = 0; i < Math.max(kernel.size(), nicsim.size()); i++)
        {
            final String theirs = i < kernel.size() ? kernel.get(i) : "(none)";
            final String ours = i < nicsim.size() ? nicsim.get(i) : "(none)";
            if (theirs.equals(ours))
            {
                text.append("         ").append(theirs).append('\n');
            }
            else
            {
                text.append("  kernel ").append(theirs).append('\n').append("  nicsim ").append(ours).append('\n');
            }
        }
        return text.toString();
    }

    private static Map<String, List<String>> byScenario(final List<String> lines)
    {
        final Map<String, List<String>> grouped = new LinkedHashMap<>();
        for (final String line : lines)
        {
            grouped.computeIfAbsent(line.substring(0, line.indexOf(' ')), key -> new ArrayList<>()).add(line);
        }
        return grouped;
    }
}
