package dev.nicsim.stack.tcp;

import dev.nicsim.stack.sock.Socket;
import dev.nicsim.stack.sock.SocketMemory;

/**
 * A stream socket: the common socket with its TCP control block and, for a listener, its queues, as Linux's
 * {@code tcp_sock} embeds {@code inet_connection_sock} (with its {@code icsk_accept_queue}, here a
 * {@link ListenQueue}).
 */
public final class TcpSocket extends Socket
{
    /** The TCP control block, built once with the pooled socket. */
    public final Tcb tcb;

    /** A listener's SYN and accept queues; built by the socket's first listen(), null before. */
    public ListenQueue listenQueue;
    /** Next on the same port in the TCP listener table. */
    public TcpSocket nextListener;
    /** The listener an embryonic or unaccepted connection belongs to. */
    public TcpSocket parent;

    TcpSocket(final SocketMemory memory, final int sendBufferBytes, final int receiveBufferBytes, final TcpLayer tcp)
    {
        super(memory, sendBufferBytes, receiveBufferBytes);
        this.tcb = new Tcb(tcp, tcp.sentQueue, tcp.defaultCongestion());
        tcb.socket = this;
    }

    @Override
    public boolean listening()
    {
        return tcb.state == TcpState.LISTEN;
    }

    @Override
    public void reset()
    {
        super.reset();
        if (listenQueue != null)
        {
            listenQueue.clear();
        }
        nextListener = null;
        parent = null;
        tcb.reset();
    }
}
