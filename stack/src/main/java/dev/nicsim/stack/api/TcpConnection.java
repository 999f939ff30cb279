package dev.nicsim.stack.api;

import dev.nicsim.stack.NetworkStack;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.sock.Socket;

import java.lang.foreign.MemorySegment;

/**
 * A TCP connection: {@link #connect} like {@code java.net.Socket}'s, blocking reads and writes, and
 * {@link #abort()} for an abortive close (SO_LINGER 0: RST).
 *
 * <pre>{@code
 * try (TcpConnection c = TcpConnection.open(stack)) {
 *     c.connect(Ipv4Address.parse("10.0.0.2"), 80);   // throws ErrnoException(ECONNREFUSED) ...
 *     c.send(request, 0, request.length);
 * }
 * }</pre>
 */
public final class TcpConnection extends JavaSocket
{
    TcpConnection(final NetworkStack stack, final Socket socket)
    {
        super(stack, socket);
    }

    /** A new, unconnected TCP socket. */
    public static TcpConnection open(final NetworkStack stack) throws ErrnoException
    {
        return new TcpConnection(stack, open(stack, SocketConstants.SOCK_STREAM));
    }

    /**
     * Connects to {@code ip:port}. Blocking (the default) returns once established or throws with the real cause
     * (ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH, EADDRNOTAVAIL...); non-blocking throws EINPROGRESS and
     * the connection completes in the background (see {@link #poll()} and {@link #takeError()}).
     */
    public void connect(final int ip, final int port) throws ErrnoException
    {
        connectTo(ip, port);
    }

    /** The peer's port (getpeername), or throws ENOTCONN. */
    public int remotePort() throws ErrnoException
    {
        check("getpeername", layer.name(socket, true, name));
        return name[1];
    }

    /**
     * Sends all of {@code data[offset, offset+length)} (blocking) and returns the count. One copy, into the socket's
     * send buffer; allocation-free when the same array is passed again (see {@link #view}).
     */
    public int send(final byte[] data, final int offset, final int length) throws ErrnoException
    {
        return send(view(data, offset, length), offset, length);
    }

    /** Sends from any memory segment: one copy into the socket's send buffer. */
    public int send(final MemorySegment data, final long offset, final int length) throws ErrnoException
    {
        stack.enterSyscall();
        try
        {
            return check("send", layer.send(socket, data, offset, length, 0, null, 0, 0));
        }
        finally
        {
            stack.exitSyscall();
        }
    }

    /**
     * Reads up to {@code length} bytes; returns the count, or -1 at end of stream. One copy, out of the socket's
     * receive buffer; allocation-free when the same array is passed again.
     */
    public int receive(final byte[] data, final int offset, final int length) throws ErrnoException
    {
        return receive(view(data, offset, length), offset, length);
    }

    /** Reads into any memory segment: one copy out of the socket's receive buffer. Returns -1 at end of stream. */
    public int receive(final MemorySegment data, final long offset, final int length) throws ErrnoException
    {
        stack.enterSyscall();
        try
        {
            final int count = check("recv", layer.receive(socket, data, offset, length, 0, null));
            return count == 0 && length > 0 ? -1 : count;
        }
        finally
        {
            stack.exitSyscall();
        }
    }

    /** shutdown(SHUT_WR): sends a FIN after queued data. */
    public void shutdownOutput() throws ErrnoException
    {
        stack.enterSyscall();
        try
        {
            check("shutdown", layer.shutdown(socket, SocketConstants.SHUT_WR));
        }
        finally
        {
            stack.exitSyscall();
        }
    }

    /** TCP_NODELAY. */
    public void setNoDelay(final boolean on) throws ErrnoException
    {
        setOption(SocketConstants.IPPROTO_TCP, SocketConstants.TCP_NODELAY, on ? 1 : 0);
    }

    /** Abortive close: SO_LINGER {on, 0} then close, so a connected socket sends RST. */
    public void abort()
    {
        layer.setLinger(socket, true, 0);
        close();
    }
}
