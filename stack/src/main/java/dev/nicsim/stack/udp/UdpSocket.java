package dev.nicsim.stack.udp;

import dev.nicsim.stack.sock.Socket;
import dev.nicsim.stack.sock.SocketMemory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A datagram socket: the common socket, the count of datagrams queued in its receive buffer, SO_KEEPALIVE. */
public final class UdpSocket extends Socket
{
    /** How many datagrams sit in the receive buffer. */
    public int datagrams;
    /** SO_KEEPALIVE: kept for getsockopt only (Linux's SOCK_KEEPOPEN); nothing times a datagram socket out. */
    public boolean keepalive;
    /** UDP_CORK: sends build one datagram until the option is taken out. */
    public boolean cork;
    /**
     * The datagram being built by sends with MSG_MORE or under UDP_CORK ({@code up->pending}): whether there is one,
     * its bytes so far, and where it goes (the first send's destination).
     */
    boolean corkPending;
    int corkLength;
    int corkSource;
    int corkAddress;
    int corkPort;
    /** Room for the datagram being built, taken the first time a socket corks. */
    MemorySegment corkData = MemorySegment.NULL;

    UdpSocket(final SocketMemory memory, final int receiveBufferBytes)
    {
        super(memory, 0, receiveBufferBytes);
    }

    @Override
    public boolean listening()
    {
        return false;
    }

    @Override
    public void reset()
    {
        super.reset();
        datagrams = 0;
        keepalive = false;
        cork = false;
        corkPending = false;
        corkLength = 0;
    }
}
