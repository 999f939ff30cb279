package dev.nicsim.tools.workload.perf;

import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.posix.ReadinessHandler;
import dev.nicsim.tools.measure.PerfMeter;
import dev.nicsim.tools.workload.Syscall;

import static dev.nicsim.stack.context.SocketConstants.AF_INET;
import static dev.nicsim.stack.context.SocketConstants.POLLIN;
import static dev.nicsim.stack.context.SocketConstants.SOCKADDR_IN_SIZE;
import static dev.nicsim.stack.context.SocketConstants.SOCK_DGRAM;
import static dev.nicsim.stack.context.SocketConstants.SOCK_NONBLOCK;

/**
 * One UDP flow's server socket (a netserver child's data socket), on the core of the process it is made in: counts
 * the datagrams of UDP_STREAM, and answers each UDP_RR request with a response to the address it came from.
 *
 * <p>It takes one datagram per turn on its core's run queue and sleeps when the socket is empty. Draining the socket
 * in one go would hold the core for as long as datagrams kept arriving, and UDP's do (no window holds the sender
 * back): an interrupt that finds the core busy waits for it ({@code NicDriver.cpuBusy}), so the queue whose vector
 * reaches this core was never polled (UDP_STREAM with 2 flows on 2 cores: queue 0 took 203 frames, 0 interrupts,
 * 161 dropped for want of descriptors). On Linux the interrupt preempts the receiving task and its softirq runs
 * before the task's next system call, which is what the run queue gives.
 */
final class UdpServer implements ReadinessHandler
{
    private final PerfTest test;
    private final HostProcess process;
    private final Posix posix;
    private final PerfMeter meter;
    private final int responseBytes;
    private final int connection;
    private final long peer;
    private final long peerLength;
    private final CoreRunQueue runQueue;
    private final CoreRunQueue.Task receiver;
    private int fd;

    UdpServer(final PerfTest test, final HostProcess process, final PerfMeter meter, final PerfOptions options)
    {
        this.test = test;
        this.process = process;
        this.posix = process.posix;
        this.meter = meter;
        this.responseBytes = options.responseBytes();
        this.connection = test == PerfTest.UDP_STREAM ? meter.newConnection() : -1;
        this.peer = process.sockaddr(0, 0);
        this.peerLength = posix.memory().allocate(4);
        this.runQueue = process.runQueue(posix.core());
        this.receiver = new CoreRunQueue.Task(this::receiveNext);
    }

    void listen(final int port)
    {
        fd = Syscall.check(posix, "socket", posix.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0));
        Syscall.check(posix, "bind", posix.bind(fd, process.sockaddr(0, port), SOCKADDR_IN_SIZE));
        Syscall.check(posix, "watch", posix.watch(fd, POLLIN, this));
    }

    @Override
    public void ready(final int socket, final int revents)
    {
        runQueue.wake(receiver);
    }

    /* One datagram (and UDP_RR's response to it) per turn while the socket has any, then sleep until POLLIN. */
    private void receiveNext()
    {
        posix.memory().putInt(peerLength, SOCKADDR_IN_SIZE);
        final int received = posix.recvfrom(fd, process.receiveBuffer, HostProcess.RECEIVE_BYTES, 0, peer,
            peerLength);
        if (received < 0)
        {
            if (posix.errno() != Errno.EAGAIN)
            {
                meter.error(posix.errno());
            }
            posix.watch(fd, POLLIN, this);
            return;
        }
        if (test == PerfTest.UDP_STREAM)
        {
            meter.received(connection, received);
        }
        else if (posix.sendto(fd, process.sendBuffer, responseBytes, 0, peer, SOCKADDR_IN_SIZE) < 0)
        {
            meter.error(posix.errno());
        }
        runQueue.wake(receiver);
    }
}
