package dev.nicsim.stack;

import dev.nicsim.hw.eth.FrameStage;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.tcp.Tcb;
import dev.nicsim.stack.tcp.TcpSocket;
import dev.nicsim.stack.tcp.TcpState;
import dev.nicsim.stack.wire.Bytes;
import dev.nicsim.stack.wire.DropReason;
import dev.nicsim.stack.wire.TcpSegment;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static dev.nicsim.stack.TwoHosts.B;
import static dev.nicsim.stack.TwoHosts.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        // 3000 bytes leave as 1448 + 1448 + 104; the last two are lost, and so is the tail loss probe that resends
        // the 104 bytes 2 SRTT + 2 ms later. After the timeout A goes back to SND.UNA and must send both again: Nagle
        // holds a small segment only while another small one is in flight.
        hosts.loseDataSegmentsToB(2, 3, 4);
        final long start = hosts.sim.now();
        send(3000);
        receive(3000);
        final long elapsed = hosts.sim.now() - start;
        final Tcb tcb = ((TcpSocket) pa.socketOf(client)).tcb;
        // B is in quick-ACK mode (the connection's first data) and ACKs the first segment at once: SRTT is
        // microseconds, the probe goes 2 SRTT + 2 ms later, and the timer, restarted by it, runs the minimum RTO
        // (200 ms), as Linux's: the go-back comes at about 202 ms, and B ACKs both resent segments at once.
        assertTrue(elapsed > 202 * Time.MS && elapsed < 203 * Time.MS, () -> Time.format(elapsed));
        assertEquals(tcb.sndMax, tcb.sndUna);
    }

    @Test
    void aLostSegmentIsRecoveredByFastRetransmitAndTheOutOfOrderQueue()
    {
        connect();
        final long[] sackedAcks = new long[1];
        hosts.pair.link().addTap((direction, time, frame, offset, length) ->
        {
            if (direction.endsWith("b") && hasSackOption(frame, offset))
            {
                sackedAcks[0]++;
            }
        });
        // Of 20 full segments the second is lost: B keeps the 18 behind it, answering each with a duplicate ACK
        // that carries a SACK block; once three segments are SACKed RACK takes the second for lost (RFC 8985 §6.2,
        // no reordering window then) and A resends it, which fills the gap.
        hosts.loseDataSegmentsToB(2);
        final long start = hosts.sim.now();
        send(20 * 1448);
        receive(20 * 1448);
        final long elapsed = hosts.sim.now() - start;
        assertTrue(elapsed < Time.MS, () -> "no retransmission timeout: " + Time.format(elapsed));
        assertEquals(1, hosts.a.stats().retransmissions, "only the lost segment is sent again");
        assertEquals(0, hosts.b.stats().drops(DropReason.TCP_OUT_OF_ORDER), "nothing beyond the gap was dropped");
        assertTrue(sackedAcks[0] >= 3, "duplicate ACKs carry SACK blocks: " + sackedAcks[0]);
        final Tcb tcb = ((TcpSocket) pa.socketOf(client)).tcb;
        assertEquals(tcb.sndMax, tcb.sndUna);
        assertTrue(!tcb.inRecovery, "recovery ended with the full ACK");
    }

    @Test
    void aLostRetransmissionIsFoundByRackARoundTripLaterNotByTheTimeout()
    {
        connect();
        // The second of 20 full segments is lost, and so is its first retransmission. The retransmission goes in
        // recovery, and new data goes after it; once B SACKs that, RACK knows the retransmission should have arrived
        // and takes it for lost too (RFC 8985 §6.2): it goes a third time about a round trip later, long before the
        // 200 ms RTO.
        final int[] copies = new int[1];
        final int[] secondSeq = new int[1];
        hosts.pair.link().b().addReceiveFault(new FrameStage()
        {
            private boolean seenFirst;

            @Override
            public void receiveFrame(final MemorySegment frame, final long offset, final int length)
            {
                if (TwoHosts.isTcpData(frame, offset))
                {
                    final int seq = Bytes.i32(frame, offset + 14 + 20 + 4);
                    if (!seenFirst)
                    {
                        seenFirst = true;
                        secondSeq[0] = seq + 1448;
                    }
                    if (seq == secondSeq[0] && copies[0]++ < 2)
                    {
                        return;
                    }
                }
                forward(frame, offset, length);
            }
        });
        final long start = hosts.sim.now();
        send(20 * 1448);
        receive(20 * 1448);
        final long elapsed = hosts.sim.now() - start;
        assertEquals(3, copies[0], "the segment went three times");
        assertTrue(elapsed < 5 * Time.MS, () -> "no retransmission timeout: " + Time.format(elapsed));
        assertEquals(0, hosts.a.stats().timeoutRetransmissions);
        assertEquals(2, hosts.a.stats().retransmissions, "only the lost segment is sent again");
        assertEquals(2, hosts.a.stats().rackLosses, "RACK found both losses");
        final Tcb tcb = ((TcpSocket) pa.socketOf(client)).tcb;
        assertEquals(tcb.sndMax, tcb.sndUna);
        assertFalse(tcb.inRecovery, "recovery ended with the full ACK");
    }

    @Test
    void aLostLastSegmentIsResentByTheLossProbeAlone()
    {
        connect();
        // 5000 bytes leave as three segments of 1448 and 656; only the last is lost, so no duplicate ACK comes at
        // all. B is in quick-ACK mode (the connection's first data) and ACKs each segment at once, so one segment is
        // out after the ACK of the third: the probe waits for a delayed ACK, 2 SRTT plus the minimum RTO, no later
        // than the RTO itself (Linux's tcp_schedule_loss_probe), and B's ACK of it covers everything: no recovery,
        // no timeout (RFC 8985 §7: a probe that repairs a single loss).
        hosts.loseDataSegmentsToB(4);
        final long start = hosts.sim.now();
        send(5000);
        receive(5000);
        final long elapsed = hosts.sim.now() - start;
        assertTrue(elapsed > 200 * Time.MS && elapsed < 201 * Time.MS, () -> Time.format(elapsed));
        assertEquals(1, hosts.a.stats().lossProbes);
        assertEquals(1, hosts.a.stats().retransmissions);
        assertEquals(0, hosts.a.stats().fastRetransmissions + hosts.a.stats().timeoutRetransmissions);
        final Tcb tcb = ((TcpSocket) pa.socketOf(client)).tcb;
        assertFalse(tcb.tlpOutstanding, "the probe's episode ended with the ACK of SND.NXT");
        assertFalse(tcb.retransmitTimer.isScheduled(), "nothing in flight, no timer");
    }

    @Test
    void aFinBeyondAGapIsTakenWhenTheGapFills()
    {
        connect();
        // 3000 bytes and the FIN leave as 1448, 1448 and 104+FIN; the first is lost. B holds the other two and SACKs
        // them, the FIN included (Linux's out-of-order skb ends after it: the kernel differential's fin-before-gap).
        // RACK (RFC 8985 §6) then sees the last segment, sent after the first, delivered: the first has been out
        // longer than that segment's RTT plus the reordering window (a quarter of the minimum RTT, shorter here than
        // the two frames' transmission between them), so it is lost at that ACK and goes again at once, without
        // RACK's timer (3 ms on while the FIN went unSACKed), a probe (2 SRTT + 2 ms) or the 200 ms RTO.
        hosts.loseDataSegmentsToB(1);
        send(3000);
        assertEquals(0, pa.shutdown(client, SocketConstants.SHUT_WR));
        final long start = hosts.sim.now();
        receive(3000);
        final long in = pb.memory().allocate(16);
        assertEquals(0, pb.recv(server, in, 16, 0), "end of stream once the gap is filled");
        final long elapsed = hosts.sim.now() - start;
        assertTrue(elapsed < 100 * Time.US, () -> "lost at the ACK that SACKs the FIN, no timer: " +
            Time.format(elapsed));
        assertEquals(0, hosts.a.stats().lossProbes);
        assertEquals(1, hosts.a.stats().rackLosses);
        assertEquals(1, hosts.a.stats().fastRetransmissions);
        assertEquals(0, hosts.a.stats().timeoutRetransmissions);
        assertEquals(TcpState.CLOSE_WAIT, ((TcpSocket) pb.socketOf(server)).tcb.state);
    }

    /** True when the frame is a TCP segment with a SACK option (kind 5). */
    private static boolean hasSackOption(final MemorySegment frame, final long offset)
    {
        if (Bytes.u16(frame, offset + 12) != 0x0800 || Bytes.u8(frame, offset + 23) != 6)
        {
            return false;
        }
        final long tcp = offset + 14 + (Bytes.u8(frame, offset + 14) & 0xF) * 4;
        final int header = (Bytes.u8(frame, tcp + 12) >>> 4) * 4;
        int at = 20;
        while (at < header)
        {
            final int kind = Bytes.u8(frame, tcp + at);
            if (kind == TcpSegment.OPTION_SACK)
            {
                return true;
            }
            at += kind <= TcpSegment.OPTION_NOP ? 1 : Math.max(2, Bytes.u8(frame, tcp + at + 1));
        }
        return false;
    }

    @Test
    void aSenderHeldBackByTheReceiversWindowDoesNotGrowItsCongestionWindow()
    {
        // 2 MB through a 64 KiB receive window: the window, not cwnd, limits A. Growing cwnd by every byte acknowledged
        // anyway would take it past 2^31 after about 2 GB and stall the connection (RFC 7661; tcp_is_cwnd_limited).
        connect();
        final int chunk = 32 * 1024;
        final long data = pa.memory().allocate(chunk);
        final long in = pb.memory().allocate(chunk);
        for (int i = 0; i < 64; i++)
        {
            int sent = 0;
            while (sent < chunk)
            {
                sent += pa.send(client, data + sent, chunk - sent, 0);
            }
            int got = 0;
            while (got < chunk)
            {
                got += pb.recv(server, in + got, chunk - got, 0);
            }
        }
        final Tcb tcb = ((TcpSocket) pa.socketOf(client)).tcb;
        assertTrue(tcb.cwnd <= 2 * 128 * 1024, "cwnd " + tcb.cwnd + " after 2 MB through a 64 KiB window");
    }

    @Test
    void dataThatFoundNoRoomWithNothingInFlightGoesOutWhenTheProbeTimerFires()
    {
        connect();
        final Tcb tcb = ((TcpSocket) pa.socketOf(client)).tcb;
        final int cwnd = tcb.cwnd;
        final int sink = pb.socket(SocketConstants.AF_INET, SocketConstants.SOCK_DGRAM, 0);
        TwoHosts.check(pb.bind(sink, address(pb, B, 9), 16), pb);
        final int udp = pa.socket(SocketConstants.AF_INET, SocketConstants.SOCK_DGRAM, 0);
        final long datagram = pa.memory().allocate(1400);
        // In one instant (nothing leaves the wire meanwhile) datagrams fill A's TX ring and the stack's hold, and then
        // TCP's data finds no room: nothing of it is in flight, so no ACK will come to send it.
        hosts.sim.beginCall();
        int taken = 0;
        while (pa.sendto(udp, datagram, 1400, 0, address(pa, B, 9), 16) == 1400)
        {
            taken++;
        }
        send(3000);
        hosts.sim.endCall();
        assertEquals(64 + 1000, taken, "the ring's 64 slots and the queue's backlog (Linux's txqueuelen)");
        assertEquals(tcb.sndUna, tcb.sndMax, "nothing of the TCP data left");

        // Linux's tcp_check_probe_timer arms the probe timer (the RTO); when it fires the data goes, with no loss
        // counted and the congestion window as it was.
        hosts.sim.run(hosts.sim.now() + 2 * Time.S);
        final long in = pb.memory().allocate(3000);
        assertEquals(3000, pb.recv(server, in, 3000, SocketConstants.MSG_DONTWAIT));
        assertEquals(0, hosts.a.stats().retransmissions);
        assertEquals(cwnd, tcb.cwnd);
    }

    private void connect()
    {
        final int[] fds = hosts.connectAToB(80);
        client = fds[0];
        server = fds[1];
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
