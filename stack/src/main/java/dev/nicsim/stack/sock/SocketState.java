package dev.nicsim.stack.sock;

/**
 * The socket-level state, kept apart from the protocol's state as Linux keeps {@code sock->state} apart from
 * {@code sk->sk_state}. Only connect, shutdown and disconnect change it; packets and timers change the TCP state.
 * That split is what makes a repeated non-blocking connect() answer EINPROGRESS, EALREADY, 0 once, then EISCONN.
 */
public final class SocketState
{
    public static final int UNCONNECTED = 1;
    public static final int CONNECTING = 2;
    public static final int CONNECTED = 3;
    public static final int DISCONNECTING = 4;

    private SocketState()
    {
    }

    public static String name(final int state)
    {
        return switch (state)
        {
            case UNCONNECTED -> "SS_UNCONNECTED";
            case CONNECTING -> "SS_CONNECTING";
            case CONNECTED -> "SS_CONNECTED";
            case DISCONNECTING -> "SS_DISCONNECTING";
            default -> "SS_?" + state;
        };
    }
}
