package dev.nicsim.nic;

import dev.nicsim.hw.sim.Time;

import java.util.List;

/**
 * The MAC clock and datapath width a real MAC uses at each Ethernet line rate, so the NS-1 built for a link runs its
 * MAC as silicon for that rate does. Clock times width reaches the line rate (the MAC moves frame bytes; the wire also
 * carries preamble and gap, so this leaves headroom).
 *
 * <pre>
 *  line rate   MAC clock      width   what it is modelled on
 *  1 Gb/s      125 MHz        1 B     GMII (IEEE 802.3 clause 35)
 *  2.5 Gb/s    312.5 MHz      1 B     GMII overclocked 2.5x (2500BASE-X)
 *  5 Gb/s      156.25 MHz     4 B     32-bit XGMII-style bus at half the 10G clock
 *  10 Gb/s     156.25 MHz     8 B     64-bit XGMII / AXI4-Stream (AMD 10G/25G Ethernet subsystem)
 *  25 Gb/s     390.625 MHz    8 B     same subsystem at 25G
 *  40 Gb/s     312.5 MHz      16 B    128-bit client bus (40G MACs)
 *  50 Gb/s     390.625 MHz    16 B    128-bit client bus at the 25G clock
 *  100 Gb/s    322.265625 MHz 64 B    AMD CMAC, 512-bit AXI4-Stream
 *  200 Gb/s    390.625 MHz    64 B    AMD DCMAC, four 16-byte segments (PG369, tx_axi_clk &gt;= 390.625 MHz)
 *  400 Gb/s    390.625 MHz    128 B   AMD DCMAC, eight 16-byte segments
 * </pre>
 *
 * @param lineRateBitsPerSecond the line rate this entry serves
 * @param clockPeriodPs         the MAC clock period, rounded to whole picoseconds
 * @param datapathBytes         the MAC datapath width
 */
public record MacClocking(long lineRateBitsPerSecond, long clockPeriodPs, int datapathBytes)
{
    private static final List<MacClocking> TABLE = List.of(
        entry(1e9, 125.0, 1),
        entry(2.5e9, 312.5, 1),
        entry(5e9, 156.25, 4),
        entry(10e9, 156.25, 8),
        entry(25e9, 390.625, 8),
        entry(40e9, 312.5, 16),
        entry(50e9, 390.625, 16),
        entry(100e9, 322.265625, 64),
        entry(200e9, 390.625, 64),
        entry(400e9, 390.625, 128));

    /**
     * The MAC for a link of {@code bitsPerSecond}: the table's entry for the lowest listed rate at or above it.
     *
     * @throws IllegalArgumentException above 400 Gb/s, where no MAC is modelled
     */
    public static MacClocking forLineRate(final long bitsPerSecond)
    {
        for (final MacClocking mac : TABLE)
        {
            if (mac.lineRateBitsPerSecond >= bitsPerSecond)
            {
                return mac;
            }
        }
        throw new IllegalArgumentException("no MAC is modelled for a " + bitsPerSecond + " b/s link (at most " +
            TABLE.getLast().lineRateBitsPerSecond + " b/s)");
    }

    /** What this clock and width move, in bits per second (as {@link NicConfig#macBitsPerSecond()} counts it). */
    public long bitsPerSecond()
    {
        return throughput(clockPeriodPs, datapathBytes);
    }

    /** Bits per second of a MAC with this clock period and width. */
    public static long throughput(final long clockPeriodPs, final int datapathBytes)
    {
        return Time.S / clockPeriodPs * datapathBytes * 8;
    }

    private static MacClocking entry(final double bitsPerSecond, final double megahertz, final int bytes)
    {
        return new MacClocking(Math.round(bitsPerSecond), Math.round(1e6 / megahertz), bytes);
    }
}
