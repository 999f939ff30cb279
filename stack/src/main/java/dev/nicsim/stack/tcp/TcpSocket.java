package dev.nicsim.stack.tcp;

import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.sock.Socket;
import dev.nicsim.stack.sock.SocketMemory;

/**
 * A stream socket: the common socket with its TCP control block and, for a listener, its queues, as Linux's
 * {@code tcp_sock} embeds {@code inet_connection_sock} (with its {@code icsk_accept_queue}).
 */
public final class TcpSocket extends Socket
{
    /** The TCP control block, built once with the pooled socket. */
    public final Tcb tcb;

    /* Listening sockets: the accept queue (established, not yet accepted) and the count of embryonic children. */
    public int backlog;
    public TcpSocket[] acceptQueue = new TcpSocket[0];
    public int acceptHead;
    public int acceptCount;
    public int synQueueCount;
    /** The listener's SYN queue: request records waiting for the handshake's last ACK, oldest first. */
    public RequestSock synQueue;
    /** When the SYN queue last overflowed into SYN cookies ({@code tcp_synq_overflow}); cookies are valid 2 min. */
    public long synOverflowTime = Long.MIN_VALUE;
    /** Next on the same port in the TCP listener table. */
    public TcpSocket nextListener;
    /** The listener an embryonic or unaccepted connection belongs to. */
    public TcpSocket parent;

    TcpSocket(final SocketMemory memory, final int sendBufferBytes, final int receiveBufferBytes, final TcpLayer tcp)
    {
        super(SocketConstants.SOCK_STREAM, memory, sendBufferBytes, receiveBufferBytes);
        this.tcb = new Tcb(tcp);
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
        backlog = 0;
        acceptHead = 0;
        acceptCount = 0;
        synQueueCount = 0;
        synQueue = null;
        synOverflowTime = Long.MIN_VALUE;
        nextListener = null;
        parent = null;
        tcb.reset();
    }
}
