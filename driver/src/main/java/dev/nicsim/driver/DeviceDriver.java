package dev.nicsim.driver;

import dev.nicsim.stack.device.NetDevice;

/**
 * What a host needs of an NS-1 driver, whichever language it is written in: the stack's {@link NetDevice} for queue
 * 0, plus its life cycle and the run-time controls the tools use. The built-in {@link NicDriver}, a Java driver found
 * through {@link DriverProvider} and a C driver hosted through FFM all implement it; {@link DriverFactory} picks one.
 *
 * <p>{@link #probe()} and {@link #shutdown()} block in simulated time (they poll the device): call them from set-up
 * code, outside events.
 */
public interface DeviceDriver extends NetDevice
{
    /** Identifies, resets and brings the device up in the datasheet's order (§8.1). */
    void probe();

    /** Brings the device down, DMA quiesced before memory is unmapped (§8.3). */
    void shutdown();

    /** Whether {@link #probe()} has brought the device up (and no shutdown since). */
    boolean isUp();

    /** Sets the interrupt throttling interval, in 256 ns units (0 turns it off), at run time. */
    void setItr(int units);

    /** The throttling interval last set, in 256 ns units. */
    int itr();

    /**
     * Runs of RX queue {@code queue}'s interrupt handler (those that waited for a busy core count once, when they
     * ran). Counted by the host side of every driver, so that perf can show the spread over queues whatever the
     * driver's language.
     */
    long rxInterrupts(int queue);

    /** Runs of TX queue {@code queue}'s interrupt handler, counted as {@link #rxInterrupts(int)}. */
    long txInterrupts(int queue);

    /** Runs of the link and error vector's handler. */
    long otherInterrupts();

    /** Runs of the RX queues' interrupt handlers, all queues. */
    default long rxInterrupts()
    {
        long sum = 0;
        for (int q = 0; q < rxQueues(); q++)
        {
            sum += rxInterrupts(q);
        }
        return sum;
    }

    /** Runs of the TX queues' interrupt handlers, all queues. */
    default long txInterrupts()
    {
        long sum = 0;
        for (int q = 0; q < txQueues(); q++)
        {
            sum += txInterrupts(q);
        }
        return sum;
    }

    /**
     * Programs the RSS hash key and, unless {@code table} is null, the indirection table (entry i names the RX queue
     * for hash values whose low 7 bits are i), as {@code ethtool -X} does through Linux's set_rxfh. Call it after
     * {@link #probe()}. A driver without this control throws: {@link #programsRss()} says, and
     * {@link DriverFactory#programsRss} says it before a driver exists.
     *
     * @throws DriverException          if the driver cannot program RSS
     * @throws IllegalArgumentException if a size is not the device's or an entry names a queue the driver does not use
     */
    default void setRss(final byte[] key, final int[] table)
    {
        throw new DriverException(this + " cannot program RSS: it has no set_rxfh control");
    }

    /** Whether {@link #setRss} programs what it is given (rather than throwing). */
    default boolean programsRss()
    {
        return false;
    }

    /** A device counter ({@code dev.nicsim.nic.regs.Counters}), read over MMIO as a driver must. */
    long readCounter(int counter);

    /**
     * The TX queue of a flow whose hash is {@code flowHash} among {@code queues}: the hash scaled onto the queues, as
     * Linux's skb_tx_hash does (reciprocal_scale) when no XPS map applies.
     */
    static int queueFor(final int flowHash, final int queues)
    {
        return (int) ((flowHash & 0xFFFF_FFFFL) * queues >>> 32);
    }
}
