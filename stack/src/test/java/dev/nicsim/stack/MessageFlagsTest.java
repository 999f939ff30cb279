package dev.nicsim.stack;

import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.posix.Posix;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * recv's MSG_WAITALL and MSG_TRUNC, and SO_RCVLOWAT, on TCP, where what the kernel differential prints (return
 * values) cannot show them: how long a read waits, and what it writes into the caller's buffer.
 */
class MessageFlagsTest
{
    private final TwoHosts hosts = new TwoHosts();
    private final Posix pa = hosts.pa;
    private final Posix pb = hosts.pb;
    private int client;
    private int server;

    @Test
    void aWaitAllReadWaitsForEverythingItAskedFor()
    {
        connect();
        send(0, 1000);
        final long start = hosts.sim.now();
        hosts.sim.schedule(new Event("A's second write", Component.HOST_CPU, () ->
            assertEquals(500, pa.send(client, pattern(1000, 500), 500, SocketConstants.MSG_DONTWAIT))),
            start + 5 * Time.MS);
        final long in = pb.memory().allocate(1500);

        assertEquals(1500, pb.recv(server, in, 1500, SocketConstants.MSG_WAITALL));
        assertTrue(hosts.sim.now() - start >= 5 * Time.MS, "returned only once the second write had come");
        for (int i = 0; i < 1500; i++)
        {
            assertEquals((byte) i, pb.memory().getByte(in + i), "byte " + i);
        }
    }

    @Test
    void aWaitAllReadReturnsWhatItHasWhenSoRcvtimeoEndsTheWholeCall()
    {
        connect();
        final long timeout = pb.memory().allocate(16);
        pb.memory().putLong(timeout, 0);
        pb.memory().putLong(timeout + 8, 50_000);
        TwoHosts.check(pb.setsockopt(server, SocketConstants.SOL_SOCKET, SocketConstants.SO_RCVTIMEO, timeout, 16),
            pb);
        send(0, 1000);
        final long start = hosts.sim.now();
        hosts.sim.schedule(new Event("A's second write", Component.HOST_CPU, () ->
            assertEquals(200, pa.send(client, pattern(1000, 200), 200, SocketConstants.MSG_DONTWAIT))),
            start + 30 * Time.MS);
        final long in = pb.memory().allocate(1500);

        assertEquals(1200, pb.recv(server, in, 1500, SocketConstants.MSG_WAITALL),
            "both writes, then the 50 ms of SO_RCVTIMEO ran out");
        final long waited = hosts.sim.now() - start;
        assertTrue(waited >= 50 * Time.MS && waited < 51 * Time.MS, "50 ms in all, not 50 ms after the second " +
            "write: " + Time.format(waited));
        assertEquals(1200, hosts.b.stats().bytesReceived);
        assertEquals(-1, pb.recv(server, in, 1500, SocketConstants.MSG_DONTWAIT), "nothing left");
    }

    @Test
    void aTruncatingReadDiscardsWithoutCopyingAndAPeekLeavesTheBytes()
    {
        connect();
        send(0, 10);
        hosts.sim.run(hosts.sim.now() + Time.MS);
        final long in = pb.memory().allocate(10);
        for (int i = 0; i < 10; i++)
        {
            pb.memory().putByte(in + i, (byte) 0x55);
        }

        assertEquals(4, pb.recv(server, in, 4, SocketConstants.MSG_PEEK | SocketConstants.MSG_TRUNC));
        assertEquals(4, pb.recv(server, in, 4, SocketConstants.MSG_TRUNC));
        for (int i = 0; i < 10; i++)
        {
            assertEquals((byte) 0x55, pb.memory().getByte(in + i), "MSG_TRUNC wrote byte " + i);
        }
        assertEquals(6, pb.recv(server, in, 10, 0), "the four were consumed, the peek took none");
        for (int i = 0; i < 6; i++)
        {
            assertEquals((byte) (4 + i), pb.memory().getByte(in + i), "byte " + (4 + i));
        }
    }

    @Test
    void aLowWaterReadTakesWhatItFindsThenWakesOnlyForTheMarkInNewBytes()
    {
        connect();
        TwoHosts.setIntOption(pb, server, SocketConstants.SOL_SOCKET, SocketConstants.SO_RCVLOWAT, 5);
        send(0, 3);
        hosts.sim.run(hosts.sim.now() + Time.MS);
        assertEquals(0, readable(), "3 bytes are below the mark: no POLLIN");
        final long start = hosts.sim.now();
        hosts.sim.schedule(new Event("A writes 2", Component.HOST_CPU, () ->
            assertEquals(2, pa.send(client, pattern(3, 2), 2, SocketConstants.MSG_DONTWAIT))), start + 5 * Time.MS);
        hosts.sim.schedule(new Event("A writes 3", Component.HOST_CPU, () ->
            assertEquals(3, pa.send(client, pattern(5, 3), 3, SocketConstants.MSG_DONTWAIT))), start + 10 * Time.MS);
        final long in = pb.memory().allocate(100);

        // tcp_recvmsg copies the 3 it finds and waits; tcp_data_ready wakes it only once 5 new bytes have come.
        assertEquals(8, pb.recv(server, in, 100, 0));
        assertTrue(hosts.sim.now() - start >= 10 * Time.MS, "returned before the third write came");
        for (int i = 0; i < 8; i++)
        {
            assertEquals((byte) i, pb.memory().getByte(in + i), "byte " + i);
        }
    }

    private int readable()
    {
        final long fds = pb.memory().allocate(8);
        pb.memory().putInt(fds, server);
        pb.memory().putShort(fds + 4, (short) SocketConstants.POLLIN);
        pb.memory().putShort(fds + 6, (short) 0);
        return pb.poll(fds, 1, 0);
    }

    private void connect()
    {
        final int[] fds = hosts.connectAToB(80);
        client = fds[0];
        server = fds[1];
    }

    /** A writes {@code length} bytes whose values count on from {@code first}. */
    private void send(final int first, final int length)
    {
        assertEquals(length, pa.send(client, pattern(first, length), length, 0));
    }

    private long pattern(final int first, final int length)
    {
        final long data = pa.memory().allocate(length);
        for (int i = 0; i < length; i++)
        {
            pa.memory().putByte(data + i, (byte) (first + i));
        }
        return data;
    }
}
