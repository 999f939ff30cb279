package dev.nicsim.stack;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.posix.Posix;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * close() with SO_LINGER and a time (Linux's sk_stream_wait_close in tcp_close): it returns once the peer has
 * acknowledged the FIN, or when the time is up, in non-blocking mode too. The kernel differential's runners are one
 * thread each and cannot show how long a close waits.
 */
class CloseLingerTest
{
    private final TwoHosts hosts = new TwoHosts();
    private final Posix pa = hosts.pa;

    @Test
    void closeReturnsWhenTheFinIsAcknowledged()
    {
        final int client = hosts.connectAToB(80)[0];
        linger(client, 5);
        final long start = hosts.sim.now();

        assertEquals(0, pa.close(client));
        final long waited = hosts.sim.now() - start;
        assertTrue(waited > 0 && waited < Time.MS, "one round trip, not the 5 s: " + Time.format(waited));
    }

    @Test
    void closeGivesUpAfterTheLingerTimeEvenWhenNonBlocking()
    {
        final int client = hosts.connectAToB(80)[0];
        hosts.firewallTcpToB();
        linger(client, 1);
        TwoHosts.check(pa.fcntl(client, SocketConstants.F_SETFL, SocketConstants.O_NONBLOCK), pa);
        final long start = hosts.sim.now();

        assertEquals(0, pa.close(client));
        assertEquals(Time.S, hosts.sim.now() - start, Time.MS, "the FIN is never acknowledged: the full second");
    }

    private void linger(final int fd, final int seconds)
    {
        final long value = pa.memory().allocate(8);
        pa.memory().putInt(value, 1);
        pa.memory().putInt(value + 4, seconds);
        TwoHosts.check(pa.setsockopt(fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_LINGER, value, 8), pa);
    }
}
