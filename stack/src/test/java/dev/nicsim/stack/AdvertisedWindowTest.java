package dev.nicsim.stack;

import dev.nicsim.hw.eth.FrameStage;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.tcp.Tcb;
import dev.nicsim.stack.tcp.TcpSocket;
import dev.nicsim.stack.wire.Bytes;
import dev.nicsim.stack.wire.TcpSegment;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static dev.nicsim.stack.TwoHosts.B;
import static dev.nicsim.stack.TwoHosts.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a receiver advertises: over a 10 MiB transfer, read by the application in pieces that are not multiples of
 * the window scale's unit and with segments lost on the way (so data waits beyond a gap), the right edge of the window (ACK + window << scale) never moves left (RFC 7323 §2.4).
 * Checked on every ACK the receiver sends, as it leaves the wire.
 */
class AdvertisedWindowTest
{
    private static final int TOTAL = 10 << 20;
    private static final int CHUNK = 32 * 1024;
    /** The application's read size: 1000 bytes is not a multiple of 128 (wscale 7), so the free space is ragged. */
    private static final int READ = 1000;

    private final TwoHosts hosts = new TwoHosts();
    private int scale = -1;
    private boolean seenAck;
    private int rightEdge;
    private int acks;
    private int retracted;
    private String firstRetraction;

    @Test
    void theRightEdgeNeverMovesLeftOverTenMebibytes()
    {
        final Posix pa = hosts.pa;
        final Posix pb = hosts.pb;
        hosts.pair.link().a().addReceiveFault(new FrameStage()
        {
            @Override
            public void receiveFrame(final MemorySegment frame, final long offset, final int length)
            {
                check(frame, offset);
                forward(frame, offset, length);
            }
        });
        // Losses put data beyond a gap into the receive buffer: its free space then shrinks while RCV.NXT stands
        // still, and the window must still not shrink.
        hosts.loseDataSegmentsToB(40, 400, 1500, 4000, 6000);
        final int listener = hosts.listenOnB(80);
        final int client = pa.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0);
        TwoHosts.check(pa.connect(client, address(pa, B, 80), 16), pa);
        final int server = pb.accept(listener, 0, 0);
        TwoHosts.check(server, pb);
        scale = ((TcpSocket) pb.socketOf(server)).tcb.rcvWscale;
        final long data = pa.memory().allocate(CHUNK);
        final long in = pb.memory().allocate(READ);
        long received = 0;
        for (int sent = 0; sent < TOTAL; sent += CHUNK)
        {
            int queued = 0;
            while (queued < CHUNK)
            {
                queued += pa.send(client, data + queued, CHUNK - queued, 0);
            }
            while (received < sent + CHUNK)
            {
                final int n = pb.recv(server, in, READ, 0);
                assertTrue(n > 0, "recv");
                received += n;
            }
        }
        assertEquals(TOTAL, received);
        assertEquals(7, scale, "the receiver scales its window (wscale 7), so rounding can matter");
        assertTrue(acks > 3000, "ACKs checked: " + acks);
        assertEquals(0, retracted, () -> retracted + " of " + acks + " ACKs moved the right edge left; first: " +
            firstRetraction);
    }

    /** One frame from B to A: an ACK's right edge against the last one. */
    private void check(final MemorySegment frame, final long offset)
    {
        if (scale < 0 || Bytes.u16(frame, offset + 12) != 0x0800 || Bytes.u8(frame, offset + 23) != 6)
        {
            return;
        }
        final long tcp = offset + 14 + (Bytes.u8(frame, offset + 14) & 0xF) * 4L;
        final int flags = Bytes.u8(frame, tcp + 13);
        if ((flags & TcpSegment.ACK) == 0 || (flags & (TcpSegment.SYN | TcpSegment.RST)) != 0)
        {
            return;
        }
        final int ack = Bytes.i32(frame, tcp + 8);
        final int edge = ack + (Bytes.u16(frame, tcp + 14) << scale);
        acks++;
        if (seenAck && Tcb.before(edge, rightEdge))
        {
            if (retracted++ == 0)
            {
                firstRetraction = "ACK " + Integer.toUnsignedString(ack) + " edge " + Integer.toUnsignedString(edge) +
                    " after edge " + Integer.toUnsignedString(rightEdge);
            }
            return;
        }
        seenAck = true;
        rightEdge = edge;
    }
}
