package dev.nicsim.stack.iface;

/**
 * A flow's 32-bit hash from its 4-tuple, the same for every packet of the flow: what picks a transmit queue
 * ({@link Ipv4Output#claim(TxClaim, int, int, int, int, int)}, Linux's {@code skb_tx_hash}) and a GRO bucket. Linux
 * takes the hash the flow dissector computes over the addresses and ports ({@code __skb_get_hash}, a keyed jhash);
 * this stack has no key to hide, so the 4-tuple is mixed by MurmurHash3's finaliser, which spreads flows that differ
 * in one port alone.
 */
public final class FlowHash
{
    private FlowHash()
    {
    }

    /** The hash of the flow from {@code source}:{@code sourcePort} to {@code destination}:{@code destinationPort}. */
    public static int of(final int source, final int destination, final int sourcePort, final int destinationPort)
    {
        int h = source * 0x9E3779B1 ^ destination;
        h = h * 0x85EBCA6B ^ (sourcePort << 16 | destinationPort);
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        return h ^ h >>> 16;
    }
}
