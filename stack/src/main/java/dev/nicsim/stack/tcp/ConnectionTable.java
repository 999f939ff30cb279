package dev.nicsim.stack.tcp;

import dev.nicsim.stack.sock.SockCommon;

/**
 * TCP connections by 4-tuple, as Linux's established hash: sockets, TIME_WAIT records and SYN-queue requests alike
 * ({@link SockCommon}), so one probe finds whichever a segment belongs to. Open addressing with linear probing over
 * a {@code long} key packing the remote address, remote port and local port; the local address is checked on the
 * entry itself (a host with several addresses can have keys that collide). Removal shifts later entries back, so no tombstones accumulate. Grows by
 * doubling when half full; lookups and steady-state insert/remove allocate nothing.
 */
public final class ConnectionTable
{
    private long[] keys = new long[1024];
    private SockCommon[] values = new SockCommon[1024];
    private int mask = 1023;
    private int size;

    public static long key(final int remoteAddress, final int remotePort, final int localPort)
    {
        return ((long) remoteAddress << 32) | ((long) remotePort << 16) | localPort;
    }

    public int size()
    {
        return size;
    }

    /** The endpoint for the 4-tuple, or null. */
    public SockCommon find(final int localAddress, final int localPort, final int remoteAddress, final int remotePort)
    {
        final long key = key(remoteAddress, remotePort, localPort);
        for (int i = index(key); values[i] != null; i = (i + 1) & mask)
        {
            if (keys[i] == key && values[i].localAddress == localAddress)
            {
                return values[i];
            }
        }
        return null;
    }

    public void add(final SockCommon socket)
    {
        if (size * 2 >= values.length)
        {
            grow();
        }
        insert(key(socket.remoteAddress, socket.remotePort, socket.localPort), socket);
        size++;
    }

    public void remove(final SockCommon socket)
    {
        final long key = key(socket.remoteAddress, socket.remotePort, socket.localPort);
        int i = index(key);
        while (values[i] != null && values[i] != socket)
        {
            i = (i + 1) & mask;
        }
        if (values[i] == null)
        {
            return;
        }
        values[i] = null;
        size--;
        for (int j = (i + 1) & mask; values[j] != null; j = (j + 1) & mask)
        {
            final int home = index(keys[j]);
            // Move j back to the hole at i when its home position does not lie cyclically in (i, j].
            if (((j - home) & mask) >= ((j - i) & mask))
            {
                keys[i] = keys[j];
                values[i] = values[j];
                values[j] = null;
                i = j;
            }
        }
    }

    private void insert(final long key, final SockCommon socket)
    {
        int i = index(key);
        while (values[i] != null)
        {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = socket;
    }

    private void grow()
    {
        final long[] oldKeys = keys;
        final SockCommon[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new SockCommon[oldValues.length * 2];
        mask = keys.length - 1;
        for (int i = 0; i < oldValues.length; i++)
        {
            if (oldValues[i] != null)
            {
                insert(oldKeys[i], oldValues[i]);
            }
        }
    }

    private int index(final long key)
    {
        final long mixed = key * 0x9E37_79B9_7F4A_7C15L;
        return (int) (mixed >>> 40) & mask;
    }
}
