package dev.nicsim.stack.sock;

import dev.nicsim.stack.context.SocketConstants;

/**
 * A socket's control block: what Linux keeps in {@code struct socket} and {@code struct sock}. It is a plain record
 * of state, read and written by the protocol layers (as kernel code reads a struct), so its fields are public;
 * applications use the POSIX facade or the Java API, never this class directly.
 *
 * <p>Each transport extends it with its own state, as Linux's {@code tcp_sock} and {@code udp_sock} embed
 * {@code struct sock}: {@code TcpSocket} (with its control block and listen queues) and {@code UdpSocket}. The
 * transports report readiness through the socket ({@link #readinessChanged()}), never by calling a layer above.
 *
 * <p>Sockets are pooled: closing one returns it to its stack's pool with its timers, and the next {@code socket()}
 * of the same type reuses it, so opening and closing connections allocates nothing once the pool has grown. Its
 * buffers hold memory only while they hold data ({@link ByteRing}).
 */
public abstract class Socket extends SockCommon
{
    /** Shutdown bits, as Linux's {@code RCV_SHUTDOWN} and {@code SEND_SHUTDOWN}. */
    public static final int RECEIVE_SHUTDOWN = 1;
    public static final int SEND_SHUTDOWN = 2;
    public static final int SHUTDOWN_MASK = 3;
    /**
     * A timeout of SO_SNDTIMEO/SO_RCVTIMEO set with negative seconds: Linux's timeo 0, with which the calls return at
     * once as in non-blocking mode.
     */
    public static final long NO_WAIT = -1;
    /** {@link #lingerSeconds} of an SO_LINGER without limit (a negative l_linger). */
    public static final int LINGER_FOREVER = -1;

    /**
     * The socket calls of its type ({@code sock->ops}), set by the socket layer when it hands the socket out; they
     * also say the type ({@link ProtoOps#type()}), so the socket keeps no field of its own for it.
     */
    public ProtoOps ops;
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
    /** IP_TOS and IP_TTL: the TOS byte and TTL of the socket's packets (Linux's inet->tos, uc_ttl). */
    public int ipTos;
    public int ipTtl = SocketConstants.DEFAULT_TTL;
    /** SO_PRIORITY ({@code sk_priority}), also set from IP_TOS: kept for the socket's packets; no qdisc reads it. */
    public int priority;
    /** SO_RCVLOWAT ({@code sk_rcvlowat}): the bytes a blocking stream read waits for and poll's POLLIN needs. */
    public int receiveLowWater = 1;
    /** SO_RCVBUF was set ({@code SOCK_RCVBUF_LOCK}): SO_RCVLOWAT neither grows the buffer nor passes half of it. */
    public boolean receiveBufferLocked;
    /** SO_OOBINLINE ({@code SOCK_URGINLINE}): a TCP read takes the urgent byte in line instead of stepping over it. */
    public boolean oobInline;
    /** SO_DONTROUTE ({@code SOCK_LOCALROUTE}): only a route without a gateway may reach the destination. */
    public boolean dontRoute;
    /** SO_LINGER: whether close() lingers, and how long ({@link #LINGER_FOREVER}, or 0 to reset the connection). */
    public boolean lingerOn;
    public int lingerSeconds;
    /** SO_SNDTIMEO; 0 waits forever, {@link #NO_WAIT} not at all. */
    public long sendTimeoutPs;
    /** SO_RCVTIMEO; 0 waits forever, {@link #NO_WAIT} not at all. */
    public long receiveTimeoutPs;

    /** Told when the poll state may have changed (an armed readiness watch), or null. */
    public ReadinessListener readinessListener;
    /** SO_SNDBUF as set on a socket without a send buffer (UDP sends straight into the frame); 0 when unset. */
    public int datagramSendBufferBytes;

    /** Pool link. */
    public Socket nextFree;

    protected Socket(final SocketMemory memory, final int sendBufferBytes, final int receiveBufferBytes)
    {
        this.sendBuffer = sendBufferBytes > 0 ? new ByteRing(memory, sendBufferBytes) : null;
        this.receiveBuffer = new ByteRing(memory, receiveBufferBytes);
    }

    /** Whether a send or connect returns rather than wait: O_NONBLOCK, or an SO_SNDTIMEO of {@link #NO_WAIT}. */
    public boolean sendsWithoutWaiting()
    {
        return nonBlocking || sendTimeoutPs == NO_WAIT;
    }

    /** Whether a receive or accept returns rather than wait: O_NONBLOCK, or an SO_RCVTIMEO of {@link #NO_WAIT}. */
    public boolean receivesWithoutWaiting()
    {
        return nonBlocking || receiveTimeoutPs == NO_WAIT;
    }

    /** Whether it is a stream socket; only for a socket handed out (one with its {@link #ops}). */
    public boolean isStream()
    {
        return ops.type() == SocketConstants.SOCK_STREAM;
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
        ipTos = 0;
        ipTtl = SocketConstants.DEFAULT_TTL;
        priority = 0;
        receiveLowWater = 1;
        receiveBufferLocked = false;
        oobInline = false;
        dontRoute = false;
        lingerOn = false;
        lingerSeconds = 0;
        sendTimeoutPs = 0;
        receiveTimeoutPs = 0;
        readinessListener = null;
        datagramSendBufferBytes = 0;
        if (sendBuffer != null)
        {
            sendBuffer.clear();
            sendBuffer.resetLimit();
        }
        receiveBuffer.clear();
        receiveBuffer.resetLimit();
    }

    /**
     * What {@code sk_clone_lock} copies from a listener to the connection it accepts: the buffer sizes and the socket
     * and IP level options.
     */
    public void inheritOptions(final Socket listener)
    {
        if (sendBuffer != null)
        {
            sendBuffer.setLimit(listener.sendBuffer.capacity());
        }
        receiveBuffer.setLimit(listener.receiveBuffer.capacity());
        receiveBufferLocked = listener.receiveBufferLocked;
        ipTos = listener.ipTos;
        ipTtl = listener.ipTtl;
        priority = listener.priority;
        receiveLowWater = listener.receiveLowWater;
        oobInline = listener.oobInline;
        dontRoute = listener.dontRoute;
        lingerOn = listener.lingerOn;
        lingerSeconds = listener.lingerSeconds;
    }

    /** The socket's poll state may have changed ({@code sk_data_ready}, {@code sk_state_change}): tells its
     *  readiness listener, if one is armed. */
    public final void readinessChanged()
    {
        final ReadinessListener listener = readinessListener;
        if (listener != null)
        {
            listener.readinessChanged(this);
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
