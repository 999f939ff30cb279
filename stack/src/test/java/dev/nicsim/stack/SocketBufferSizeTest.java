package dev.nicsim.stack;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.posix.Posix;
import org.junit.jupiter.api.Test;

import static dev.nicsim.stack.TwoHosts.B;
import static dev.nicsim.stack.TwoHosts.address;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * SO_SNDBUF and SO_RCVBUF size the buffers as Linux's sock_setsockopt does (the request doubled, within
 * [SOCK_MIN_*BUF, 2 x wmem_max/rmem_max]), a listener's sizes hold for the connections it accepts (sk_clone_lock
 * copies them), and the sizes bound what the buffers hold: a sender that the receiver never reads from parks what the
 * receive buffer cannot take in its own send buffer, and a non-blocking send takes no more than the send buffer's size.
 */
class SocketBufferSizeTest
{
    private final TwoHosts hosts = new TwoHosts();

    @Test
    void theSizesSetAreWhatTheBuffersHold()
    {
        final Posix pa = hosts.pa;
        final Posix pb = hosts.pb;
        final int listener = pb.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0);
        TwoHosts.setIntOption(pb, listener, SocketConstants.SOL_SOCKET, SocketConstants.SO_RCVBUF, 3000);
        TwoHosts.check(pb.bind(listener, address(pb, B, 80), 16), pb);
        TwoHosts.check(pb.listen(listener, 8), pb);

        final int client = pa.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0);
        TwoHosts.setIntOption(pa, client, SocketConstants.SOL_SOCKET, SocketConstants.SO_SNDBUF, 10_000);
        assertEquals(20_000, TwoHosts.intOption(pa, client, SocketConstants.SOL_SOCKET, SocketConstants.SO_SNDBUF),
            "doubled");
        TwoHosts.check(pa.connect(client, address(pa, B, 80), 16), pa);
        final int server = pb.accept(listener, 0, 0);
        TwoHosts.check(server, pb);
        assertEquals(6000, TwoHosts.intOption(pb, server, SocketConstants.SOL_SOCKET, SocketConstants.SO_RCVBUF),
            "inherited from the listener, doubled");

        final int bytes = 50_000;
        final long data = pa.memory().allocate(bytes);
        final int taken = pa.send(client, data, bytes, SocketConstants.MSG_DONTWAIT);
        assertEquals(20_000, taken, "a non-blocking send takes what the 20,000-byte send buffer holds");
        hosts.sim.run(hosts.sim.now() + Time.S);
        assertEquals(6000, pb.socketOf(server).receiveBuffer.size(), "the receiver holds its 6,000 bytes, no more");
        assertEquals(14_000, pa.socketOf(client).sendBuffer.size(), "the rest waits in the sender's buffer");
    }

    @Test
    void sizesOutsideTheLimitsAreClampedAsLinuxDoes()
    {
        final Posix pa = hosts.pa;
        final int tcp = pa.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0);
        TwoHosts.setIntOption(pa, tcp, SocketConstants.SOL_SOCKET, SocketConstants.SO_SNDBUF, 1);
        TwoHosts.setIntOption(pa, tcp, SocketConstants.SOL_SOCKET, SocketConstants.SO_RCVBUF, 0);
        assertEquals(4608, TwoHosts.intOption(pa, tcp, SocketConstants.SOL_SOCKET, SocketConstants.SO_SNDBUF),
            "SOCK_MIN_SNDBUF");
        assertEquals(2304, TwoHosts.intOption(pa, tcp, SocketConstants.SOL_SOCKET, SocketConstants.SO_RCVBUF),
            "SOCK_MIN_RCVBUF");
        final int udp = pa.socket(SocketConstants.AF_INET, SocketConstants.SOCK_DGRAM, 0);
        TwoHosts.setIntOption(pa, udp, SocketConstants.SOL_SOCKET, SocketConstants.SO_SNDBUF, -1);
        TwoHosts.setIntOption(pa, udp, SocketConstants.SOL_SOCKET, SocketConstants.SO_RCVBUF, 1 << 30);
        assertEquals(2 * SocketConstants.WMEM_MAX,
            TwoHosts.intOption(pa, udp, SocketConstants.SOL_SOCKET, SocketConstants.SO_SNDBUF), "-1 is huge unsigned");
        assertEquals(2 * SocketConstants.RMEM_MAX,
            TwoHosts.intOption(pa, udp, SocketConstants.SOL_SOCKET, SocketConstants.SO_RCVBUF), "capped at rmem_max");
    }
}
