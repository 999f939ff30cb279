package dev.nicsim.stack.udp;

import dev.nicsim.stack.sock.Socket;
import dev.nicsim.stack.sock.SocketMemory;

/** A datagram socket: the common socket and the count of datagrams queued in its receive buffer. */
public final class UdpSocket extends Socket
{
    /** How many datagrams sit in the receive buffer. */
    public int datagrams;

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
    }
}
