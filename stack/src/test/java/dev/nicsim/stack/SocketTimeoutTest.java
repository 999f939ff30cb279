package dev.nicsim.stack;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.context.StackConfig;
import dev.nicsim.stack.device.NetDevice;
import dev.nicsim.stack.posix.Posix;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SO_RCVTIMEO as Linux's sock_set_timeout and sock_get_timeout: microseconds rounded up to the tick, and negative
 * seconds meaning no wait at all (read back as zero, like no timeout), at the tick of the configured HZ. The kernel
 * differential compares them at the kernel's HZ; this test the waits and the other frequencies.
 */
class SocketTimeoutTest
{
    private TwoHosts hosts = new TwoHosts();
    private Posix pb = hosts.pb;

    @Test
    void negativeSecondsMakeABlockingReadReturnAtOnce()
    {
        final int server = hosts.connectAToB(80)[1];
        setTimeout(server, -1, 0);
        final long start = hosts.sim.now();

        assertEquals(-1, pb.recv(server, pb.memory().allocate(10), 10, 0));
        assertEquals(Errno.EAGAIN, pb.errno());
        assertTrue(hosts.sim.now() - start < Time.MS, "no wait: " + Time.format(hosts.sim.now() - start));
        assertEquals(0, timeout(server)[0]);
        assertEquals(0, timeout(server)[1]);
    }

    @Test
    void microsecondsRoundUpToTheTick()
    {
        final int server = hosts.connectAToB(80)[1];
        setTimeout(server, 0, 1500);

        assertEquals(0, timeout(server)[0]);
        assertEquals(2000, timeout(server)[1]);
        final long start = hosts.sim.now();
        assertEquals(-1, pb.recv(server, pb.memory().allocate(10), 10, 0));
        assertEquals(Errno.EAGAIN, pb.errno());
        // The 2 ms, and the system call's and wake-up's few microseconds of CPU.
        assertEquals(2 * Time.MS, hosts.sim.now() - start, 10 * Time.US);
    }

    @Test
    void atHz100TheTickIsTenMilliseconds()
    {
        hosts = new TwoHosts(StackConfig.defaults().withHz(100), StackConfig.defaults().withSeed(7).withHz(100),
            NetDevice.FEATURE_TX_CHECKSUM | NetDevice.FEATURE_RX_CHECKSUM);
        pb = hosts.pb;
        final int server = hosts.connectAToB(80)[1];
        setTimeout(server, 1, 1);

        assertEquals(1, timeout(server)[0]);
        assertEquals(10_000, timeout(server)[1]);
        final long start = hosts.sim.now();
        assertEquals(-1, pb.recv(server, pb.memory().allocate(10), 10, 0));
        assertEquals(1010 * Time.MS, hosts.sim.now() - start, 10 * Time.US);
    }

    @Test
    void aKernelTimerFrequencyWithoutAWholeTickInPicosecondsIsRefusedByName()
    {
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
            () -> StackConfig.defaults().withHz(300));
        assertTrue(refused.getMessage().contains("hz"), refused.getMessage());
    }

    private void setTimeout(final int fd, final long seconds, final long micros)
    {
        final long value = pb.memory().allocate(16);
        pb.memory().putLong(value, seconds);
        pb.memory().putLong(value + 8, micros);
        TwoHosts.check(pb.setsockopt(fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_RCVTIMEO, value, 16), pb);
    }

    private long[] timeout(final int fd)
    {
        final long value = pb.memory().allocate(16);
        final long length = pb.memory().allocate(4);
        pb.memory().putInt(length, 16);
        TwoHosts.check(pb.getsockopt(fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_RCVTIMEO, value, length), pb);
        return new long[] {pb.memory().getLong(value), pb.memory().getLong(value + 8)};
    }
}
