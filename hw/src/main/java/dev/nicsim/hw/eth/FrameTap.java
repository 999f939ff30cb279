package dev.nicsim.hw.eth;

import java.lang.foreign.MemorySegment;

/**
 * Watches frames going onto a wire, without changing them (a pcap writer, a tracer). {@code time} is when the first
 * byte after the preamble and SFD starts on the wire; {@code direction} names the sending end. The bytes are lent for
 * the call only.
 */
@FunctionalInterface
public interface FrameTap
{
    void frameOnWire(String direction, long time, MemorySegment frame, long offset, int length);
}
