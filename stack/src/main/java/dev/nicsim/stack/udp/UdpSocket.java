package dev.nicsim.stack.udp;

import dev.nicsim.stack.sock.Socket;
import dev.nicsim.stack.sock.SocketMemory;

/** A datagram socket: the common socket, the count of datagrams queued in its receive buffer, SO_KEEPALIVE. */
public final class UdpSocket extends Socket
{
    /** How many datagrams sit in the receive buffer. */
    public int datagrams;
    /** SO_KEEPALIVE: kept for getsockopt only (Linux's SOCK_KEEPOPEN); nothing times a datagram socket out. */
    public boolean keepalive;

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
    }
}
