package dev.nicsim.stack.api;

import dev.nicsim.stack.NetworkStack;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.sock.Socket;

/** A listening TCP socket: bind, listen with a backlog, accept connections. */
public final class TcpListener extends JavaSocket
{
    private TcpListener(final NetworkStack stack, final Socket socket)
    {
        super(stack, socket);
    }

    /** Binds to {@code ip:port} (with SO_REUSEADDR) and listens with {@code backlog}. */
    public static TcpListener listen(final NetworkStack stack, final int ip, final int port, final int backlog)
        throws ErrnoException
    {
        final TcpListener listener = new TcpListener(stack, open(stack, SocketConstants.SOCK_STREAM));
        listener.setReuseAddress(true);
        listener.bind(ip, port);
        stack.enterSyscall();
        try
        {
            check("listen", stack.sockets().listen(listener.socket, backlog));
        }
        finally
        {
            stack.exitSyscall();
        }
        return listener;
    }

    /** The next established connection (blocking unless non-blocking, which throws EAGAIN when none is ready). */
    public TcpConnection accept() throws ErrnoException
    {
        stack.enterSyscall();
        try
        {
            final Socket child = layer.accept(socket, false);
            if (child == null)
            {
                throw new ErrnoException("accept", layer.lastError());
            }
            return new TcpConnection(stack, child);
        }
        finally
        {
            stack.exitSyscall();
        }
    }
}
