package dev.nicsim.stack;

import dev.nicsim.hw.eth.FrameStage;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.tcp.TcpSocket;
import dev.nicsim.stack.wire.Bytes;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When the receiver acknowledges, as Linux's quick-ACK and ping-pong modes and delayed-ACK timer decide
 * ({@code AckTiming}): counted on the wire, as the ACK-only segments B sends to A. The kernel differential checks the
 * same rules against Linux in scripted scenarios (slow-drain, half-close, fin-with-data).
 */
class AckTimingTest
{
    private final TwoHosts hosts = new TwoHosts();
    private final Posix pa = hosts.pa;
    private final Posix pb = hosts.pb;
    /** When B's segments that carry no data (after the handshake) arrived at A, and what they acknowledged. */
    private final List<Long> acksFromB = new ArrayList<>();
    private final List<Integer> acknowledged = new ArrayList<>();
    private int client;
    private int server;

    @Test
    void aNewConnectionsFirstSegmentsAreEachAcknowledgedThenEverySecondOne()
    {
        connect();
        // 40 full segments that B's application does not read yet (64 KiB of buffer holds them). The window over
        // 2 x 1448-byte segments allows 22 quick ACKs, at most 16 (Linux's TCP_MAX_QUICKACKS).
        send(40 * 1448);
        hosts.sim.run(hosts.sim.now() + 100 * Time.MS);
        final List<Integer> segmentsPerAck = new ArrayList<>();
        for (int i = 1; i < acknowledged.size(); i++)
        {
            segmentsPerAck.add((acknowledged.get(i) - acknowledged.get(i - 1)) / 1448);
        }
        final List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 16; i++)
        {
            expected.add(1);
        }
        for (int i = 0; i < 12; i++)
        {
            expected.add(2);
        }
        assertEquals(expected, segmentsPerAck, "one ACK per segment for the first 16, then one per two");
        receive(40 * 1448);
    }

    @Test
    void requestsAndResponsesCarryTheAcksOnceEachSideAnswers()
    {
        connect();
        for (int i = 0; i < 10; i++)
        {
            send(1);
            receive(1);
            reply(1);
        }
        // The first request and the first response are each acknowledged at once (quick-ACK mode); every later one
        // is acknowledged by its answer, sent within ato of it (ping-pong mode).
        assertEquals(1, acksFromB.size(), "B acknowledged alone only the first request: " + acksFromB);
    }

    @Test
    void theAckOfAFinWaitsForTheApplicationsAnswerUpToTheDelayedAckTimeout()
    {
        connect();
        send(1);
        receive(1);
        acksFromB.clear();
        final long closed = hosts.sim.now();
        pa.close(client);
        hosts.sim.run(hosts.sim.now() + 100 * Time.MS);
        // The FIN moves B to CLOSE_WAIT and ping-pong mode (Linux's tcp_fin): its ACK waits for B's own FIN, which
        // B's application never sends here, until the delayed-ACK timer, 40 ms.
        assertEquals(1, acksFromB.size(), "one ACK of the FIN: " + acksFromB);
        final long delay = acksFromB.get(0) - closed;
        assertTrue(delay > 40 * Time.MS && delay < 41 * Time.MS, () -> Time.format(delay));
    }

    private void connect()
    {
        final int[] fds = hosts.connectAToB(80);
        client = fds[0];
        server = fds[1];
        acknowledged.add(((TcpSocket) pa.socketOf(client)).tcb.sndNxt);
        hosts.pair.link().a().addReceiveFault(new FrameStage()
        {
            @Override
            public void receiveFrame(final MemorySegment frame, final long offset, final int length)
            {
                if (Bytes.u16(frame, offset + 12) == 0x0800 && Bytes.u8(frame, offset + 23) == 6 &&
                    !TwoHosts.isTcpData(frame, offset))
                {
                    acksFromB.add(sim.now());
                    acknowledged.add(Bytes.i32(frame, offset + 14 + 20 + 8));
                }
                forward(frame, offset, length);
            }
        });
    }

    private void send(final int length)
    {
        final long data = pa.memory().allocate(length);
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
    }

    /** B answers with {@code length} bytes, and A reads them. */
    private void reply(final int length)
    {
        final long data = pb.memory().allocate(length);
        assertEquals(length, pb.send(server, data, length, 0));
        final long in = pa.memory().allocate(length);
        assertEquals(length, pa.recv(client, in, length, 0));
    }
}
