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
     * The same, with a hint from the wire: {@code fcsIntact} means the frame's FCS is good: its sending MAC computed it
     * over exactly the bytes before it, and nothing on the way could have changed a byte (a plain cable, no fault
     * stage). A sink that checks the FCS may then skip recomputing it: the check would pass. Sinks that do not check
     * it ignore the hint, as this default does.
     */
    default void receiveFrame(final MemorySegment frame, final long offset, final int length, final boolean fcsIntact)
    {
        receiveFrame(frame, offset, length);
    }

    /**
     * True if this sink never reads a frame's last four bytes when it is told {@code fcsIntact}. The sending MAC may
     * then leave them unwritten (see {@link EthernetLink.EthernetPort#fcsBytesRead()}): nobody would see them.
     */
    default boolean ignoresIntactFcs()
    {
        return false;
    }

    /** A sink taking every frame with the wire's hint in one method; a plain call passes {@code fcsIntact} false. */
    @FunctionalInterface
    interface Hinted extends FrameSink
    {
        @Override
        void receiveFrame(MemorySegment frame, long offset, int length, boolean fcsIntact);

        @Override
        default void receiveFrame(final MemorySegment frame, final long offset, final int length)
        {
            receiveFrame(frame, offset, length, false);
        }
    }
}
