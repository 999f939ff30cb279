package dev.nicsim.hw.pcie;

import dev.nicsim.hw.sim.Time;

/**
 * Timing parameters of one PCIe attachment. Defaults are measurements where one exists (reference
 * nic-models-and-timing §2); every field is documented with its source.
 *
 * <p>A DMA read of {@code n} bytes (up to the max read request size) takes
 * {@code ser(24) + readLatency + n * completerPsPerByte + ser(n + 20 per completion TLP)}: the read request TLP goes
 * up, the root complex and memory answer after a fixed latency and stream the data at their own rate, and the
 * completion TLPs come down the link. The two latency defaults are fitted so that a 64-byte read takes 546.0 ns and
 * a 2048-byte read (four requests) 1.131 us, against the 546 ns and 1133 ns that pcie-bench measured on a Xeon
 * E5-2620v3 (NFP6000, Gen3 x8).
 *
 * @param generation         PCIe generation 1 to 5 (2.5, 5, 8, 16, 32 GT/s per lane). Default 3.
 * @param lanes              link width: 1, 2, 4, 8 or 16. Default 8 (Gen3 x8 as in pcie-bench's measurements).
 * @param maxPayloadBytes    max payload size (MPS): largest write or completion TLP payload. Default 256 (pcie-bench
 *                           host, lspci).
 * @param maxReadRequestBytes max read request size (MRRS): reads are split at this size. Default 512.
 * @param maxOutstandingReads read requests in flight at once (tags); further reads wait. Default 64 (SimBricks
 *                           {@code DMA_MAX_PENDING}).
 * @param readLatencyPs      fixed root-complex and memory latency of a read request, excluding link serialization
 *                           and streaming. Default 515.3 ns (fitted, see above).
 * @param completerPsPerByte time the root complex and memory take per byte of read data, one request after another.
 *                           Default 265 ps (fitted, see above; with serialization the end-to-end
 *                           slope is the measured 0.30 ns/B).
 * @param postedWriteLatencyPs time from a device's posted write leaving the link to its data being visible in host
 *                           memory (and an MSI reaching the interrupt controller). Default 220 ns (pcie-bench WRRD -
 *                           RD, 210 to 230 ns for 64 B; an estimate).
 * @param mmioWriteLatencyPs time from a CPU's posted MMIO write leaving the link to the device acting on it. Default
 *                           450 ns ("a little higher than half of the read latency"; 0.4 to 0.5 us; estimate).
 * @param mmioReadLatencyPs  round trip of a non-posted MMIO read, during which the CPU stalls. Default 1000 ns
 *                           (SimBricks 2 x 500 ns; pcie-lat measured 0.79 to 1.58 us).
 * @param mmioWriteIssuePs   CPU time to issue one uncached MMIO write. Default 100 ns (0.1 to 0.3 us; estimate).
 */
public record PcieConfig(int generation, int lanes, int maxPayloadBytes, int maxReadRequestBytes,
                         int maxOutstandingReads, long readLatencyPs, long completerPsPerByte,
                         long postedWriteLatencyPs, long mmioWriteLatencyPs, long mmioReadLatencyPs,
                         long mmioWriteIssuePs)
{
    /** Header plus data-link framing of a memory read or write request with a 64-bit address (16 + 8 bytes). */
    public static final int REQUEST_OVERHEAD_BYTES = 24;
    /** Header plus data-link framing of a completion with data (12 + 8 bytes). */
    public static final int COMPLETION_OVERHEAD_BYTES = 20;

    public PcieConfig
    {
        requireOneOf("generation", generation, 1, 2, 3, 4, 5);
        requireOneOf("lanes", lanes, 1, 2, 4, 8, 16);
        requireOneOf("maxPayloadBytes", maxPayloadBytes, 128, 256, 512, 1024, 2048, 4096);
        requireOneOf("maxReadRequestBytes", maxReadRequestBytes, 128, 256, 512, 1024, 2048, 4096);
        requireRange("maxOutstandingReads", maxOutstandingReads, 1, 256);
        requireRange("readLatencyPs", readLatencyPs, 0, Time.ms(1));
        requireRange("completerPsPerByte", completerPsPerByte, 0, Time.NS);
        requireRange("postedWriteLatencyPs", postedWriteLatencyPs, 0, Time.ms(1));
        requireRange("mmioWriteLatencyPs", mmioWriteLatencyPs, 0, Time.ms(1));
        requireRange("mmioReadLatencyPs", mmioReadLatencyPs, 0, Time.ms(1));
        requireRange("mmioWriteIssuePs", mmioWriteIssuePs, 0, Time.ms(1));
    }

    public static PcieConfig defaults()
    {
        return new PcieConfig(3, 8, 256, 512, 64, 515_300, 265, Time.ns(220), Time.ns(450), Time.ns(1000),
            Time.ns(100));
    }

    public PcieConfig withReadLatencyPs(final long ps)
    {
        return new PcieConfig(generation, lanes, maxPayloadBytes, maxReadRequestBytes, maxOutstandingReads, ps,
            completerPsPerByte, postedWriteLatencyPs, mmioWriteLatencyPs, mmioReadLatencyPs, mmioWriteIssuePs);
    }

    public PcieConfig withMaxOutstandingReads(final int reads)
    {
        return new PcieConfig(generation, lanes, maxPayloadBytes, maxReadRequestBytes, reads, readLatencyPs,
            completerPsPerByte, postedWriteLatencyPs, mmioWriteLatencyPs, mmioReadLatencyPs, mmioWriteIssuePs);
    }

    /** Time to put {@code bytes} on the link, rounded up to a whole picosecond. */
    public long serializationPs(final long bytes)
    {
        // Bit time per lane in femtoseconds, and the line code's payload/total ratio.
        final long bitFs = switch (generation)
        {
            case 1 -> 400_000;
            case 2 -> 200_000;
            case 3 -> 125_000;
            case 4 -> 62_500;
            default -> 31_250;
        };
        final long codeData = generation <= 2 ? 8 : 128;
        final long codeTotal = generation <= 2 ? 10 : 130;
        final long femtoseconds = bytes * 8 * codeTotal * bitFs;
        final long divisor = codeData * lanes * 1000;
        return (femtoseconds + divisor - 1) / divisor;
    }

    /** Link bandwidth in bytes per second after line coding, before TLP overheads. */
    public double bytesPerSecond()
    {
        return 1e12 / (serializationPs(1_000_000) / 1e6);
    }

    private static void requireOneOf(final String name, final int value, final int... allowed)
    {
        for (final int candidate : allowed)
        {
            if (candidate == value)
            {
                return;
            }
        }
        throw new IllegalArgumentException("PCIe " + name + " must be one of " + java.util.Arrays.toString(allowed) +
            ", got " + value);
    }

    private static void requireRange(final String name, final long value, final long min, final long max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException("PCIe " + name + " must be in [" + min + ", " + max + "], got " + value);
        }
    }
}
