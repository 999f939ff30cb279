package dev.nicsim.stack.device;

import java.lang.foreign.MemorySegment;

/**
 * A network interface as the stack sees it: a MAC address, a link, and zero-copy transmit and receive of Ethernet
 * frames. Drivers implement it; so does the stack's own paired device, for tests without a NIC model.
 *
 * <h2>Transmit, zero-copy</h2>
 * <ol>
 *   <li>{@link #txReserve()} hands out a slot, or {@link #NO_SLOT} when the ring is full (back-pressure: the stack
 *   keeps the packet queued and tries again after {@link FrameReceiver#txSpaceAvailable()}).</li>
 *   <li>The stack writes the frame (destination MAC through payload, no FCS: the MAC adds it and pads short frames)
 *   straight into {@link #txMemory()} at {@link #txOffset(int)}, at most {@link #txCapacity()} bytes.</li>
 *   <li>{@link #txCommit} gives the length and, optionally, a checksum to insert: the device sums from
 *   {@code checksumStart} to the end of the frame (ones' complement, starting from whatever is in the checksum field,
 *   so the stack puts the pseudo-header sum there) and stores the complement at {@code checksumOffset}.</li>
 *   <li>{@link #txFlush()} tells the device about everything committed since the last flush: one doorbell per
 *   burst. The stack flushes once at the end of each system call and each receive batch.</li>
 * </ol>
 * A slot belongs to the stack from reserve to commit, then to the device. Every reserved slot must be committed
 * (a zero-length commit is not allowed; the stack reserves only when it has a frame).
 *
 * <h2>Receive, zero-copy</h2>
 * The device calls {@link FrameReceiver#receiveFrame} for each frame, with the frame lent in place in host memory for
 * the duration of the call only, then {@link FrameReceiver#receiveBatchDone()} at the end of each batch.
 *
 * <h2>Several queues (multi-queue NICs)</h2>
 * A device with {@link #txQueues()} &gt; 1 has a ring per queue. {@link #txReserve()} is queue 0;
 * {@link #txReserveOn(int)} takes a slot of a given queue, and {@link #txQueueFor(int)} is the device's choice of
 * queue for a flow (as Linux's XPS / {@code skb_tx_hash}). A slot number names its queue as well as its buffer, so
 * {@link #txOffset}, {@link #txCommit} and the TSO calls take it as it is; {@link #txFlush()} rings one doorbell per
 * queue that has something new. Received frames carry their RX queue
 * ({@link FrameReceiver#receiveFrame(MemorySegment, long, int, int, int)}).
 *
 * <h2>TCP segmentation offload (TSO)</h2>
 * With {@link #FEATURE_TSO} the stack may hand over one TCP/IPv4 segment of up to {@link #tsoMaxBytes()} bytes
 * (Ethernet, IPv4 and TCP headers plus payload) with its MSS; the device sends it as MSS-sized frames:
 * {@link #txReserveTso(int, int)}, write the segment at {@link #txOffset(int)}, {@link #txCommitTso}.
 *
 * <p>All calls happen on the simulation thread, inside events or system calls; none may block.
 */
public interface NetDevice
{
    /** Returned by {@link #txReserve()} when every transmit slot is in use. */
    int NO_SLOT = -1;

    /** Feature bit: the device inserts checksums at commit's offsets. */
    int FEATURE_TX_CHECKSUM = 1;
    /** Feature bit: the device reports a raw ones'-complement sum of each received frame's payload. */
    int FEATURE_RX_CHECKSUM = 1 << 1;
    /** Feature bit: the device segments TCP/IPv4 ({@link #txReserveTso}, {@link #txCommitTso}). */
    int FEATURE_TSO = 1 << 2;

    /** A short name for traces ("hostA.eth0"). */
    String name();

    /** The 48-bit MAC address in the low bits, first transmitted byte most significant. */
    long macAddress();

    /** Largest IP packet the device carries (1500 for standard Ethernet). */
    int mtu();

