package dev.nicsim.tools.testbed;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.socket.SocketConstants;
import dev.nicsim.tools.config.TestbedParameters;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NetworkTest
{
    @Test
    void smoke()
    {
        final Network network = Network.build(TestbedParameters.defaults(), 2);
        final Host a = network.host('A');
        final Host b = network.host('B');
        final Posix server = b.newProcess();
        final int listener = server.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0);
        final long bindAddress = server.memory().allocate(16);
        server.memory().putSockaddrIn(bindAddress, SocketConstants.AF_INET, 0, 13);
        assertEquals(0, server.bind(listener, bindAddress, 16));
        assertEquals(0, server.listen(listener, 16));

        final Posix client = a.newProcess();
        final int fd = client.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0);
        final long peer = client.memory().allocate(16);
        client.memory().putSockaddrIn(peer, SocketConstants.AF_INET, b.address(), 13);
        final long start = network.sim().now();
        assertEquals(0, client.connect(fd, peer, 16), "errno " + client.errno());
        System.out.println("connect took " + Time.format(network.sim().now() - start));
    }
}
