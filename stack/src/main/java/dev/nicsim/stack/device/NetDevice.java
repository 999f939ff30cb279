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

    /** A short name for traces ("hostA.eth0"). */
    String name();

    /** The 48-bit MAC address in the low bits, first transmitted byte most significant. */
    long macAddress();

    /** Largest IP packet the device carries (1500 for standard Ethernet). */
    int mtu();

    /** {@link #FEATURE_TX_CHECKSUM} and/or {@link #FEATURE_RX_CHECKSUM}. */
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
}
