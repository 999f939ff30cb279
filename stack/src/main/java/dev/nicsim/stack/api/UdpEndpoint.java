package dev.nicsim.stack.api;

import dev.nicsim.stack.NetworkStack;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.sock.Socket;

/** A UDP socket: datagrams to and from any peer, or a connected one. */
public final class UdpEndpoint extends JavaSocket
{
    private final int[] sender = new int[2];

    private UdpEndpoint(final NetworkStack stack, final Socket socket)
    {
        super(stack, socket);
    }

    public static UdpEndpoint open(final NetworkStack stack) throws ErrnoException
    {
        return new UdpEndpoint(stack, open(stack, SocketConstants.SOCK_DGRAM));
    }

    /** Records the peer (nothing is sent): EACCES for a broadcast address without SO_BROADCAST. */
    public void connect(final int ip, final int port) throws ErrnoException
    {
        connectTo(ip, port);
    }

    /** SO_BROADCAST. */
    public void setBroadcast(final boolean on) throws ErrnoException
    {
        setOption(SocketConstants.SOL_SOCKET, SocketConstants.SO_BROADCAST, on ? 1 : 0);
    }

    /** Sends one datagram to the connected peer (EDESTADDRREQ when there is none). */
    public int send(final byte[] data, final int offset, final int length) throws ErrnoException
    {
        return sendTo(data, offset, length, -1, 0);
    }

    /**
     * Sends one datagram to {@code ip:port}; {@code port} -1 means the connected peer. One copy, straight into the
     * frame; allocation-free when the same array is passed again.
     */
    public int sendTo(final byte[] data, final int offset, final int length, final int port, final int ip)
        throws ErrnoException
    {
        stack.enterSyscall();
        try
        {
            final boolean to = port >= 0;
            if (to)
            {
                putAddress(ip, port);
            }
            return check("sendto", layer.send(socket, view(data, offset, length), offset, length, 0,
                to ? address : null, 0, to ? SocketConstants.SOCKADDR_IN_SIZE : 0));
        }
        finally
        {
            stack.exitSyscall();
        }
    }

    /** Receives one datagram (blocking unless non-blocking); returns its length. See {@link #senderPort()}. */
    public int receive(final byte[] data, final int offset, final int length) throws ErrnoException
    {
        stack.enterSyscall();
        try
        {
            return check("recvfrom", layer.receive(socket, view(data, offset, length), offset, length, 0, sender));
        }
        finally
        {
            stack.exitSyscall();
        }
    }

    /** The source address of the last datagram received. */
    public int senderAddress()
    {
        return sender[0];
    }

    /** The source port of the last datagram received. */
    public int senderPort()
    {
        return sender[1];
    }
}
