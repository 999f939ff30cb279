package dev.nicsim.stack.context;

/**
 * Something that holds frames committed during an activity but not yet announced to its device: an interface. The
 * end of every activity ({@link StackContext#flushTransmit()}) rings each one's doorbell once.
 */
public interface Transmitter
{
    /** Announces what was committed since the last flush (one doorbell). */
    void flush();
}
