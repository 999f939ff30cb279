package dev.nicsim.stack.sock;

import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.context.StackConfig;

import java.util.SplittableRandom;

/**
 * The host's ephemeral ports ({@code ip_local_port_range}), shared by TCP and UDP as Linux's {@code inet_csk_get_port}
 * and {@code __inet_hash_connect} share it: bind() to port 0, listen() without bind() and UDP's autobind take a free
 * port, odd ones first; connect() takes one by RFC 6056 Algorithm 4 (double hash), even ones first, from a keyed
 * per-destination offset plus a perturbation entry that moves past each port taken, so that successive connects to
 * one destination do not search the ports taken before. Seeded from the stack's seed: same seed, same ports.
 */
public final class EphemeralPorts
{
    /** Whether connect() may use a port for its destination: the protocol's 4-tuple check. */
    public interface ConnectCheck
    {
        boolean usable(int port);
    }

    private static final int PERTURB_SIZE = 1 << 16;

    private final int low;
    private final int high;
    private final SplittableRandom random;
    private final int[] perturb = new int[PERTURB_SIZE];

    public EphemeralPorts(final StackConfig config)
    {
        this.low = config.ephemeralLow();
        this.high = config.ephemeralHigh() + 1;
        this.random = new SplittableRandom(config.seed() ^ 0x5DEECE66DL);
    }

    /** {@code inet_csk_get_port} for port 0: a free port of {@code table}, odd ones first. 0 or -EADDRINUSE. */
    public int bindAny(final SockCommon socket, final PortTable table, final int address)
    {
        final int remaining = high - low;
        int offset = random.nextInt(remaining) | 1;
        for (int pass = 0; pass < 2; pass++)
        {
            for (int i = 0; i < remaining; i += 2)
            {
                final int port = low + (offset + i) % remaining;
                if (table.isFree(port))
                {
                    socket.localAddress = address;
                    table.add(socket, port, false);
                    return 0;
                }
            }
            offset++;
        }
        return -Errno.EADDRINUSE;
    }

    /**
     * {@code __inet_hash_connect}'s search: from {@code portOffset} (the keyed hash of the destination, RFC 6056
     * F(local, remote, remote port)) and its perturbation entry, the first port {@code check} accepts, even ones
     * first. Returns the port, or -EADDRNOTAVAIL.
     */
    public int connectPort(final long portOffset, final ConnectCheck check)
    {
        int remaining = high - low;
        if (remaining > 1)
        {
            remaining &= ~1;
        }
        final int index = (int) portOffset & (PERTURB_SIZE - 1);
        int offset = (int) Long.remainderUnsigned((perturb[index] & 0xFFFF_FFFFL) + (portOffset >>> 32), remaining);
        offset &= ~1;
        while (true)
        {
            int port = low + offset;
            for (int i = 0; i < remaining; i += 2, port += 2)
            {
                if (port >= high)
                {
                    port -= remaining;
                }
                if (check.usable(port))
                {
                    // Linux: a little randomness in the next start when uncontended, none when contended.
                    final int step = Math.max(i, random.nextInt(8) * 2);
                    perturb[index] += step + 2;
                    return port;
                }
            }
            offset++;
            if ((offset & 1) == 0 || remaining <= 1)
            {
                return -Errno.EADDRNOTAVAIL;
            }
        }
    }
}
