package dev.nicsim.stack.tcp;

/** The RFC 9293 §3.3.2 connection states. */
public enum TcpState
{
    CLOSED,
    LISTEN,
    SYN_SENT,
    SYN_RECEIVED,
    ESTABLISHED,
    FIN_WAIT_1,
    FIN_WAIT_2,
    CLOSE_WAIT,
    CLOSING,
    LAST_ACK,
    TIME_WAIT;

    /** True once both SYNs have been exchanged (RFC 9293's "synchronized" states). */
    public boolean synchronizedState()
    {
        return ordinal() >= ESTABLISHED.ordinal();
    }

    /** True while a connection attempt waits for the handshake: SYN_SENT or SYN_RECEIVED. */
    public boolean handshaking()
    {
        return this == SYN_SENT || this == SYN_RECEIVED;
    }
}
