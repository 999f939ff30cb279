package dev.nicsim.stack.tcp;

/**
 * A listener's queues, as Linux's {@code request_sock_queue} in {@code inet_connection_sock}: the SYN queue
 * (request records waiting for the handshake's last ACK, newest first, plus the count of embryonic children that
 * already became sockets) and the accept queue (established connections not yet accepted, oldest first), both
 * bounded by the backlog. Built on the first listen() of a socket and kept with it in the pool.
 */
public final class ListenQueue
{
    private static final TcpSocket[] EMPTY = new TcpSocket[0];

    private int backlog;
    private TcpSocket[] accepted = EMPTY;
    private int acceptHead;
    private int acceptCount;
    /** Requests in the SYN queue and SYN_RECEIVED children: what {@code inet_csk_reqsk_queue_len} counts. */
    private int synQueueCount;
    private RequestSock synQueue;
    /** When the SYN queue last overflowed into SYN cookies ({@code tcp_synq_overflow}); cookies are valid 2 min. */
    private long synOverflowTime = Long.MIN_VALUE;

    /** listen(2)'s backlog, already capped by {@code somaxconn}: both queues hold up to {@code backlog + 1}. */
    void setBacklog(final int limit)
    {
        backlog = limit + 1;
        if (accepted.length < backlog)
        {
            accepted = new TcpSocket[backlog];
        }
    }

    /** Empties both queues' counts (the socket goes back to its pool). */
    void clear()
    {
        backlog = 0;
        acceptHead = 0;
        acceptCount = 0;
        synQueueCount = 0;
        synQueue = null;
        synOverflowTime = Long.MIN_VALUE;
    }

    /* SYN queue. */

    public int synQueueCount()
    {
        return synQueueCount;
    }

    boolean synQueueFull()
    {
        return synQueueCount >= backlog;
    }

    /** The newest request, or null. */
    RequestSock newestRequest()
    {
        return synQueue;
    }

    void addRequest(final RequestSock request)
    {
        request.nextInQueue = synQueue;
        if (synQueue != null)
        {
            synQueue.previousInQueue = request;
        }
        synQueue = request;
        synQueueCount++;
    }

    void removeRequest(final RequestSock request)
    {
        if (request.previousInQueue == null)
        {
            synQueue = request.nextInQueue;
        }
        else
        {
            request.previousInQueue.nextInQueue = request.nextInQueue;
        }
        if (request.nextInQueue != null)
        {
            request.nextInQueue.previousInQueue = request.previousInQueue;
        }
        request.previousInQueue = null;
        request.nextInQueue = null;
        synQueueCount--;
    }

    /** A request became an embryonic child socket, which the SYN queue counts until it is established. */
    void embryoAdded()
    {
        synQueueCount++;
    }

    /** An embryonic child was established or dropped. */
    void embryoGone()
    {
        synQueueCount--;
    }

    void synOverflowed(final long now)
    {
        synOverflowTime = now;
    }

    /** True while a cookie sent at {@link #synOverflowed} may still come back ({@code tcp_synq_no_recent_overflow}). */
    boolean recentlyOverflowed(final long now)
    {
        return synOverflowTime != Long.MIN_VALUE && now - synOverflowTime < SynCookies.VALID_PS;
    }

    /* Accept queue. */

    public int acceptCount()
    {
        return acceptCount;
    }

    boolean acceptFull()
    {
        return acceptCount >= backlog;
    }

    void addAccepted(final TcpSocket child)
    {
        accepted[(acceptHead + acceptCount) % accepted.length] = child;
        acceptCount++;
    }

    /** The oldest established connection, or null. */
    TcpSocket takeAccepted()
    {
        if (acceptCount == 0)
        {
            return null;
        }
        final TcpSocket child = accepted[acceptHead];
        accepted[acceptHead] = null;
        acceptHead = (acceptHead + 1) % accepted.length;
        acceptCount--;
        return child;
    }
}
