package dev.nicsim.tools.workload;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.wire.Bytes;
import dev.nicsim.stack.wire.TcpSegment;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.config.TestbedParameters;
import dev.nicsim.tools.testbed.Network;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Urgent data through the NIC model with TSO on, which the kernel differentials (nicsim without TSO) do not cover: the
 * NIC would copy one urgent pointer into every frame it cuts from a segment, so while a mark is outstanding TCP sends
 * segment by segment, each frame with the distance from its own first byte to the mark.
 */
class UrgentOverTsoTest
{
    private static final int LENGTH = 100_000;

    @Test
    void eachFrameOfALargeUrgentSendPointsAtTheMarkAndTheReaderGetsTheRestInLine()
    {
        final Settings settings = TestbedParameters.defaults();
        settings.assign("nic.tso=true");
        final Network network = Network.build(settings, 2);
        final int sender = network.host('a').address();
        final List<int[]> frames = new ArrayList<>();
        network.tapSenders((direction, time, frame, offset, length) ->
        {
            final long ip = offset + 14;
            final int ipHeader = (Bytes.u8(frame, ip) & 0xF) * 4;
            if (Bytes.u16(frame, offset + 12) != 0x0800 || Bytes.u8(frame, ip + 9) != 6 ||
                Bytes.i32(frame, ip + 12) != sender)
            {
                return;
            }
            final long tcp = ip + ipHeader;
            final int payload = Bytes.u16(frame, ip + 2) - ipHeader -
                (Bytes.u8(frame, tcp + TcpSegment.DATA_OFFSET) >>> 4) * 4;
            if (payload > 0)
            {
                final boolean urg = (Bytes.u8(frame, tcp + TcpSegment.FLAGS) & TcpSegment.URG) != 0;
                frames.add(new int[] {Bytes.i32(frame, tcp + TcpSegment.SEQUENCE), payload,
                    urg ? Bytes.u16(frame, tcp + TcpSegment.URGENT) : -1});
            }
        });
        final Posix pa = network.host('a').newProcess();
        final Posix pb = network.host('b').newProcess();
        final int listener = pb.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0);
        assertEquals(0, pb.bind(listener, sockaddr(pb, 0, 80), 16));
        assertEquals(0, pb.listen(listener, 4));
        final int client = pa.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0);
        assertEquals(0, pa.connect(client, sockaddr(pa, network.host('b').address(), 80), 16));
        final int server = pb.accept(listener, 0, 0);
        assertTrue(server >= 0);
        // Room for the whole send at once: one push, one mark (a send that waits for room marks anew at each push).
        final long value = pa.memory().allocate(4);
        pa.memory().putInt(value, 1 << 20);
        assertEquals(0, pa.setsockopt(client, SocketConstants.SOL_SOCKET, SocketConstants.SO_SNDBUF, value, 4));
        final long data = pa.memory().allocate(LENGTH);
        for (int i = 0; i < LENGTH; i++)
        {
            pa.memory().putByte(data + i, (byte) (i * 7));
        }

        assertEquals(LENGTH, pa.send(client, data, LENGTH, SocketConstants.MSG_OOB));
        final long in = pb.memory().allocate(LENGTH);
        assertEquals(LENGTH - 1, pb.recv(server, in, LENGTH, SocketConstants.MSG_WAITALL),
            "even MSG_WAITALL stops at the mark");
        network.sim().run(network.sim().now() + Time.MS);

        final int first = frames.get(0)[0];
        for (final int[] frame : frames)
        {
            final int ahead = first + LENGTH - frame[0];
            assertTrue(frame[1] <= 1448, "frames of one MSS at most: " + frame[1]);
            if (ahead <= 0xFFFF)
            {
                assertEquals(ahead, frame[2], "pointer of the frame at " + (frame[0] - first));
            }
            else
            {
                assertTrue(frame[2] == -1 || frame[2] == 0xFFFF, "a mark beyond 64 KiB: no URG or the largest " +
                    "pointer, at " + (frame[0] - first) + ": " + frame[2]);
            }
        }
        assertTrue(frames.size() >= LENGTH / 1448, frames.size() + " data frames");
        for (int i = 0; i < LENGTH - 1; i++)
        {
            assertEquals((byte) (i * 7), pb.memory().getByte(in + i), "byte " + i);
        }
        assertEquals(1, pb.recv(server, in, 1, SocketConstants.MSG_OOB), "the urgent byte");
        assertEquals((byte) ((LENGTH - 1) * 7), pb.memory().getByte(in));
        assertEquals(-1, pb.recv(server, in, LENGTH, SocketConstants.MSG_DONTWAIT), "nothing in line after it");
    }

    private static long sockaddr(final Posix process, final int ip, final int port)
    {
        final long at = process.memory().allocate(16);
        process.memory().putSockaddrIn(at, SocketConstants.AF_INET, ip, port);
        return at;
    }
}
