package dev.nicsim.stack.tcp;

import dev.nicsim.hw.host.CpuCosts;
import dev.nicsim.hw.host.HostCpu;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.NetworkStack;
import dev.nicsim.stack.conformance.ScriptDevice;
import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.context.StackConfig;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.wire.Bytes;
import dev.nicsim.stack.wire.Ipv4Address;
import dev.nicsim.stack.wire.TcpSegment;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The ISN clock runs as Linux's secure_tcp_seq does (RFC 6528's M, one tick per 64 ns): two SYNs of the same 4-tuple
 * 1 ms apart differ by 1 ms / 64 ns = 15,625 (the segment differential's new-connection-after-reset saw the kernel
 * move 212,330 in 13.6 ms).
 */
class IsnClockTest
{
    @Test
    void twoSynsOfOneFourTupleAMillisecondApartDifferBy15625()
    {
        final Simulator sim = new Simulator();
        final ScriptDevice device = new ScriptDevice(sim);
        final NetworkStack stack = new NetworkStack(sim, new HostCpu(sim, CpuCosts.free(), "cpu"),
            StackConfig.defaults(), "sut");
        stack.addInterface(device, Ipv4Address.parse("10.0.0.1"), 24);
        final Posix posix = stack.newProcess(1 << 16);
        connectAndAbort(posix);
        sim.run(sim.now() + Time.MS);
        connectAndAbort(posix);
        final List<Integer> syns = new ArrayList<>();
        for (final ScriptDevice.Sent sent : device.sent())
        {
            final MemorySegment frame = MemorySegment.ofArray(sent.bytes());
            if (sent.bytes().length > 34 + TcpSegment.HEADER_LENGTH && Bytes.u8(frame, 23) == 6 &&
                (Bytes.u8(frame, 34 + TcpSegment.FLAGS) & TcpSegment.SYN) != 0)
            {
                syns.add(Bytes.i32(frame, 34 + TcpSegment.SEQUENCE));
            }
        }
        assertEquals(2, syns.size(), "SYNs sent");
        assertEquals(15_625, syns.get(1) - syns.get(0));
    }

    /** From 10.0.0.1:5000 to 10.0.0.2:80, non-blocking; then closed with SO_LINGER 0 (no TIME_WAIT to wait out). */
    private static void connectAndAbort(final Posix posix)
    {
        final int fd = posix.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM | SocketConstants.SOCK_NONBLOCK,
            0);
        final long address = posix.memory().allocate(SocketConstants.SOCKADDR_IN_SIZE);
        final long value = posix.memory().allocate(8);
        posix.memory().putInt(value, 1);
        posix.setsockopt(fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_REUSEADDR, value, 4);
        posix.memory().putSockaddrIn(address, SocketConstants.AF_INET, Ipv4Address.parse("10.0.0.1"), 5000);
        assertEquals(0, posix.bind(fd, address, SocketConstants.SOCKADDR_IN_SIZE), () -> Errno.name(posix.errno()));
        posix.memory().putSockaddrIn(address, SocketConstants.AF_INET, Ipv4Address.parse("10.0.0.2"), 80);
        assertEquals(-1, posix.connect(fd, address, SocketConstants.SOCKADDR_IN_SIZE));
        assertEquals(Errno.EINPROGRESS, posix.errno());
        posix.memory().putInt(value + 4, 0);
        posix.setsockopt(fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_LINGER, value, 8);
        assertEquals(0, posix.close(fd));
    }
}
