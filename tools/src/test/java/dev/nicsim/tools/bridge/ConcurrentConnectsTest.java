package dev.nicsim.tools.bridge;

import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.api.TcpConnection;
import dev.nicsim.stack.api.TcpListener;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.tools.config.TestbedParameters;
import dev.nicsim.tools.testbed.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Twenty concurrent connects from the real kernel into a simulated server whose backlog is 4 and which does not
 * accept for a second: the accept queue overflows, and as Linux does with {@code tcp_abort_on_overflow=0} (its
 * default) B must drop the handshake's last ACK rather than reset the connection. Each client speaks first, so its
 * retransmitted data carries the ACK again; every client is served once the server gets round to it, and B sends no
 * RST at all.
 */
class ConcurrentConnectsTest
{
    private static final String CLIENTS = """
        import socket, threading
        results = []
        def client():
            try:
                s = socket.create_connection(("10.0.0.2", 7000), timeout=30)
                s.sendall(b"hello\\n")  # a client that speaks first, as most do: its data carries the ACK again
                data = b""
                while True:
                    chunk = s.recv(16)
                    if not chunk:
                        break
                    data += chunk
                s.close()
                results.append(data == b"ok\\n")
            except OSError as e:
                results.append(False)
        threads = [threading.Thread(target=client) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print("served %d/20" % sum(results))
        """;

    @Test
    void shouldServeTwentyConcurrentKernelConnectsIntoASmallBacklogWithoutAReset(@TempDir final Path dir)
        throws Exception
    {
        try (KernelNamespace kernel = KernelNamespace.create(dir, "backlog"))
        {
            final Network network = Network.build(TestbedParameters.defaults().assign("link.switch=true"), 2);
            final Simulator sim = network.sim();
            final int[] resetsFromB = new int[1];
            try (TapBridge bridge = network.bridgeToKernel(kernel.tapName());
                 TcpListener listener = TcpListener.listen(network.host('B').stack(), 0, 7000, 4))
            {
                final EthernetLink kernelLink = network.links().get(network.links().size() - 1);
                kernelLink.addTap((direction, time, frame, offset, length) ->
                {
                    final byte[] bytes = frame.asSlice(offset, Math.min(length, 54)).toArray(ValueLayout.JAVA_BYTE);
                    if (bytes.length >= 54 && bytes[12] == 0x08 && bytes[13] == 0 && bytes[23] == 6 &&
                        bytes[26] == 10 && bytes[27] == 0 && bytes[28] == 0 && bytes[29] == 2 && (bytes[47] & 4) != 0)
                    {
                        resetsFromB[0]++;
                    }
                });
                kernel.take(1500);
                final Process clients = kernel.python("clients.py", CLIENTS);
                sim.runUntil(() -> false, sim.now() + Time.seconds(1));
                final byte[] ok = "ok\n".getBytes(StandardCharsets.US_ASCII);
                listener.setNonBlocking(true);
                final long deadline = sim.now() + Time.seconds(30);
                for (int served = 0; served < 20; served++)
                {
                    // accept() would wait for the outside for ever if a client was reset: wait while any is alive
                    if (!sim.runUntil(() -> (listener.poll() & SocketConstants.POLLIN) != 0 || !clients.isAlive(),
                        deadline) || (listener.poll() & SocketConstants.POLLIN) == 0)
                    {
                        break;
                    }
                    try (TcpConnection connection = listener.accept())
                    {
                        connection.setNonBlocking(false);
                        final byte[] hello = new byte[6];
                        int got = 0;
                        while (got < hello.length)
                        {
                            got += Math.max(0, connection.receive(hello, got, hello.length - got));
                        }
                        connection.send(ok, 0, ok.length);
                    }
                }
                assertEquals("served 20/20\n", KernelNamespace.finish(sim, clients, 40));
                assertEquals(0, resetsFromB[0], "resets sent by B; bridge: " + bridge.summary());
            }
        }
    }
}
