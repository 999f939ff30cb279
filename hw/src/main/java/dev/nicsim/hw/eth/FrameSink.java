package dev.nicsim.hw.eth;

import java.lang.foreign.MemorySegment;

/**
 * Receives Ethernet frames as they finish arriving (last bit in): destination MAC through FCS, no preamble. The bytes
 * are lent for the duration of the call only; a sink that keeps a frame copies it.
 */
@FunctionalInterface
public interface FrameSink
{
    void receiveFrame(MemorySegment frame, long offset, int length);

    /**
     * The same, with a hint from the wire: {@code fcsIntact} means the frame's last four bytes are the CRC-32 its
     * sending MAC computed over exactly the bytes before them, and nothing on the way could have changed a byte (a
     * plain cable, no fault stage). A sink that checks the FCS may then skip recomputing it: the check would pass.
     * Sinks that do not check it ignore the hint, as this default does.
     */
    default void receiveFrame(final MemorySegment frame, final long offset, final int length, final boolean fcsIntact)
    {
        receiveFrame(frame, offset, length);
    }
}
