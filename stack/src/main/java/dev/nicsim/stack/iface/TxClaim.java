package dev.nicsim.stack.iface;

import dev.nicsim.stack.device.NetDevice;

import java.lang.foreign.MemorySegment;

/**
 * One outgoing IPv4 packet being built in place, owned by the sender (as Aeron's {@code BufferClaim}): the sender
 * claims room for its transport bytes ({@link Ipv4Output#claim}), which writes the Ethernet and IP headers into a
 * transmit slot (or a held buffer), writes its header and payload at {@link #transportOffset()} in
 * {@link #memory()}, and commits ({@link Ipv4Output#commit}). Each sender keeps one and reuses it, so nothing is
 * allocated per packet, and a packet sent while another is being built (an ICMP error, say) cannot disturb it.
 */
public final class TxClaim
{
    MemorySegment memory;
    long frame;
    int length;
    int slot;
    int held;
    int source;
    int destination;
    int protocol;
    /* The flow's hash (picks the TX queue) and, for a TSO segment, the MSS the device cuts it at (else 0). */
    int flowHash;
    int tsoMss;
    /* The IPv4 header's TOS byte and TTL (the sending socket's IP_TOS and IP_TTL). */
    int tos;
    int ttl;
    NetworkInterface iface;

    /** The memory the packet is being built in. */
    public MemorySegment memory()
    {
        return memory;
    }

    /** Where the transport header goes in {@link #memory()}. */
    public long transportOffset()
    {
        return frame + Ipv4Layer.HEADERS;
    }

    /** The source address chosen for the packet. */
    public int source()
    {
        return source;
    }

    /** True when the device will insert the transport checksum. */
    public boolean deviceChecksums()
    {
        return held < 0 && (iface.device().features() & NetDevice.FEATURE_TX_CHECKSUM) != 0;
    }
}
