package dev.nicsim.stack.sock;

/**
 * Told by the protocol layers whenever a socket's poll state may have changed (data or a connection arrived, send
 * room opened, the state or the pending error changed). It is how a readiness watch learns that its socket became
 * ready without anyone polling; the listener decides, from the socket layer's {@code poll}, whether it did. It is
 * armed on the socket ({@link Socket#readinessListener}) and called by {@link Socket#readinessChanged()}.
 */
public interface ReadinessListener
{
    void readinessChanged(Socket socket);
}
