package dev.nicsim.tools.workload.perf;

import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.tools.testbed.Host;

/**
 * A process a perf run starts on a host, pinned to one of its cores, in which the host's clients and UDP server sockets
 * placed on that core run, and on core 0 its TCP listener (netperf forks; here programs on one core share a descriptor
 * table, which changes nothing they measure). Its memory holds the buffers its programs send from and receive into, and scratch room for
 * getsockopt. Its senders take turns on their core through the host's run queue for that core, shared with the other
 * processes there.
 */
final class HostProcess
{
    /** recv() asks for up to this much at a time: what a socket's receive buffer holds at most by default. */
    static final int RECEIVE_BYTES = 64 * 1024;

    final Host host;
    final Posix posix;
    final long sendBuffer;
    final long receiveBuffer;
    /* The host's run queues, one per core. */
    private final CoreRunQueue[] runQueues;
    /* getsockopt(SO_ERROR)'s value and length. */
    private final long optionValue;
    private final long optionLength;

    HostProcess(final Host host, final CoreRunQueue[] runQueues, final int core, final int largestSend)
    {
        this.host = host;
        this.runQueues = runQueues;
        this.posix = host.newProcess();
        posix.setCore(core);
        this.sendBuffer = posix.memory().allocate(largestSend);
        this.receiveBuffer = posix.memory().allocate(RECEIVE_BYTES);
        this.optionValue = posix.memory().allocate(4);
        this.optionLength = posix.memory().allocate(4);
    }

    /** The run queue of the host's core {@code core}. */
    CoreRunQueue runQueue(final int core)
    {
        return runQueues[core];
    }

    /** A sockaddr_in for {@code address}:{@code port} in this process's memory. */
    long sockaddr(final int address, final int port)
    {
        final long pointer = posix.memory().allocate(SocketConstants.SOCKADDR_IN_SIZE);
        posix.memory().putSockaddrIn(pointer, SocketConstants.AF_INET, address, port);
        return pointer;
    }

    /** The pending error of a socket whose non-blocking connect() has finished: 0 when it connected. */
    int socketError(final int fd)
    {
        posix.memory().putInt(optionLength, 4);
        if (posix.getsockopt(fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_ERROR, optionValue, optionLength) < 0)
        {
            return posix.errno();
        }
        return posix.memory().getInt(optionValue);
    }
}
