package dev.nicsim.stack.tcp;

import org.bouncycastle.crypto.macs.SipHash;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The host secret's keyed hash: SipHash-2-4 from Bouncy Castle, as Linux uses SipHash for
 * {@code secure_tcp_seq} and {@code secure_ipv4_port_ephemeral}. One {@link SipHash} object is keyed once and
 * reused ({@code doFinal} resets it to the key), so hashing a connection's addresses allocates nothing.
 */
public final class SecretHash
{
    /** Domain separation between the uses of the one secret. */
    public static final int PURPOSE_ISN = 1;
    public static final int PURPOSE_PORT_OFFSET = 2;
    public static final int PURPOSE_TIMESTAMP_OFFSET = 3;

    private final SipHash mac = new SipHash(2, 4);

    public SecretHash(final long seed)
    {
        final byte[] key = new byte[16];
        long state = seed;
        for (int i = 0; i < 16; i++)
        {
            state = state * 6364136223846793005L + 1442695040888963407L;
            key[i] = (byte) (state >>> 56);
        }
        mac.init(new KeyParameter(key));
    }

    /** F(purpose, local address, remote address, local port, remote port) as 64 bits. */
    public long hash(final int purpose, final int localAddress, final int remoteAddress, final int localPort,
        final int remotePort)
    {
        mac.update((byte) purpose);
        putInt(localAddress);
        putInt(remoteAddress);
        putInt((localPort << 16) | (remotePort & 0xFFFF));
        return mac.doFinal();
    }

    private void putInt(final int value)
    {
        mac.update((byte) (value >>> 24));
        mac.update((byte) (value >>> 16));
        mac.update((byte) (value >>> 8));
        mac.update((byte) value);
    }
}
