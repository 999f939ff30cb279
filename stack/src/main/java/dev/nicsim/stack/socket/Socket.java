package dev.nicsim.stack.socket;

import dev.nicsim.stack.tcp.RequestSock;
import dev.nicsim.stack.tcp.Tcb;
import dev.nicsim.stack.tcp.TcpState;

/**
 * A socket's control block: what Linux keeps in {@code struct socket} and {@code struct sock}. It is a plain record
 * of state, read and written by the protocol layers (as kernel code reads a struct), so its fields are public;
 * applications use the POSIX facade or the Java API, never this class directly.
 *
 * <p>Sockets are pooled: closing one returns it to its stack's pool with its timers, and the next {@code socket()}
 * of the same type reuses it, so opening and closing connections allocates nothing once the pool has grown. Its
 * buffers hold memory only while they hold data ({@link ByteRing}).
 */
public final class Socket extends SockCommon
{
    /** Shutdown bits, as Linux's {@code RCV_SHUTDOWN} and {@code SEND_SHUTDOWN}. */
    public static final int RECEIVE_SHUTDOWN = 1;
    public static final int SEND_SHUTDOWN = 2;
    public static final int SHUTDOWN_MASK = 3;

    /** {@link SocketConstants#SOCK_STREAM} or {@link SocketConstants#SOCK_DGRAM}. */
    public final int type;
    /** The TCP control block of a stream socket; null for datagram sockets. Internal to the module. */
    @SuppressWarnings("exports")
    public final Tcb tcb;
    public final ByteRing sendBuffer;
    public final ByteRing receiveBuffer;

    /** True from socket() (or accept()) until the last close. */
    public boolean open;
    /** True while the application holds it (an fd or a Java object); false once closed or never handed out. */
    public boolean owned;
    /** Socket-level state, {@link SocketState}. */
    public int state;
    public boolean nonBlocking;
    /** Pending error ({@code sk_err}), positive errno or 0: consumed by the first reader. */
    public int error;
    /** Soft error ({@code sk_err_soft}): reported by SO_ERROR when no hard error is pending, and by timeouts. */
    public int softError;
    /** {@link #RECEIVE_SHUTDOWN} and {@link #SEND_SHUTDOWN} bits. */
    public int shutdown;
    /** Set when the peer's FIN (or a completed close) means no more data will come ({@code SOCK_DONE}). */
    public boolean done;

    /** bind() chose the address ({@code SOCK_BINDADDR_LOCK}): disconnect keeps it. */
    public boolean addressLocked;
    /** bind() chose the port ({@code SOCK_BINDPORT_LOCK}): disconnect keeps it, connect never shares it. */
    public boolean portLocked;
    public boolean broadcast;
    public boolean lingerOn;
    public int lingerSeconds;
    /** SO_SNDTIMEO; 0 waits forever. */
    public long sendTimeoutPs;
    /** SO_RCVTIMEO; 0 waits forever. */
    public long receiveTimeoutPs;

    /* Listening sockets: the accept queue (established, not yet accepted) and the count of embryonic children. */
    public int backlog;
    public Socket[] acceptQueue = new Socket[0];
    public int acceptHead;
    public int acceptCount;
    public int synQueueCount;
    /** The listener's SYN queue: request records waiting for the handshake's last ACK, oldest first. */
    @SuppressWarnings("exports")
    public RequestSock synQueue;
    /** When the SYN queue last overflowed into SYN cookies ({@code tcp_synq_overflow}); cookies are valid 2 min. */
    public long synOverflowTime = Long.MIN_VALUE;
    /** Next on the same port in the TCP listener table. */
    public Socket nextListener;
    /** The listener an embryonic or unaccepted connection belongs to. */
    public Socket parent;

    /* Datagram sockets: how many datagrams sit in the receive buffer. */
    public int datagrams;

    /** Told when the poll state may have changed (an armed readiness watch), or null. */
    public ReadinessListener readinessListener;

    /** Pool link. */
    public Socket nextFree;

    @SuppressWarnings("exports")
    @Override
    public boolean listening()
    {
        return tcb != null && tcb.state == TcpState.LISTEN;
    }

    public Socket(final int type, final SocketMemory memory, final int sendBufferBytes, final int receiveBufferBytes,
        final Tcb tcb)
    {
        this.type = type;
        this.tcb = tcb;
        this.sendBuffer = sendBufferBytes > 0 ? new ByteRing(memory, sendBufferBytes) : null;
        this.receiveBuffer = new ByteRing(memory, receiveBufferBytes);
    }

    public boolean isStream()
    {
        return type == SocketConstants.SOCK_STREAM;
    }

    /** Resets every field to a fresh socket's, keeping the buffers' memory and the timers. */
    public void reset()
    {
        resetCommon();
        open = false;
        owned = false;
        state = SocketState.UNCONNECTED;
        nonBlocking = false;
        error = 0;
        softError = 0;
        shutdown = 0;
        done = false;
        addressLocked = false;
        portLocked = false;
        broadcast = false;
        lingerOn = false;
        lingerSeconds = 0;
        sendTimeoutPs = 0;
        receiveTimeoutPs = 0;
        backlog = 0;
        acceptHead = 0;
        acceptCount = 0;
        synQueueCount = 0;
        synQueue = null;
        synOverflowTime = Long.MIN_VALUE;
        nextListener = null;
        parent = null;
        datagrams = 0;
        readinessListener = null;
        if (sendBuffer != null)
        {
            sendBuffer.clear();
        }
        receiveBuffer.clear();
        if (tcb != null)
        {
            tcb.reset();
        }
    }

    /** Takes the pending error and clears it ({@code sock_error}): positive errno or 0. */
    public int takeError()
    {
        final int taken = error;
        error = 0;
        return taken;
    }
}
