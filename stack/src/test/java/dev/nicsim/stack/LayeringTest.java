package dev.nicsim.stack;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stack's packages form a one-way graph, as Linux's and smoltcp's layers do: a package names (imports, or
 * spells out in code or a comment) only packages below it. Read from the sources, where every reference to another
 * package is spelled out.
 */
class LayeringTest
{
    /** Lowest first; a package may use only packages of a lower rank (tcp and udp share one, and not each other). */
    private static final Map<String, Integer> RANK = Map.ofEntries(
        Map.entry("wire", 0),
        Map.entry("context", 1),
        Map.entry("device", 2),
        Map.entry("iface", 3),
        Map.entry("sock", 4),
        Map.entry("tcp", 5),
        Map.entry("udp", 5),
        Map.entry("socket", 6),
        Map.entry("posix", 7),
        Map.entry("", 8),
        Map.entry("api", 9));
    private static final Path SOURCES = Path.of("src/main/java/dev/nicsim/stack");
    private static final Pattern TYPE_TEST = Pattern.compile("instanceof\\s+(?:TcpSocket|UdpSocket)\\b");
    private static final Pattern REFERENCE = Pattern.compile("dev\\.nicsim\\.stack\\.(?:([a-z]+)\\.|[A-Z])");

    @Test
    void everyPackageUsesOnlyPackagesBelowIt() throws IOException
    {
        final List<String> violations = new ArrayList<>();
        final List<Path> files;
        try (Stream<Path> walk = Files.walk(SOURCES))
        {
            files = walk.filter(path -> path.toString().endsWith(".java")).toList();
        }
        assertTrue(files.size() > 50, "the stack's sources were found at " + SOURCES.toAbsolutePath());
        for (final Path file : files)
        {
            final String pkg = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
            violations.addAll(violations(pkg, file.getFileName().toString(), Files.readString(file)));
        }
        assertEquals(List.of(), violations, "references from a package to one at its level or above");
    }

    @Test
    void anUpwardReferenceIsFound()
    {
        assertEquals(List.of("tcp/TcpLayer.java -> socket"),
            violations("tcp", "TcpLayer.java", "import dev.nicsim.stack.socket.SocketLayer;"));
        assertEquals(List.of("iface/Ipv4Layer.java -> (root)"),
            violations("iface", "Ipv4Layer.java", "private final dev.nicsim.stack.NetworkStack stack;"));
        assertEquals(List.of("udp/UdpLayer.java -> tcp"),
            violations("udp", "UdpLayer.java", "import dev.nicsim.stack.tcp.TcpSocket;"));
        assertEquals(List.of(), violations("tcp", "TcpLayer.java", "import dev.nicsim.stack.iface.Ipv4Layer;"));
    }

    /**
     * Above the transports, a socket's type is asked of its operations ({@code ProtoOps}, Linux's
     * {@code sock->ops}), chosen once when it was made; no code there branches on the class of a socket.
     */
    @Test
    void noLayerAboveTheTransportsBranchesOnASocketsClass() throws IOException
    {
        final List<String> found = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(SOURCES))
        {
            for (final Path file : walk.filter(path -> path.toString().endsWith(".java")).toList())
            {
                final String pkg = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
                if (RANK.get(pkg) > RANK.get("tcp") && TYPE_TEST.matcher(Files.readString(file)).find())
                {
                    found.add(SOURCES.relativize(file).toString());
                }
            }
        }
        assertEquals(List.of(), found, "instanceof TcpSocket/UdpSocket above the transports");
        assertTrue(TYPE_TEST.matcher("return socket instanceof TcpSocket stream ? 1 : 0;").find());
    }

    private static List<String> violations(final String pkg, final String file, final String source)
    {
        final Integer rank = RANK.get(pkg);
        if (rank == null)
        {
            return List.of("package " + pkg + " has no place in LayeringTest.RANK: give it one");
        }
        final List<String> found = new ArrayList<>();
        final Matcher matcher = REFERENCE.matcher(source);
        while (matcher.find())
        {
            final String target = matcher.group(1) == null ? "" : matcher.group(1);
            if (target.equals(pkg))
            {
                continue;
            }
            final Integer targetRank = RANK.get(target);
            if (targetRank == null || targetRank >= rank)
            {
                final String violation = (pkg.isEmpty() ? "" : pkg + "/") + file + " -> " +
                    (target.isEmpty() ? "(root)" : target);
                if (!found.contains(violation))
                {
                    found.add(violation);
                }
            }
        }
        return found;
    }
}
