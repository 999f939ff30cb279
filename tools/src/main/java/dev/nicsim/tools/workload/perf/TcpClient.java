package dev.nicsim.tools.workload.perf;

import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.posix.ReadinessHandler;
import dev.nicsim.tools.measure.PerfMeter;

import static dev.nicsim.stack.context.SocketConstants.AF_INET;
import static dev.nicsim.stack.context.SocketConstants.POLLIN;
import static dev.nicsim.stack.context.SocketConstants.POLLOUT;
import static dev.nicsim.stack.context.SocketConstants.SOCKADDR_IN_SIZE;
import static dev.nicsim.stack.context.SocketConstants.SOCK_NONBLOCK;
import static dev.nicsim.stack.context.SocketConstants.SOCK_STREAM;

/**
 * One TCP flow's client, event-driven as a netperf client with non-blocking sockets: it connects, then sends bulk
 * data (TCP_STREAM), receives it (TCP_MAERTS), or runs one transaction after another (TCP_RR on one connection,
 * TCP_CRR with a new connection each). A transaction's latency runs from its first system call (socket() for CRR,
 * the request's send() for RR) to the return of the recv() that completes the response, as netperf times it.
 */
final class TcpClient implements ReadinessHandler
{
    /** After a failed connect (TCP_CRR out of ephemeral ports, say), the next try waits this long. */
    static final long RETRY_PS = Time.MS;

    private final PerfTest test;
    private final HostProcess process;
    private final Posix posix;
    private final Simulator sim;
    private final PerfMeter meter;
    private final long server;
    private final int messageBytes;
    private final int requestBytes;
    private final int responseBytes;
    private final int connection;
    private final Event retry;
    /* TCP_STREAM: the sender's turns on its core. */
    private final CoreRunQueue runQueue;
    private final CoreRunQueue.Task sender;
    private int fd = -1;
    private boolean connected;
    private boolean stopped;
    private int toSend;
    private int toReceive;
    private long transactionStart;

    TcpClient(final PerfTest test, final HostProcess process, final Simulator sim, final PerfMeter meter,
        final long server, final PerfOptions options, final String name)
    {
        this.test = test;
        this.process = process;
        this.posix = process.posix;
        this.sim = sim;
        this.meter = meter;
        this.server = server;
        this.messageBytes = options.messageBytes();
        this.requestBytes = options.requestBytes();
        this.responseBytes = options.responseBytes();
        this.connection = test == PerfTest.TCP_MAERTS ? meter.newConnection() : -1;
        this.retry = new Event(name + ".retry", Component.TIMER, this::open);
        this.runQueue = process.runQueue(posix.core());
        this.sender = new CoreRunQueue.Task(this::sendBulk);
    }

    /** Opens the flow's connection. */
    void start()
    {
        open();
    }

    /** Starts no new send or transaction from now on (what is under way finishes). */
    void stop()
    {
        stopped = true;
        sim.cancel(retry);
    }

    private void open()
    {
        if (stopped)
        {
            return;
        }
        transactionStart = sim.now();
        fd = posix.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (fd < 0)
        {
            failed();
            return;
        }
        if (posix.connect(fd, server, SOCKADDR_IN_SIZE) == 0)
        {
            established();
        }
        else if (posix.errno() == Errno.EINPROGRESS)
        {
            posix.watch(fd, POLLOUT, this);
        }
        else
        {
            failed();
        }
    }

    @Override
    public void ready(final int socket, final int revents)
    {
        if (!connected)
        {
            final int error = process.socketError(socket);
            if (error != 0)
            {
                meter.error(error);
                posix.close(socket);
                fd = -1;
                retryLater();
                return;
            }
            established();
            return;
        }
        switch (test)
        {
            case TCP_STREAM -> runQueue.wake(sender);
            case TCP_MAERTS -> receiveBulk();
            default -> transact();
        }
    }

    private void established()
    {
        connected = true;
        switch (test)
        {
            case TCP_STREAM -> runQueue.wake(sender);
            case TCP_MAERTS -> receiveBulk();
            default -> request();
        }
    }

    /*
     * TCP_STREAM: one send() per turn on the core while the socket takes data (interrupts and the other senders on
     * the core go between two), then sleep until it has room.
     */
    private void sendBulk()
    {
        if (stopped)
        {
            return;
        }
        if (posix.send(fd, process.sendBuffer, messageBytes, 0) >= 0)
        {
            runQueue.wake(sender);
        }
        else if (posix.errno() == Errno.EAGAIN)
        {
            posix.watch(fd, POLLOUT, this);
        }
        else
        {
            failed();
        }
    }

    /* TCP_MAERTS: take everything the server has sent. */
    private void receiveBulk()
    {
        int received;
        while ((received = posix.recv(fd, process.receiveBuffer, HostProcess.RECEIVE_BYTES, 0)) > 0)
        {
            meter.received(connection, received);
        }
        if (received == 0 || posix.errno() != Errno.EAGAIN)
        {
            failed();
            return;
        }
        posix.watch(fd, POLLIN, this);
    }

    /* RR and CRR: the next request (a CRR transaction's clock started at socket()). */
    private void request()
    {
        if (test == PerfTest.TCP_RR)
        {
            transactionStart = sim.now();
        }
        toSend = requestBytes;
        toReceive = responseBytes;
        transact();
    }

    /* Sends what is left of the request, then receives the response; waits wherever the socket is not ready. */
    private void transact()
    {
        while (toSend > 0)
        {
            final int sent = posix.send(fd, process.sendBuffer, toSend, 0);
            if (sent < 0)
            {
                if (posix.errno() == Errno.EAGAIN)
                {
                    posix.watch(fd, POLLOUT, this);
                }
                else
                {
                    failed();
                }
                return;
            }
            toSend -= sent;
        }
        while (toReceive > 0)
        {
            final int received = posix.recv(fd, process.receiveBuffer, Math.min(toReceive,
                HostProcess.RECEIVE_BYTES), 0);
            if (received <= 0)
            {
                if (received < 0 && posix.errno() == Errno.EAGAIN)
                {
                    posix.watch(fd, POLLIN, this);
                }
                else
                {
                    failed();
                }
                return;
            }
            toReceive -= received;
        }
        meter.transaction(sim.now() - transactionStart);
        if (test == PerfTest.TCP_CRR)
        {
            posix.close(fd);
            fd = -1;
            connected = false;
            open();
        }
        else if (!stopped)
        {
            request();
        }
    }

    /* An unexpected end: count the errno (or a peer's early close, as ECONNRESET), drop the connection. */
    private void failed()
    {
        meter.error(posix.errno() != 0 ? posix.errno() : Errno.ECONNRESET);
        if (fd >= 0)
        {
            posix.close(fd);
            fd = -1;
        }
        connected = false;
        retryLater();
    }

    /* TCP_CRR goes on with a new connection after a pause; the other tests' single connection is gone for good. */
    private void retryLater()
    {
        if (test == PerfTest.TCP_CRR && !stopped)
        {
            sim.scheduleIn(retry, RETRY_PS);
        }
    }
}
