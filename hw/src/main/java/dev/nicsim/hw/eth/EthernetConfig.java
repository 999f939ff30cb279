package dev.nicsim.hw.eth;

import dev.nicsim.hw.sim.Time;

/**
 * A link's physical parameters.
 *
 * @param bitsPerSecond     line rate; 8e12 divided by it must be a whole number of picoseconds per byte (1, 2.5, 5, 10,
 *                          25, 40, 50, 100, 200, 400 Gb/s all are).
 * @param propagationPs     one-way propagation delay. {@link #ofCable} derives it at 5 ns per metre (signal speed about
 *                          2/3 of c in copper and fibre).
 * @param maxFrameBytes     largest frame the link carries, FCS included (1522 for a VLAN-tagged standard frame, 9022 for
 *                          jumbo). Longer frames are refused.
 * @param interFrameGapBytes idle bytes between frames: 12 by the standard; some test equipment shortens it.
 */
public record EthernetConfig(long bitsPerSecond, long propagationPs, int maxFrameBytes, int interFrameGapBytes)
{
    /** Preamble (7) and start-of-frame delimiter (1). */
    public static final int PREAMBLE_AND_SFD_BYTES = 8;
    /** Shortest legal frame, FCS included. */
    public static final int MIN_FRAME_BYTES = 64;
    public static final int STANDARD_IFG_BYTES = 12;
    public static final long PROPAGATION_PS_PER_METRE = 5 * Time.NS;

    public EthernetConfig
    {
        if (bitsPerSecond <= 0 || (8_000_000_000_000L % bitsPerSecond) != 0)
        {
            throw new IllegalArgumentException("line rate " + bitsPerSecond + " b/s does not give a whole number of " +
                "picoseconds per byte; use e.g. 1000000000, 10000000000, 25000000000 or 100000000000");
        }
        if (propagationPs < 0)
        {
            throw new IllegalArgumentException("propagation delay must not be negative: " + propagationPs + " ps");
        }
        if (maxFrameBytes < MIN_FRAME_BYTES || maxFrameBytes > 65536)
        {
            throw new IllegalArgumentException("max frame size must be in [64, 65536] bytes, got " + maxFrameBytes);
        }
        if (interFrameGapBytes < 1 || interFrameGapBytes > 64)
        {
            throw new IllegalArgumentException("inter-frame gap must be in [1, 64] bytes, got " + interFrameGapBytes);
        }
    }

    /** A standard link over a cable of the given length. */
    public static EthernetConfig ofCable(final long bitsPerSecond, final double metres)
    {
        if (!(metres >= 0) || metres > 100_000)
        {
            throw new IllegalArgumentException("cable length must be in [0, 100000] m, got " + metres);
        }
        return new EthernetConfig(bitsPerSecond, Math.round(metres * PROPAGATION_PS_PER_METRE), 1522,
            STANDARD_IFG_BYTES);
    }

    /** 10 Gb/s over 2 m of cable: the default testbed link. */
    public static EthernetConfig tenGigabit()
    {
        return ofCable(10_000_000_000L, 2.0);
    }

    public long psPerByte()
    {
        return 8_000_000_000_000L / bitsPerSecond;
    }

    /** How long a frame of {@code frameBytes} (FCS included) holds the wire: preamble, frame (at least 64), gap. */
    public long wireTimePs(final int frameBytes)
    {
        return (PREAMBLE_AND_SFD_BYTES + Math.max(frameBytes, MIN_FRAME_BYTES) + interFrameGapBytes) * psPerByte();
    }
}
