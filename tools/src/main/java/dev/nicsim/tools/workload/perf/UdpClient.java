package dev.nicsim.tools.workload.perf;

import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
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
 * One UDP flow's client. UDP_STREAM sends a datagram each time the previous one's frame has left the wire at line
 * rate (or as soon as the CPU allows when it is slower than the wire), counting datagrams the stack refused (netperf
 * counts its send failures too). UDP_RR sends a request, waits for the response, and sends the next; a request or
 * response lost on the way is given up after {@link #LOSS_TIMEOUT_PS} and counted, where netperf would hang.
 */
final class UdpClient implements ReadinessHandler
{
    /** How long UDP_RR waits for a response before it counts the transaction as lost and sends the next request. */
    static final long LOSS_TIMEOUT_PS = 100 * Time.MS;

    private final PerfTest test;
    private final HostProcess process;
    private final Posix posix;
    private final Simulator sim;
    private final PerfMeter meter;
    private final long server;
    private final int messageBytes;
    private final int requestBytes;
    private final long intervalPs;
    /* UDP_STREAM: the sender's turns on its core, and the tick that wakes it when its next datagram is due. */
    private final CoreRunQueue runQueue;
    private final CoreRunQueue.Task sender;
    private final Event tick;
    private int fd;
    private boolean stopped;
    private long nextSendAt;
    private long transactionStart;

    UdpClient(final PerfTest test, final HostProcess process, final Simulator sim, final PerfMeter meter,
        final long server, final PerfOptions options, final long intervalPs, final String name)
    {
        this.test = test;
        this.process = process;
        this.posix = process.posix;
        this.sim = sim;
        this.meter = meter;
        this.server = server;
        this.messageBytes = options.messageBytes();
        this.requestBytes = options.requestBytes();
        this.intervalPs = intervalPs;
        this.runQueue = process.runQueue(posix.core());
        this.sender = new CoreRunQueue.Task(this::sendNext);
        this.tick = new Event(name + (test == PerfTest.UDP_STREAM ? ".send" : ".timeout"), Component.TIMER,
            test == PerfTest.UDP_STREAM ? () -> runQueue.wake(sender) : this::requestLost);
    }

    void start()
    {
        fd = Syscall.check(posix, "socket", posix.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0));
        nextSendAt = sim.now();
        if (test == PerfTest.UDP_STREAM)
        {
            runQueue.wake(sender);
        }
        else
        {
            request();
        }
    }

    void stop()
    {
        stopped = true;
        sim.cancel(tick);
    }

    private void sendNext()
    {
        if (stopped)
        {
            return;
        }
        if (posix.sendto(fd, process.sendBuffer, messageBytes, 0, server, SOCKADDR_IN_SIZE) >= 0)
        {
            meter.datagramSent();
        }
        else if (posix.errno() == Errno.ENOBUFS || posix.errno() == Errno.EAGAIN)
        {
            meter.sendFailed();
        }
        else
        {
            meter.error(posix.errno());
            return;
        }
        nextSendAt = Math.max(nextSendAt + intervalPs, sim.now());
        if (nextSendAt > sim.now())
        {
            sim.schedule(tick, nextSendAt);
        }
        else
        {
            runQueue.wake(sender);
        }
    }

    private void request()
    {
        if (stopped)
        {
            return;
        }
        transactionStart = sim.now();
        if (posix.sendto(fd, process.sendBuffer, requestBytes, 0, server, SOCKADDR_IN_SIZE) < 0)
        {
            meter.error(posix.errno());
            return;
        }
        meter.datagramSent();
        sim.reschedule(tick, sim.now() + LOSS_TIMEOUT_PS);
        posix.watch(fd, POLLIN, this);
    }

    private void requestLost()
    {
        meter.transactionLost();
        request();
    }

    @Override
    public void ready(final int socket, final int revents)
    {
        boolean answered = false;
        while (posix.recv(fd, process.receiveBuffer, HostProcess.RECEIVE_BYTES, 0) >= 0)
        {
            answered = true;
        }
        if (posix.errno() != Errno.EAGAIN)
        {
            meter.error(posix.errno());
            return;
        }
        if (!answered)
        {
            posix.watch(fd, POLLIN, this);
            return;
        }
        sim.cancel(tick);
        meter.transaction(sim.now() - transactionStart);
        request();
    }
}
