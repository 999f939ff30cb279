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
    private final Event tick;
    private int fd;
    private boolean stopped;
    private long nextSendAt;
    /** The time this sender last let work waiting for its core go first, so that it yields once per time. */
    private long yieldedAt = -1;
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
        this.tick = new Event(name + (test == PerfTest.UDP_STREAM ? ".send" : ".timeout"), Component.TIMER,
            test == PerfTest.UDP_STREAM ? this::sendNext : this::requestLost);
    }

    void start()
    {
        fd = Syscall.check(posix, "socket", posix.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0));
        nextSendAt = sim.now();
        if (test == PerfTest.UDP_STREAM)
        {
            sendNext();
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
        // A sender that would find its core busy runs when the core frees instead, behind what is already waiting
        // there: an interrupt handler waits for a busy core the same way, and a sender that queued ahead of it each
        // time (its next datagram is always due before the core frees when the CPU is the bottleneck) would keep it
        // off the core for ever. Linux preempts the sender for the interrupt; the receive path then still runs.
        // A sender whose core frees just now (a CPU-bound sender's next datagram is due the moment its last send()
        // ends) yields once too: an interrupt handler that found the core busy is due at the same time but was
        // scheduled after this tick, and would otherwise be put behind the sender again at every send.
        final long free = process.host.cpu().busyUntil(posix.core());
        if (free > sim.now() || free == sim.now() && yieldedAt != free)
        {
            yieldedAt = free;
            sim.schedule(tick, free);
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
        sim.schedule(tick, nextSendAt);
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
