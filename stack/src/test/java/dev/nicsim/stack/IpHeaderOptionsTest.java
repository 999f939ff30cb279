package dev.nicsim.stack;

import dev.nicsim.hw.eth.FrameStage;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.wire.Bytes;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static dev.nicsim.stack.TwoHosts.B;
import static dev.nicsim.stack.TwoHosts.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * IP_TOS and IP_TTL reach the wire: the IPv4 header of each packet a socket sends carries them (the kernel
 * differential compares only what getsockopt reads back). A listener's pass to its SYN-ACKs and to the connections it
 * accepts (sk_clone_lock).
 */
class IpHeaderOptionsTest
{
    private final TwoHosts hosts = new TwoHosts();
    private final Posix pa = hosts.pa;
    private final Posix pb = hosts.pb;
    /** TOS and TTL of each TCP or UDP packet that reached A, and of each that reached B. */
    private final List<String> atA = new ArrayList<>();
    private final List<String> atB = new ArrayList<>();

    IpHeaderOptionsTest()
    {
        hosts.pair.link().a().addReceiveFault(recorder(atA));
        hosts.pair.link().b().addReceiveFault(recorder(atB));
    }

    @Test
    void aDatagramCarriesItsSocketsTosAndTtl()
    {
        final int fd = pa.socket(SocketConstants.AF_INET, SocketConstants.SOCK_DGRAM, 0);
        TwoHosts.setIntOption(pa, fd, SocketConstants.IPPROTO_IP, SocketConstants.IP_TTL, 19);
        TwoHosts.setIntOption(pa, fd, SocketConstants.IPPROTO_IP, SocketConstants.IP_TOS, 0x2B);
        final long data = pa.memory().allocate(8);
        assertEquals(8, pa.sendto(fd, data, 8, 0, address(pa, B, 9), 16));
        hosts.sim.run(hosts.sim.now() + Time.MS);

        assertEquals(List.of("tos=0x2b ttl=19"), atB, "a UDP socket keeps the ECN bits it sets");
    }

    @Test
    void aListenersTosAndTtlGoToItsSynAckAndToTheConnectionsItAccepts()
    {
        final int listener = pb.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0);
        TwoHosts.setIntOption(pb, listener, SocketConstants.IPPROTO_IP, SocketConstants.IP_TTL, 7);
        TwoHosts.setIntOption(pb, listener, SocketConstants.IPPROTO_IP, SocketConstants.IP_TOS, 0x13);
        TwoHosts.check(pb.bind(listener, address(pb, 0, 80), 16), pb);
        TwoHosts.check(pb.listen(listener, 4), pb);
        final int client = pa.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0);
        TwoHosts.check(pa.connect(client, address(pa, B, 80), 16), pa);
        final int server = pb.accept(listener, 0, 0);
        TwoHosts.check(server, pb);
        final long data = pb.memory().allocate(100);
        assertEquals(100, pb.send(server, data, 100, 0));
        hosts.sim.run(hosts.sim.now() + Time.MS);

        assertFalse(atA.isEmpty());
        for (final String header : atA)
        {
            assertEquals("tos=0x10 ttl=7", header, "TCP leaves out the ECN bits of IP_TOS (they are its own)");
        }
        assertEquals(7, TwoHosts.intOption(pb, server, SocketConstants.IPPROTO_IP, SocketConstants.IP_TTL),
            "the accepted socket inherits IP_TTL");
        for (final String header : atB)
        {
            assertEquals("tos=0x0 ttl=64", header, "A's socket kept the defaults");
        }
    }

    private FrameStage recorder(final List<String> headers)
    {
        return new FrameStage()
        {
            @Override
            public void receiveFrame(final MemorySegment frame, final long offset, final int length)
            {
                final int protocol = Bytes.u8(frame, offset + 23);
                if (Bytes.u16(frame, offset + 12) == 0x0800 && (protocol == 6 || protocol == 17))
                {
                    headers.add("tos=0x" + Integer.toHexString(Bytes.u8(frame, offset + 15)) + " ttl=" +
                        Bytes.u8(frame, offset + 22));
                }
                forward(frame, offset, length);
            }
        };
    }
}
