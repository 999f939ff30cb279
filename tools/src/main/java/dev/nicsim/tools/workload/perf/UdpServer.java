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
 * A host's UDP server: counts the datagrams of UDP_STREAM, and answers each UDP_RR request with a response to the
 * address it came from.
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
    private int fd;

    UdpServer(final PerfTest test, final HostProcess process, final PerfMeter meter, final PerfOptions options)
    {
        this.test = test;
        this.process = process;
        this.posix = process.posix;
        this.meter = meter;
        this.responseBytes = options.responseBytes();
        this.connection = meter.newConnection();
        this.peer = process.sockaddr(0, 0);
        this.peerLength = posix.memory().allocate(4);
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
        int received;
        while (true)
        {
            posix.memory().putInt(peerLength, SOCKADDR_IN_SIZE);
            received = posix.recvfrom(fd, process.receiveBuffer, HostProcess.RECEIVE_BYTES, 0, peer, peerLength);
            if (received < 0)
            {
                break;
            }
            if (test == PerfTest.UDP_STREAM)
            {
                meter.received(connection, received);
            }
            else if (posix.sendto(fd, process.sendBuffer, responseBytes, 0, peer, SOCKADDR_IN_SIZE) < 0)
            {
                meter.error(posix.errno());
            }
        }
        if (posix.errno() != Errno.EAGAIN)
        {
            meter.error(posix.errno());
        }
        posix.watch(fd, POLLIN, this);
    }
}
