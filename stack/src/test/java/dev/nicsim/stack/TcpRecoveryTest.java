package dev.nicsim.stack;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.socket.SocketConstants;
import dev.nicsim.stack.tcp.Tcb;
import dev.nicsim.stack.wire.DropReason;
import org.junit.jupiter.api.Test;

import static dev.nicsim.stack.TwoHosts.B;
import static dev.nicsim.stack.TwoHosts.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Data transfer and loss recovery across two stacks, with segments lost on the wire by fault injection. */
class TcpRecoveryTest
{
    private final TwoHosts hosts = new TwoHosts();
    private final Posix pa = hosts.pa;
    private final Posix pb = hosts.pb;
    private int client;
    private int server;

    @Test
    void dataRightAfterTheHandshakeIsTakenAtOnce()
    {
        connect();
        final long start = hosts.sim.now();
        send(3000);
        receive(3000);
        // Three segments on a 10 Gb/s link: a few microseconds, not a retransmission timeout.
        final long elapsed = hosts.sim.now() - start;
        assertTrue(elapsed < 50 * Time.US, () -> Time.format(elapsed));
        assertEquals(0, hosts.a.stats().retransmissions);
        assertEquals(0, hosts.b.stats().framesDropped(), hosts.b.stats().dropSummary());
    }

    @Test
    void aSmallTailLeftUnsentByAGoBackIsSentAgain()
    {
        connect();
        // 3000 bytes leave as 1448 + 1448 + 104; the last two are lost. After the timeout A goes back to SND.UNA
        // and must send both again: Nagle holds a small segment only while another small one is in flight.
        hosts.loseDataSegmentsToB(2, 3);
        final long start = hosts.sim.now();
        send(3000);
        receive(3000);
        final long elapsed = hosts.sim.now() - start;
        final Tcb tcb = pa.socketOf(client).tcb;
        // B delays its ACK of the first segment (40 ms), which restarts A's 200 ms timer: the go-back comes at
        // 240 ms; B delays the ACK of the resent second segment too, and the third follows it at 280 ms.
        assertTrue(elapsed > 280 * Time.MS && elapsed < 281 * Time.MS, () -> Time.format(elapsed));
        assertEquals(tcb.sndMax, tcb.sndUna);
    }

    private void connect()
    {
        final int listener = hosts.listenOnB(80);
        client = pa.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0);
        TwoHosts.check(pa.connect(client, address(pa, B, 80), 16), pa);
        server = pb.accept(listener, 0, 0);
        TwoHosts.check(server, pb);
    }

    private void send(final int length)
    {
        final long data = pa.memory().allocate(length);
        for (int i = 0; i < length; i++)
        {
            pa.memory().putByte(data + i, (byte) (i % 251));
        }
        assertEquals(length, pa.send(client, data, length, 0));
    }

    private void receive(final int length)
    {
        final long in = pb.memory().allocate(length);
        int got = 0;
        while (got < length)
        {
            final int n = pb.recv(server, in + got, length - got, 0);
            assertTrue(n > 0, "recv");
            got += n;
        }
        for (int i = 0; i < length; i++)
        {
            assertEquals((byte) (i % 251), pb.memory().getByte(in + i), "byte " + i);
        }
        assertEquals(0, hosts.b.stats().drops(DropReason.TCP_CHECKSUM));
    }
}
