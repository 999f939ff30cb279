package dev.nicsim.stack.tcp;

import org.bouncycastle.crypto.macs.SipHash;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The host secret's keyed hash: SipHash-2-4 from Bouncy Castle, as Linux uses SipHash for
 * {@code secure_tcp_seq} and {@code secure_ipv4_port_ephemeral}. One {@link SipHash} object is keyed once and
 * reused ({@code doFinal} resets it to the key), and the 13 input bytes go through one reused array in one
 * {@code update} call (byte-at-a-time updates cost several times more), so hashing allocates nothing.
 *
 * <p>Each purpose remembers its last input and value: connections to one peer hash the same port-offset and
 * timestamp-offset input again and again, and a SipHash costs tens of nanoseconds.
 */
public final class SecretHash
{
    /** Domain separation between the uses of the one secret. */
    public static final int PURPOSE_ISN = 1;
    public static final int PURPOSE_PORT_OFFSET = 2;
    public static final int PURPOSE_TIMESTAMP_OFFSET = 3;
    /** SYN cookies: Linux's {@code cookie_hash(..., 0, 0)} and {@code cookie_hash(..., count, 1)}. */
    public static final int PURPOSE_COOKIE = 4;
    public static final int PURPOSE_COOKIE_COUNT = 5;

    private static final int INPUT_LENGTH = 13;
    private static final int WIDE_INPUT_LENGTH = 17;

    private final SipHash mac = new SipHash(2, 4);
    private final byte[] input = new byte[WIDE_INPUT_LENGTH];
    private final int[] lastPurpose = {-1, -1, -1, -1};
    private final int[] lastLocal = new int[4];
    private final int[] lastRemote = new int[4];
    private final int[] lastPorts = new int[4];
    private final long[] lastValue = new long[4];

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
        final int ports = (localPort << 16) | (remotePort & 0xFFFF);
        final int slot = purpose & 3;
        if (lastPurpose[slot] == purpose && lastLocal[slot] == localAddress && lastRemote[slot] == remoteAddress &&
            lastPorts[slot] == ports)
        {
            return lastValue[slot];
        }
        input[0] = (byte) purpose;
        putInt(1, localAddress);
        putInt(5, remoteAddress);
        putInt(9, ports);
        mac.update(input, 0, INPUT_LENGTH);
        final long value = mac.doFinal();
        lastPurpose[slot] = purpose;
        lastLocal[slot] = localAddress;
        lastRemote[slot] = remoteAddress;
        lastPorts[slot] = ports;
        lastValue[slot] = value;
        return value;
    }

    /** F with a fifth input (a SYN cookie's minute counter), not remembered: every SYN has its own tuple. */
    public long hash(final int purpose, final int localAddress, final int remoteAddress, final int localPort,
        final int remotePort, final int extra)
    {
        input[0] = (byte) purpose;
        putInt(1, localAddress);
        putInt(5, remoteAddress);
        putInt(9, (localPort << 16) | (remotePort & 0xFFFF));
        putInt(13, extra);
        mac.update(input, 0, WIDE_INPUT_LENGTH);
        return mac.doFinal();
    }

    /** Big-endian: the byte order the hash values are defined with. */
    private void putInt(final int at, final int value)
    {
        input[at] = (byte) (value >>> 24);
        input[at + 1] = (byte) (value >>> 16);
        input[at + 2] = (byte) (value >>> 8);
        input[at + 3] = (byte) value;
    }
}
