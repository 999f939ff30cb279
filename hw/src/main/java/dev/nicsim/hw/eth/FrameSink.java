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
}
