package dev.nicsim.tools.workload.perf;

import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.posix.ReadinessHandler;
import dev.nicsim.tools.measure.PerfMeter;
import dev.nicsim.tools.workload.Syscall;

import java.util.Arrays;

import static dev.nicsim.stack.context.SocketConstants.AF_INET;
import static dev.nicsim.stack.context.SocketConstants.POLLIN;
import static dev.nicsim.stack.context.SocketConstants.POLLOUT;
import static dev.nicsim.stack.context.SocketConstants.SOCKADDR_IN_SIZE;
import static dev.nicsim.stack.context.SocketConstants.SOCK_NONBLOCK;
import static dev.nicsim.stack.context.SocketConstants.SOCK_STREAM;

/**
 * A host's TCP server for every flow that connects to it (netserver): it accepts, then receives bulk data
 * (TCP_STREAM), sends it (TCP_MAERTS), or answers each complete request with a response (TCP_RR, TCP_CRR), and
 * closes when the client does. State per connection lives in arrays indexed by descriptor.
 */
final class TcpServer implements ReadinessHandler
{
    private static final int MAX_FDS = 1024;
    private static final int BACKLOG = 1024;

    private final PerfTest test;
    private final HostProcess process;
    private final Posix posix;
    private final PerfMeter meter;
    private final int messageBytes;
    private final int requestBytes;
    private final int responseBytes;
    private final int[] connection = new int[MAX_FDS];
    /* Request bytes received towards the next complete request, and response bytes still to send. */
    private final int[] requestReceived = new int[MAX_FDS];
    private final int[] responseLeft = new int[MAX_FDS];
    /* The core each connection's thread runs on: the n-th accepted on core n mod cores (netserver's children). */
    private final int[] core = new int[MAX_FDS];
    /* TCP_MAERTS: each descriptor's sender, made when the descriptor is first used and kept for its reuse. */
    private final CoreRunQueue.Task[] senders = new CoreRunQueue.Task[MAX_FDS];
    private int accepted;
    private int listener = -1;
    private boolean stopped;

    TcpServer(final PerfTest test, final HostProcess process, final PerfMeter meter, final PerfOptions options)
    {
        this.test = test;
        this.process = process;
        this.posix = process.posix;
        this.meter = meter;
        this.messageBytes = options.messageBytes();
        this.requestBytes = options.requestBytes();
        this.responseBytes = options.responseBytes();
        Arrays.fill(connection, -1);
    }

    /** Listens on {@code port} of every address. */
    void listen(final int port)
    {
        listener = Syscall.check(posix, "socket", posix.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
        Syscall.check(posix, "bind", posix.bind(listener, process.sockaddr(0, port), SOCKADDR_IN_SIZE));
        Syscall.check(posix, "listen", posix.listen(listener, BACKLOG));
        Syscall.check(posix, "watch", posix.watch(listener, POLLIN, this));
    }

    /** Sends no new bulk data from now on (TCP_MAERTS). */
    void stop()
    {
        stopped = true;
    }

    @Override
    public void ready(final int fd, final int revents)
    {
        if (fd == listener)
        {
            acceptAll();
            return;
        }
        posix.setCore(core[fd]);
        switch (test)
        {
            case TCP_STREAM -> receiveBulk(fd);
            case TCP_MAERTS -> process.runQueue(core[fd]).wake(sender(fd));
            default -> answer(fd);
        }
    }

    private CoreRunQueue.Task sender(final int fd)
    {
        if (senders[fd] == null)
        {
            senders[fd] = new CoreRunQueue.Task(() -> sendBulk(fd));
        }
        return senders[fd];
    }

    private void acceptAll()
    {
        int fd;
        while ((fd = posix.accept4(listener, 0, 0, SOCK_NONBLOCK)) >= 0)
        {
            connection[fd] = test == PerfTest.TCP_STREAM ? meter.newConnection() : -1;
            requestReceived[fd] = 0;
            responseLeft[fd] = 0;
            core[fd] = accepted++ % process.host.cpu().cores();
            ready(fd, 0);
            posix.setCore(0);
        }
        if (posix.errno() != Errno.EAGAIN)
        {
            meter.error(posix.errno());
        }
        posix.watch(listener, POLLIN, this);
    }

    private void receiveBulk(final int fd)
    {
        int received;
        while ((received = posix.recv(fd, process.receiveBuffer, HostProcess.RECEIVE_BYTES, 0)) > 0)
        {
            meter.received(connection[fd], received);
        }
        if (received < 0 && posix.errno() == Errno.EAGAIN)
        {
            posix.watch(fd, POLLIN, this);
            return;
        }
        finish(fd, received);
    }

    /* TCP_MAERTS: one send() per turn on the connection's core while the socket takes data, then sleep. */
    private void sendBulk(final int fd)
    {
        if (stopped)
        {
            return;
        }
        posix.setCore(core[fd]);
        if (posix.send(fd, process.sendBuffer, messageBytes, 0) >= 0)
        {
            process.runQueue(core[fd]).wake(sender(fd));
        }
        else if (posix.errno() == Errno.EAGAIN)
        {
            posix.watch(fd, POLLOUT, this);
        }
        else
        {
            finish(fd, -1);
        }
    }

    /* Receives requests and sends a response for each one complete; a client's close ends the connection. */
    private void answer(final int fd)
    {
        while (true)
        {
            while (responseLeft[fd] > 0)
            {
                final int sent = posix.send(fd, process.sendBuffer, responseLeft[fd], 0);
                if (sent < 0)
                {
                    if (posix.errno() == Errno.EAGAIN)
                    {
                        posix.watch(fd, POLLOUT, this);
                        return;
                    }
                    finish(fd, -1);
                    return;
                }
                responseLeft[fd] -= sent;
            }
            final int received = posix.recv(fd, process.receiveBuffer, HostProcess.RECEIVE_BYTES, 0);
            if (received <= 0)
            {
                if (received < 0 && posix.errno() == Errno.EAGAIN)
                {
                    posix.watch(fd, POLLIN, this);
                    return;
                }
                finish(fd, received);
                return;
            }
            requestReceived[fd] += received;
            while (requestReceived[fd] >= requestBytes)
            {
                requestReceived[fd] -= requestBytes;
                responseLeft[fd] += responseBytes;
            }
        }
    }

    /* The client closed (0) or the connection failed (-1, errno set): close our end. */
    private void finish(final int fd, final int result)
    {
        if (result < 0)
        {
            meter.error(posix.errno());
        }
        posix.close(fd);
        connection[fd] = -1;
    }
}
