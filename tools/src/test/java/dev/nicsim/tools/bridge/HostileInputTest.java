package dev.nicsim.tools.bridge;

import dev.nicsim.stack.api.ErrnoException;
import dev.nicsim.stack.api.TcpConnection;
import dev.nicsim.stack.api.TcpListener;
import dev.nicsim.tools.config.TestbedParameters;
import dev.nicsim.tools.testbed.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nothing from outside can end a run, through either bridge. Over TAP, the kernel holds a TCP connection to a
 * simulated echo server while it also throws raw frames at the bridge through a packet socket: frames larger than the
 * link carries, a frame cut to less than a header, random bytes addressed to the simulated host and random bytes
 * addressed anywhere. The connection must still echo afterwards and the bridge must have counted the drops. The serial
 * side of the same promise is {@link SerialLineTest}.
 */
class HostileInputTest
{
    private static final String CLIENT = """
        import random, socket, sys
        s = socket.create_connection(("10.0.0.2", 7), timeout=10)
        def echo(message):
            s.sendall(message)
            got = b""
            while len(got) < len(message):
                chunk = s.recv(100)
                if not chunk:
                    sys.exit("connection closed after %r" % got)
                got += chunk
            assert got == message, got
        echo(b"before\\n")
        raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        raw.bind((sys.argv[1], 0))
        mine = raw.getsockname()[4]
        to_b = bytes.fromhex("020000000002")
        raw.send(to_b + mine + b"\\x08\\x00" + bytes(1600))
        raw.send(to_b + mine + b"\\x08\\x00" + bytes(8000))
        try:
            raw.send(b"\\x02\\x00\\x00")  # the kernel pads this to a header (CAP_SYS_RAWIO) or refuses it
        except OSError:
            pass
        rnd = random.Random(7)
        def junk(n):
            return bytes(rnd.randrange(256) for _ in range(n))
        for _ in range(20):
            raw.send(to_b + mine + b"\\x08\\x00" + junk(rnd.randrange(1, 1500)))
        for _ in range(20):
            raw.send(junk(rnd.randrange(14, 1514)))
        echo(b"after\\n")
        s.close()
        print("echoed before and after")
        """;

    @Test
    void shouldDropAndCountWhatTheLinkCannotCarryWhileAConnectionGoesOn(@TempDir final Path dir) throws ErrnoException
    {
        try (KernelNamespace kernel = KernelNamespace.create(dir, "hostile"))
        {
            final Network network = Network.build(TestbedParameters.defaults().assign("link.switch=true"), 2);
            try (TapBridge bridge = network.bridgeToKernel(kernel.tapName());
                 TcpListener listener = TcpListener.listen(network.host('B').stack(), 0, 7, 4))
            {
                kernel.take(9000);
                final Process client = kernel.python("hostile.py", CLIENT, kernel.tapName());
                try (TcpConnection connection = listener.accept())
                {
                    final byte[] buffer = new byte[256];
                    int echoed = 0;
                    int got;
                    while ((got = connection.receive(buffer, 0, buffer.length)) > 0)
                    {
                        connection.send(buffer, 0, got);
                        echoed += got;
                    }
                    assertEquals("before\nafter\n".length(), echoed);
                }
                assertEquals("echoed before and after\n", KernelNamespace.finish(network.sim(), client, 20));
                assertEquals(2, bridge.counters().oversized(), bridge.summary());
                assertTrue(bridge.framesIn() >= 40, bridge.summary());
                assertEquals(0, bridge.badFcs(), bridge.summary());
            }
        }
    }
}
