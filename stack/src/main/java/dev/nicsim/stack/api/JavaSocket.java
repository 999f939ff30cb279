package dev.nicsim.stack.api;

import dev.nicsim.stack.NetworkStack;
import dev.nicsim.stack.context.SockaddrIn;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.sock.Socket;
import dev.nicsim.stack.socket.SocketLayer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * What every socket of the Java API shares: the stack, the socket, a small native buffer for addresses, and the
 * rule that each method is one system call (CPU cost and flush included) that either returns or throws an
 * {@link ErrnoException}. Methods must be called from outside simulation events; blocking ones run the simulation.
 */
public abstract class JavaSocket implements AutoCloseable
{
    protected final NetworkStack stack;
    protected final SocketLayer layer;
    protected final Socket socket;
    protected final MemorySegment address = Arena.ofAuto().allocate(SocketConstants.SOCKADDR_IN_SIZE, 8);
    protected final int[] name = new int[2];
    private boolean closed;
    /* The segment view of the last byte[] passed in: a program that reuses its array allocates nothing. */
    private byte[] viewedArray;
    private MemorySegment arrayView;

    protected JavaSocket(final NetworkStack stack, final Socket socket)
    {
        this.stack = stack;
        this.layer = stack.sockets();
        this.socket = socket;
    }

    /** Opens a socket of {@code type} with one system call. */
    protected static Socket open(final NetworkStack stack, final int type) throws ErrnoException
    {
        stack.enterSyscall();
        try
        {
            final Socket socket = stack.sockets().create(SocketConstants.AF_INET, type, 0);
            if (socket == null)
            {
                throw new ErrnoException("socket", stack.sockets().lastError());
            }
            return socket;
        }
        finally
        {
            stack.exitSyscall();
        }
    }

    /** Fills the address buffer with an AF_INET sockaddr_in. */
    protected final void putAddress(final int ip, final int port)
    {
        if (port < 0 || port > 65535)
        {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        SockaddrIn.put(address, 0, SocketConstants.AF_INET, ip, port);
    }

    /**
     * A memory segment over {@code data}, after checking that {@code [offset, offset + length)} lies inside it. The
     * view of the last array is kept (and so is the array, until another one is passed), so calls with the same
     * array allocate nothing; each new array costs one small view object.
     *
     * @throws IndexOutOfBoundsException when the range does not fit the array
     */
    protected final MemorySegment view(final byte[] data, final int offset, final int length)
    {
        Objects.checkFromIndexSize(offset, length, data.length);
        if (data != viewedArray)
        {
            viewedArray = data;
            arrayView = MemorySegment.ofArray(data);
        }
        return arrayView;
    }

    /** Throws for a negative layer result, else returns it. */
    protected static int check(final String call, final int result) throws ErrnoException
    {
        if (result < 0)
        {
            throw new ErrnoException(call, -result);
        }
        return result;
    }

    /** connect(2) to {@code ip:port}: one system call, blocking unless the socket is non-blocking. */
    protected final void connectTo(final int ip, final int port) throws ErrnoException
    {
        addressCall(true, ip, port);
    }

    /** Binds to {@code ip:port} (0 for any address or an ephemeral port). */
    public final void bind(final int ip, final int port) throws ErrnoException
    {
        addressCall(false, ip, port);
    }

    /** The one system call that passes {@code ip:port} as a sockaddr_in: connect(2), or else bind(2). */
    private void addressCall(final boolean connect, final int ip, final int port) throws ErrnoException
    {
        stack.enterSyscall();
        try
        {
            putAddress(ip, port);
            if (connect)
            {
                check("connect", layer.connect(socket, address, 0, SocketConstants.SOCKADDR_IN_SIZE));
            }
            else
            {
                check("bind", layer.bind(socket, address, 0, SocketConstants.SOCKADDR_IN_SIZE));
            }
        }
        finally
        {
            stack.exitSyscall();
        }
    }

    /** SO_REUSEADDR. */
    public final void setReuseAddress(final boolean on) throws ErrnoException
    {
        setOption(SocketConstants.SOL_SOCKET, SocketConstants.SO_REUSEADDR, on ? 1 : 0);
    }

    protected final void setOption(final int level, final int option, final int value) throws ErrnoException
    {
        stack.enterSyscall();
        try
        {
            check("setsockopt", layer.setOption(socket, level, option, value));
        }
        finally
        {
            stack.exitSyscall();
        }
    }

    /** The bound local port (getsockname). */
    public final int localPort()
    {
        layer.name(socket, false, name);
        return name[1];
    }

    /** The bound local address (getsockname). */
    public final int localAddress()
    {
        layer.name(socket, false, name);
        return name[0];
    }

    /** The pending socket error, read and cleared (SO_ERROR); 0 when none. */
    public final int takeError()
    {
        return (int) layer.getOption(socket, SocketConstants.SOL_SOCKET, SocketConstants.SO_ERROR);
    }

    /** Non-blocking mode (O_NONBLOCK): calls that would wait throw EAGAIN or EINPROGRESS instead. */
    public final void setNonBlocking(final boolean on)
    {
        socket.nonBlocking = on;
    }

    /** poll(2) events now ({@link SocketConstants#POLLIN} ...). */
    public final int poll()
    {
        return layer.poll(socket);
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        stack.enterSyscall();
        try
        {
            layer.close(socket);
        }
        finally
        {
            stack.exitSyscall();
        }
    }
}