    /** {@link #FEATURE_TX_CHECKSUM}, {@link #FEATURE_RX_CHECKSUM}, {@link #FEATURE_TSO}. */
    int features();

    boolean linkUp();

    /** Where received frames and link changes go. Set once, before the device is started. */
    void setReceiver(FrameReceiver receiver);

    /** A transmit slot, or {@link #NO_SLOT}. */
    int txReserve();

    /** The memory holding every transmit buffer (one segment for all slots: no slice per frame). */
    MemorySegment txMemory();

    /** Where slot {@code slot}'s buffer starts in {@link #txMemory()}. */
    long txOffset(int slot);

    /** Size of every transmit buffer in bytes. */
    int txCapacity();

    /**
     * Hands a written frame to the device. {@code checksumOffset} &lt; 0 asks for no checksum insertion; otherwise the
     * device needs {@link #FEATURE_TX_CHECKSUM}.
     */
    void txCommit(int slot, int length, int checksumStart, int checksumOffset);

    /** Tells the device about all frames committed since the last flush. */
    void txFlush();

    /* ---------------------------------------------------------------------------------------------------------- */
    /* Multi-queue and TSO: defaults are those of a single-queue device without TSO.                              */

    /** Transmit queues, numbered 0 to txQueues() - 1. */
    default int txQueues()
    {
        return 1;
    }

    /** Receive queues, numbered 0 to rxQueues() - 1: the numbers {@link FrameReceiver} reports frames with. */
    default int rxQueues()
    {
        return 1;
    }

    /**
     * The transmit queue the device picks for a flow whose 32-bit hash is {@code flowHash} (any value that is the same
     * for every packet of the flow): always the same queue for the same hash.
     */
    default int txQueueFor(final int flowHash)
    {
        return 0;
    }

    /**
     * A transmit slot of queue {@code queue}, or {@link #NO_SLOT} when that queue's ring is full (then
     * {@link FrameReceiver#txSpaceAvailable()} follows).
     *
     * @throws IllegalArgumentException if the queue does not exist
     */
    default int txReserveOn(final int queue)
    {
        if (queue != 0)
        {
            throw new IllegalArgumentException(name() + " has one TX queue; queue " + queue + " does not exist");
        }
        return txReserve();
    }

    /** Largest TSO segment, Ethernet header through payload; 0 without {@link #FEATURE_TSO}. */
    default int tsoMaxBytes()
    {
        return 0;
    }

    /**
     * A slot of queue {@code queue} for one TSO segment of exactly {@code length} bytes (Ethernet header through
     * payload, at most {@link #tsoMaxBytes()}), written at {@link #txOffset(int)} like a frame, or {@link #NO_SLOT}.
     *
     * @throws IllegalStateException if the device lacks {@link #FEATURE_TSO}
     */
    default int txReserveTso(final int queue, final int length)
    {
        throw new IllegalStateException(name() + " does not offer TSO (FEATURE_TSO)");
    }

    /**
     * Hands a written TSO segment to the device, which sends it as frames of {@code headerLength} bytes of headers
     * (Ethernet, IPv4 and TCP with options; copied into every frame) and at most {@code mss} bytes of payload.
     * {@code length} is the one given to {@link #txReserveTso}. The segment is written as the stack would send it as
     * one packet, except that its TCP checksum field holds the pseudo-header sum of the addresses and protocol with a
     * TCP length of 0 (as Linux's {@code tcp_v4_send_check} prepares a GSO packet); the device gives each frame its
     * IPv4 total length, an IPv4 ID incremented per frame from the segment's, sequence number, flags (CWR only on the
     * first frame, FIN and PSH only on the last) and both checksums.
     *
     * @throws IllegalStateException if the device lacks {@link #FEATURE_TSO}
     */
    default void txCommitTso(final int slot, final int length, final int headerLength, final int mss)
    {
        throw new IllegalStateException(name() + " does not offer TSO (FEATURE_TSO)");
    }
}
