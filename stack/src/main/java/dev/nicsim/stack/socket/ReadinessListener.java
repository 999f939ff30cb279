package dev.nicsim.stack.socket;

/**
 * Told by the protocol layers whenever a socket's poll state may have changed (data or a connection arrived, send
 * room opened, the state or the pending error changed). It is how a readiness watch learns that its socket became
 * ready without anyone polling; the listener decides, from {@link SocketLayer#poll}, whether it did.
 */
public interface ReadinessListener
{
    void readinessChanged(Socket socket);
}
