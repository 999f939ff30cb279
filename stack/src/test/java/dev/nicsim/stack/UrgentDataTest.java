package dev.nicsim.stack;

import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.context.SocketConstants;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Urgent data where the kernel differentials cannot look: how long a blocking read waits when only the urgent byte is
 * left, which they see only as a return value (with TSO: UrgentOverTsoTest in the tools module).
 */
class UrgentDataTest
{
    @Test
    void aBlockingReadFindingOnlyTheUrgentByteStepsOverItAndWaitsForMoreData()
    {
        final TwoHosts hosts = new TwoHosts();
        final int[] fds = hosts.connectAToB(80);
        final long one = hosts.pa.memory().allocate(3);
        hosts.pa.memory().putByte(one, (byte) 'a');
        hosts.pa.memory().putByte(one + 1, (byte) 'b');
        hosts.pa.memory().putByte(one + 2, (byte) 'c');
        assertEquals(1, hosts.pa.send(fds[0], one, 1, SocketConstants.MSG_OOB));
        hosts.sim.run(hosts.sim.now() + Time.MS);
        final long start = hosts.sim.now();
        // Nothing but the urgent byte to read: a blocking read must wait for the next data, not spin on it.
        hosts.sim.schedule(new Event("A writes more", Component.HOST_CPU, () ->
            assertEquals(2, hosts.pa.send(fds[0], one + 1, 2, SocketConstants.MSG_DONTWAIT))), start + 5 * Time.MS);
        final long in = hosts.pb.memory().allocate(10);

        assertEquals(2, hosts.pb.recv(fds[1], in, 10, SocketConstants.MSG_PEEK), "a peek waits past the urgent byte");
        assertTrue(hosts.sim.now() - start >= 5 * Time.MS, "returned before the next write came");
        assertEquals('b', hosts.pb.memory().getByte(in));
        assertEquals(1, hosts.pb.recv(fds[1], in, 10, SocketConstants.MSG_OOB));
        assertEquals('a', hosts.pb.memory().getByte(in), "the peek left the urgent byte for MSG_OOB");
        assertEquals(2, hosts.pb.recv(fds[1], in, 10, 0));
        assertEquals('b', hosts.pb.memory().getByte(in));
        assertEquals('c', hosts.pb.memory().getByte(in + 1));
        assertEquals(-1, hosts.pb.recv(fds[1], in, 10, SocketConstants.MSG_OOB), "read past the mark: none left");
    }
}
