package dev.nicsim.tools.workload;

import dev.nicsim.hw.eth.EthernetConfig;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.posix.ReadinessHandler;
import dev.nicsim.tools.config.PlatformParameters;
import dev.nicsim.tools.config.TestbedParameters;
import dev.nicsim.tools.testbed.Host;
import dev.nicsim.tools.testbed.Network;

import static dev.nicsim.tools.workload.Syscall.check;

/**
 * UDP streaming at line rate through both NICs: host A sendto()s datagrams sized to make Ethernet frames of a given
 * length, paced at the link's rate (one frame's wire time apart: preamble, frame, gap), and host B receives them
 * event-driven, draining its socket with non-blocking recv() each time it becomes readable. When A's CPU cannot send
 * that fast (small frames: a send costs more CPU time than the frame's wire time), A sends as fast as its CPU allows
 * instead. Each {@link #send()} is one datagram and the simulated time until the next one is due.
 */
public final class UdpStreamWorkload implements ReadinessHandler
{
    /** The receiver's port (discard). */
    public static final int PORT = 9;
    /** Ethernet header, IPv4 header, UDP header and FCS around the payload. */
    public static final int OVERHEAD_BYTES = 14 + 20 + 8 + 4;

    /** The largest untagged Ethernet frame with a 1500-byte MTU, FCS included. */
    public static final int MAX_FRAME_BYTES = 1518;

    private static final int RECEIVE_BUFFER = 2048;

    private final Simulator sim;
    private final Posix sender;
    private final Posix receiver;
    private final int senderSocket;
    private final long destination;
    private final long payload;
    private final int payloadBytes;
    private final long receiveBuffer;
    private final long intervalPs;
    private long nextSendAt;
    private long sent;
    private long refused;
    private long received;

    private UdpStreamWorkload(final Network network, final int frameBytes)
    {
        if (frameBytes < EthernetConfig.MIN_FRAME_BYTES || frameBytes > MAX_FRAME_BYTES)
        {
            throw new IllegalArgumentException("a UDP stream's frames are 64 to 1518 bytes (FCS included), got " +
                frameBytes);
        }
        final Host a = network.host('A');
        final Host b = network.host('B');
        this.sim = network.sim();
        this.sender = a.newProcess();
        this.receiver = b.newProcess();
        this.payloadBytes = frameBytes - OVERHEAD_BYTES;
        this.intervalPs = PlatformParameters.ethernet(network.settings()).wireTimePs(frameBytes);

        senderSocket = check(sender, "socket", sender.socket(SocketConstants.AF_INET, SocketConstants.SOCK_DGRAM, 0));
        destination = sender.memory().allocate(SocketConstants.SOCKADDR_IN_SIZE);
        sender.memory().putSockaddrIn(destination, SocketConstants.AF_INET, b.address(), PORT);
        payload = sender.memory().allocate(payloadBytes);

        final int receiverSocket = check(receiver, "socket", receiver.socket(SocketConstants.AF_INET,
            SocketConstants.SOCK_DGRAM | SocketConstants.SOCK_NONBLOCK, 0));
        final long any = receiver.memory().allocate(SocketConstants.SOCKADDR_IN_SIZE);
        receiver.memory().putSockaddrIn(any, SocketConstants.AF_INET, 0, PORT);
        check(receiver, "bind", receiver.bind(receiverSocket, any, SocketConstants.SOCKADDR_IN_SIZE));
        receiveBuffer = receiver.memory().allocate(RECEIVE_BUFFER);
        check(receiver, "watch", receiver.watch(receiverSocket, SocketConstants.POLLIN, this));
        nextSendAt = sim.now();
    }

    /** A stream of {@code frameBytes}-byte frames from A to B of the standard testbed (default settings). */
    public static UdpStreamWorkload throughNics(final int frameBytes)
    {
        return throughNics(Network.build(TestbedParameters.defaults(), 2), frameBytes);
    }

    /**
     * A stream of {@code frameBytes}-byte frames (64 to 1518, FCS included) from host A to host B of
     * {@code network}.
     */
    public static UdpStreamWorkload throughNics(final Network network, final int frameBytes)
    {
        return new UdpStreamWorkload(network, frameBytes);
    }

    /**
     * Sends one datagram, then runs the simulation until the next one is due. A datagram the stack has no room for
     * (ENOBUFS) is counted as refused. Allocates nothing once warm.
     *
     * @return the simulated time this took, in picoseconds
     */
    public long send()
    {
        final long start = sim.now();
        final int result = sender.sendto(senderSocket, payload, payloadBytes, 0, destination,
            SocketConstants.SOCKADDR_IN_SIZE);
        if (result == payloadBytes)
        {
            sent++;
        }
        else if (result < 0 && sender.errno() == Errno.ENOBUFS)
        {
            refused++;
        }
        else
        {
            check(sender, "sendto", result);
        }
        nextSendAt = Math.max(nextSendAt + intervalPs, sim.now());
        sim.run(nextSendAt);
        return sim.now() - start;
    }

    /** Receives everything queued, then waits for more. Runs on host B as an event. */
    @Override
    public void ready(final int socket, final int revents)
    {
        while (receiver.recv(socket, receiveBuffer, RECEIVE_BUFFER, SocketConstants.MSG_DONTWAIT) >= 0)
        {
            received++;
        }
        if (receiver.errno() != Errno.EAGAIN)
        {
            check(receiver, "recv", -1);
        }
        check(receiver, "watch", receiver.watch(socket, SocketConstants.POLLIN, this));
    }

    /** Datagrams A has sent. */
    public long sent()
    {
        return sent;
    }

    /** Datagrams A's stack had no room for. */
    public long refused()
    {
        return refused;
    }

    /** Datagrams B's program has received. */
    public long received()
    {
        return received;
    }

    /** Payload bytes of each datagram. */
    public int payloadBytes()
    {
        return payloadBytes;
    }

    /** The pace at line rate: one frame's wire time, in picoseconds. */
    public long intervalPs()
    {
        return intervalPs;
    }

    public Simulator sim()
    {
        return sim;
    }
}
