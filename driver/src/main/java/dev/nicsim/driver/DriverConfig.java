package dev.nicsim.driver;

import dev.nicsim.hw.sim.Time;

/**
 * The driver's parameters. Each is validated here, so a bad value fails at construction with what was wrong.
 *
 * @param txRingSize        TX descriptors, a multiple of 8 from 8 to 4096. Default 256.
 * @param rxRingSize        RX descriptors, a multiple of 8 from 8 to 4096. Default 512.
 * @param txBufferBytes     bytes of each TX buffer (one per descriptor), 64 to 65536. Default 2048.
 * @param rxBufferBytes     bytes of each RX buffer: 256, 512, 1024 or 2048 (RCTL.BSIZE). Default 2048. Probe refuses
 *                          a size that cannot hold the device's largest frame.
 * @param napiBudget        most frames one poll hands to the stack before it yields. Default 64 (Linux's).
 * @param itr               initial interrupt throttling interval of every vector, in 256 ns units (0 = none).
 *                          Default 0: every interrupt is sent at once, which is what latency measurements want.
 * @param resetTimeoutPs    how long probe polls CTRL.RST before giving up. Default 10 ms.
 * @param quiesceTimeoutPs  how long shutdown polls STATUS.GIO_MASTER_ENABLED before giving up. Default 10 ms.
 * @param fault             a deliberate mistake to make (for showing how the device reacts), or
 *                          {@link DriverFault#NONE}. Default NONE.
 * @param itrMode           whether {@code itr} stays as set or follows the traffic ({@link ItrMode#ADAPTIVE}: the
 *                          driver then starts at 20 000 interrupts per second, and {@code itr} is not used).
 *                          Default STATIC.
 * @param queues            queue pairs to use (TX and RX queue q share MSI-X roles by number), 1 to 8; fewer if the
 *                          device has fewer. With more than one the driver programs RSS (key, indirection table
 *                          spreading the queues evenly, as Linux's ethtool_rxfh_indir_default) and picks a TX queue
 *                          per flow. Default 1: queue 0 only, RSS off.
 * @param tso               whether to offer TSO to the stack when the device has it (FEATURES.TSO); the driver then
 *                          keeps {@link #TSO_BUFFERS} buffers of {@link #TSO_BUFFER_BYTES} bytes per TX queue.
 *                          Default false.
 */
public record DriverConfig(int txRingSize, int rxRingSize, int txBufferBytes, int rxBufferBytes, int napiBudget,
                           int itr, long resetTimeoutPs, long quiesceTimeoutPs, DriverFault fault, ItrMode itrMode,
                           int queues, boolean tso)
{
    /** The largest TSO segment the driver takes: 64 KiB of payload and up to 128 bytes of headers. */
    public static final int TSO_BUFFER_BYTES = 65536 + 128;
    /** TSO buffers per TX queue (a segment holds one from reserve until its descriptors are reclaimed). */
    public static final int TSO_BUFFERS = 8;

    public DriverConfig
    {
        ringSize("txRingSize", txRingSize);
        ringSize("rxRingSize", rxRingSize);
        range("txBufferBytes", txBufferBytes, 64, 65536);
        if (rxBufferBytes != 256 && rxBufferBytes != 512 && rxBufferBytes != 1024 && rxBufferBytes != 2048)
        {
            throw new IllegalArgumentException("driver config rxBufferBytes must be 256, 512, 1024 or 2048 (what " +
                "RCTL.BSIZE offers), got " + rxBufferBytes);
        }
        range("napiBudget", napiBudget, 1, 4096);
        range("itr", itr, 0, 0xFFFF);
        range("resetTimeoutPs", resetTimeoutPs, Time.US, Time.S);
        range("quiesceTimeoutPs", quiesceTimeoutPs, Time.US, Time.S);
        if (fault == null)
        {
            throw new IllegalArgumentException("driver config fault must be a DriverFault (NONE for a correct driver)");
        }
        if (itrMode == null)
        {
            throw new IllegalArgumentException("driver config itrMode must be STATIC or ADAPTIVE");
        }
        range("queues", queues, 1, 8);
    }

    public static DriverConfig defaults()
    {
        return new DriverConfig(256, 512, 2048, 2048, 64, 0, Time.ms(10), Time.ms(10), DriverFault.NONE,
            ItrMode.STATIC, 1, false);
    }

    public DriverConfig withNapiBudget(final int budget)
    {
        return new DriverConfig(txRingSize, rxRingSize, txBufferBytes, rxBufferBytes, budget, itr, resetTimeoutPs,
            quiesceTimeoutPs, fault, itrMode, queues, tso);
    }

    public DriverConfig withFault(final DriverFault injected)
    {
        return new DriverConfig(txRingSize, rxRingSize, txBufferBytes, rxBufferBytes, napiBudget, itr,
            resetTimeoutPs, quiesceTimeoutPs, injected, itrMode, queues, tso);
    }

    public DriverConfig withItrMode(final ItrMode mode)
    {
        return new DriverConfig(txRingSize, rxRingSize, txBufferBytes, rxBufferBytes, napiBudget, itr,
            resetTimeoutPs, quiesceTimeoutPs, fault, mode, queues, tso);
    }

    /** This configuration with {@code pairs} queue pairs and TSO on or off. */
    public DriverConfig withQueues(final int pairs, final boolean segmentationOffload)
    {
        return new DriverConfig(txRingSize, rxRingSize, txBufferBytes, rxBufferBytes, napiBudget, itr,
            resetTimeoutPs, quiesceTimeoutPs, fault, itrMode, pairs, segmentationOffload);
    }

    /**
     * Host memory the driver's rings and buffers take (per queue pair, TSO buffers included): each block rounded up
     * to a 4 KiB page, as the IOMMU maps them. A host's memory must hold this (and its other users) or probe fails with ENOMEM.
     */
    public long hostMemoryBytes()
    {
        return queues * (pages((long) txRingSize * 16) + pages((long) txRingSize * txBufferBytes) +
            pages((long) rxRingSize * 16) + pages((long) rxRingSize * rxBufferBytes) +
            (tso ? pages((long) TSO_BUFFERS * TSO_BUFFER_BYTES) : 0));
    }

    private static long pages(final long bytes)
    {
        return (bytes + 4095) & ~4095L;
    }

    private static void ringSize(final String name, final int value)
    {
        if (value < 8 || value > 4096 || value % 8 != 0)
        {
            throw new IllegalArgumentException("driver config " + name + " must be a multiple of 8 from 8 to 4096 " +
                "(rings are multiples of 128 bytes), got " + value);
        }
    }

    private static void range(final String name, final long value, final long min, final long max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException("driver config " + name + " must be in [" + min + ", " + max +
                "], got " + value);
        }
    }
}
