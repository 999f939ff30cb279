package dev.nicsim.stack.sock;

import java.lang.foreign.MemorySegment;

/**
 * The socket calls of one socket type, as Linux's {@code struct proto_ops}: {@code inet_stream_ops} for TCP,
 * {@code inet_dgram_ops} for UDP. A socket's operations are chosen once, when it is made ({@link Socket#ops}, as
 * {@code inet_create} sets {@code sock->ops} from its {@code inetsw} table), so the socket layer never asks a socket
 * its type. The socket layer makes the checks every type shares before it calls these (address length and family,
 * shutdown's {@code how}, the option level); each returns a count or {@code -errno}, and one that waits runs the
 * simulation until the socket is ready, with the socket's SO_SNDTIMEO or SO_RCVTIMEO.
 */
public interface ProtoOps
{
    /** SOCK_STREAM or SOCK_DGRAM. */
    int type();

    /** IPPROTO_TCP or IPPROTO_UDP: the protocol socket() accepts for this type, and the option level it owns. */
    int protocol();

    /** A fresh socket of this type, or null when the host's socket limit is reached (ENFILE). */
    Socket allocate();

    /** The port table bind() takes a port in. */
    PortTable ports();

    /** Whether bind() may bind the socket now, its port aside: Linux's {@code sk_state == TCP_CLOSE}. */
    boolean bindable(Socket socket);

    /** connect(2) once the address length (at least 2) and its {@code family} were read. */
    int connect(Socket socket, MemorySegment address, long offset, int length, int family);

    /** listen(2). */
    int listen(Socket socket, int backlog);

    /**
     * accept(2): the next established connection, waiting for one unless {@code nonBlocking}. Null with the errno in
     * {@code errno[0]}.
     */
    Socket accept(Socket listener, boolean nonBlocking, int[] errno);

    /**
     * send(2)/sendto(2) with send's {@code flags} (MSG_MORE, MSG_DONTROUTE as the type reads them); {@code address}
     * null (or {@code addressLength} 0) sends to the connected peer.
     */
    int send(Socket socket, MemorySegment data, long offset, int length, boolean nonBlocking, int flags,
        MemorySegment address, long addressOffset, int addressLength);

    /**
     * recv(2)/recvfrom(2) without waiting: bytes, 0 at the end, or -errno; -EAGAIN when nothing is there yet, which the
     * socket layer waits out until {@link #receiveReady}. {@code from} gets the sender's address and port.
     * {@code flags} are recv's: MSG_PEEK leaves the data, MSG_TRUNC as the type reads it.
     */
    int receive(Socket socket, MemorySegment data, long offset, int length, int flags, int[] from);

    /**
     * The bytes a blocking receive of {@code length} with {@code flags} waits to have read, reading as they come
     * (Linux's {@code sock_rcvlowat}: on a byte stream SO_RCVLOWAT's, or all with MSG_WAITALL; a datagram read is one
     * datagram, so 1).
     */
    int receiveTarget(Socket socket, int flags, int length);

    /** SO_RCVLOWAT, already read as Linux's {@code sock_setsockopt} does (a negative value is INT_MAX). */
    void setReceiveLowWater(Socket socket, int bytes);

    /**
     * send(2) with MSG_OOB, before anything is sent: {@code -errno}, or 0 when the send goes on as without the flag.
     */
    int sendOutOfBand(Socket socket, int length);

    /** What {@link #receiveOutOfBand} answers when the receive goes on as without MSG_OOB. */
    int IN_BAND = Integer.MIN_VALUE;

    /**
     * recv(2) with MSG_OOB: the bytes read out of band into {@code data} (never waiting), {@code -errno}, or
     * {@link #IN_BAND} when the type ignores the flag.
     */
    int receiveOutOfBand(Socket socket, MemorySegment data, long offset, int length, int flags);

    /**
     * Whether the byte {@code ahead} bytes from the head of the receive queue is urgent: a read that has read
     * something stops there ({@code tcp_recvmsg}).
     */
    boolean atUrgentMark(Socket socket, int ahead);

    /**
     * What a receive waiting on the socket wakes for: data beyond the {@code seen} bytes a peek has already seen (on a
     * byte stream, enough for SO_RCVLOWAT), an error, the end of the stream, or of the socket.
     */
    boolean receiveReady(Socket socket, int seen);

    /** shutdown(2) with {@code bits}, {@link Socket#RECEIVE_SHUTDOWN} and {@link Socket#SEND_SHUTDOWN}. */
    int shutdown(Socket socket, int bits);

    /** close(2) of the last reference ({@code release}). */
    void release(Socket socket);

    /** The poll(2) events of the socket now. */
    int poll(Socket socket);

    /**
     * getsockopt(2) at the level this type owns ({@link #protocol()}): the value's four bytes as an unsigned number
     * (so a negative value such as TCP_LINGER2's -1 is not an error), or -errno.
     */
    long getOption(Socket socket, int name);

    /**
     * ioctl(2) of the protocol ({@code tcp_ioctl}, {@code udp_ioctl}): the int it answers (>= 0), or -errno
     * (ENOTTY for a request the protocol does not know).
     */
    int ioctl(Socket socket, int request);

    /** getsockopt(TCP_CONGESTION): the algorithm's name, or null when the type has no congestion control. */
    String congestion(Socket socket);

    /** setsockopt(TCP_CONGESTION): 0 or -errno (ENOPROTOOPT when the type has no congestion control). */
    int setCongestion(Socket socket, String name);

    /** setsockopt(2) at the level this type owns ({@link #protocol()}): 0 or -errno. */
    int setOption(Socket socket, int name, int value);

    /**
     * getsockopt(TCP_INFO): the protocol's {@code struct tcp_info} ({@code tcp_get_info}) written to {@code out},
     * which has room for it; its length, or -errno (a datagram socket does not own the level: EOPNOTSUPP).
     */
    int info(Socket socket, MemorySegment out);

    /** SO_KEEPALIVE ({@code SOCK_KEEPOPEN}): TCP starts or stops its keepalive timer ({@code sk_prot->keepalive}). */
    void setKeepalive(Socket socket, boolean on);

    /** Whether SO_KEEPALIVE is on. */
    boolean keepalive(Socket socket);

    /** Whether the socket listens (SO_ACCEPTCONN: {@code sk_state == TCP_LISTEN}). */
    boolean listening(Socket socket);

    /** Whether getpeername(2) may name the peer the socket holds ({@code inet_getname}). */
    boolean peerKnown(Socket socket);
}
