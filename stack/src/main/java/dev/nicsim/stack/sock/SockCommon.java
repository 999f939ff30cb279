package dev.nicsim.stack.sock;

/**
 * What every TCP or UDP endpoint the stack looks up by address shares, as Linux's {@code struct sock_common}: its
 * 4-tuple, and its place in its protocol's {@link PortTable}. A {@link Socket} is one; so are TCP's small records
 * for a connection in TIME_WAIT and for one in the SYN queue, which hold a port or a 4-tuple without the buffers,
 * timers and state of a socket.
 */
public abstract class SockCommon
{
    public int localAddress;
    public int localPort;
    public int remoteAddress;
    public int remotePort;
    public boolean reuseAddress;
    /** SO_REUSEPORT ({@code sk_reuseport}): sockets that all set it share a port; new flows are spread among them. */
    public boolean reusePort;
    /** The port was taken by connect()'s ephemeral search (Linux's bind bucket with fastreuse -1); set by
     *  {@link PortTable#add}. */
    public boolean portByConnect;

    /* Port table chain, doubly linked so that leaving it does not walk the port's other owners. */
    public SockCommon nextInPort;
    public SockCommon previousInPort;
    public boolean hashedPort;

    /** True for a listening socket: bind() shares a port with one only through SO_REUSEPORT. */
    public abstract boolean listening();

    /** Clears the fields above. */
    public void resetCommon()
    {
        localAddress = 0;
        localPort = 0;
        remoteAddress = 0;
        remotePort = 0;
        reuseAddress = false;
        reusePort = false;
        portByConnect = false;
        nextInPort = null;
        previousInPort = null;
        hashedPort = false;
    }
}
