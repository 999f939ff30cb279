package dev.nicsim.nic;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.nic.regs.QueueRegisters;

/**
 * Every parameter of the NS-1 model (datasheet §5.4). Defaults are the datasheet's; each is validated here, so a bad
 * value fails at construction with what was wrong and the allowed range. Build variants with {@link #builder()} or
 * {@link #toBuilder()}.
 *
 * @param misuseMode            what a programming error does: {@link MisuseMode#STRICT} (default) stops the
 *                              simulation, {@link MisuseMode#SILICON} behaves as hardware would.
 * @param macAddress            the station address loaded into RAL0/RAH0 at reset, 48 bits, first byte on the wire
 *                              most significant; unicast and non-zero. Default 02:00:00:00:00:01 (locally
 *                              administered).
 * @param txQueues              TX queues, 1 to 8. Default 2.
 * @param rxQueues              RX queues, 1 to 8. Default 2. Received frames go to queue 0 unless RSS (MRQC) picks
 *                              another.
 * @param coreClockPeriodPs     core clock period. Default 4000 ps (250 MHz).
 * @param coreDatapathBytes     core datapath width: the checksum unit and FIFO reads move this much per cycle.
 *                              Default 64.
 * @param macClockPeriodPs      MAC clock period. Default 6400 ps (156.25 MHz). Clock and width must reach the line
 *                              rate of the link the device is attached to.
 * @param macDatapathBytes      MAC datapath width. Default 8.
 * @param registerCycles        core cycles from a register write being sampled to its effect. Default 1.
 * @param fetchIssueCycles      core cycles from a doorbell's effect (or room in the cache) to the descriptor read
 *                              being issued. Default 2.
 * @param descriptorPrefetch    most descriptors fetched by one DMA read. Default 8.
 * @param descriptorCacheEntries descriptors each queue can hold on chip. Default 32.
 * @param descriptorCycles      core cycles per descriptor to decode it and issue its DMA. Default 1.
 * @param checksumPipelineCycles core cycles of checksum unit latency after the frame has streamed through. Default 2.
 * @param txFifoBytes           TX FIFO depth. Default 16384 (the 8254x's default 16 KiB TX packet buffer).
 * @param rxFifoBytes           RX FIFO depth. Default 49152 (the 8254x's default 48 KiB RX packet buffer).
 * @param fifoSyncCycles        synchronizer stages of the asynchronous FIFOs between core and MAC, in cycles of the
 *                              receiving domain. Default 2.
 * @param macTxPipelineCycles   MAC TX latency in MAC cycles. Default 4 (25.6 ns, Intel Low Latency 10G MAC).
 * @param macRxPipelineCycles   MAC RX latency in MAC cycles. Default 7 (44.8 ns; Intel's 41.6 ns rounded up).
 * @param phyTxLatencyPs        PCS/PMA transmit latency. Default 18424 ps (190 UI at 10.3125 Gb/s, AMD GTYE3).
 * @param phyRxLatencyPs        PCS/PMA receive latency. Default 12558 ps (129.5 UI at 10.3125 Gb/s, AMD GTYE3).
 * @param maxFrameBytes         largest frame, FCS included, 64 to 2048. Default 1522 (VLAN-tagged standard frame).
 * @param resetCycles           core cycles a software reset lasts. Default 250 (1 us).
 * @param tso                   whether the device offers TCP segmentation offload (FEATURES.TSO, datasheet §4.3).
 *                              Default false.
 * @param tsoSegmentCycles      core cycles the TSO unit spends per frame it cuts, besides writing the frame's
 *                              headers (one datapath beat per {@code coreDatapathBytes} of them): updating IPv4
 *                              length and ID, TCP sequence number and flags. Default 2.
 */
public record NicConfig(MisuseMode misuseMode, long macAddress, int txQueues, int rxQueues, long coreClockPeriodPs,
                        int coreDatapathBytes, long macClockPeriodPs, int macDatapathBytes, int registerCycles,
                        int fetchIssueCycles, int descriptorPrefetch, int descriptorCacheEntries,
                        int descriptorCycles, int checksumPipelineCycles, int txFifoBytes, int rxFifoBytes,
                        int fifoSyncCycles, int macTxPipelineCycles, int macRxPipelineCycles, long phyTxLatencyPs,
                        long phyRxLatencyPs, int maxFrameBytes, int resetCycles, boolean tso,
                        int tsoSegmentCycles)
{
    /** The most descriptors a queue may cache (they are named by 12 bits inside the device). */
    public static final int MAX_CACHE_ENTRIES = 4096;

    public NicConfig
    {
        if (misuseMode == null)
        {
            throw new IllegalArgumentException("NIC config misuseMode must be STRICT or SILICON, got null");
        }
        if (macAddress <= 0 || macAddress > 0xFFFF_FFFF_FFFFL || ((macAddress >>> 40) & 1) != 0)
        {
            throw new IllegalArgumentException("NIC config macAddress must be a non-zero 48-bit unicast address " +
                "(first byte even), got 0x" + Long.toHexString(macAddress));
        }
        range("txQueues", txQueues, 1, QueueRegisters.MAX_QUEUES);
        range("rxQueues", rxQueues, 1, QueueRegisters.MAX_QUEUES);
        range("coreClockPeriodPs", coreClockPeriodPs, 100, Time.US);
        powerOfTwo("coreDatapathBytes", coreDatapathBytes);
        range("macClockPeriodPs", macClockPeriodPs, 100, Time.US);
        powerOfTwo("macDatapathBytes", macDatapathBytes);
        range("registerCycles", registerCycles, 0, 1000);
        range("fetchIssueCycles", fetchIssueCycles, 0, 1000);
        range("descriptorCacheEntries", descriptorCacheEntries, 1, MAX_CACHE_ENTRIES);
        range("descriptorPrefetch", descriptorPrefetch, 1, descriptorCacheEntries);
        range("descriptorCycles", descriptorCycles, 1, 1000);
        range("checksumPipelineCycles", checksumPipelineCycles, 0, 1000);
        range("maxFrameBytes", maxFrameBytes, 64, 2048);
        range("txFifoBytes", txFifoBytes, maxFrameBytes, 1 << 24);
        range("rxFifoBytes", rxFifoBytes, maxFrameBytes, 1 << 24);
        range("fifoSyncCycles", fifoSyncCycles, 0, 16);
        range("macTxPipelineCycles", macTxPipelineCycles, 0, 1000);
        range("macRxPipelineCycles", macRxPipelineCycles, 0, 1000);
        range("phyTxLatencyPs", phyTxLatencyPs, 0, Time.US);
        range("phyRxLatencyPs", phyRxLatencyPs, 0, Time.US);
        range("resetCycles", resetCycles, 1, 10_000_000);
        range("tsoSegmentCycles", tsoSegmentCycles, 0, 1000);
    }

    /** The datasheet's defaults, strict mode. */
    public static NicConfig defaults()
    {
        return builder().build();
    }

    public static Builder builder()
    {
        return new Builder();
    }

    public Builder toBuilder()
    {
        return new Builder(this);
    }

    /** The MAC's throughput in bits per second: clock times datapath width. */
    public long macBitsPerSecond()
    {
        return MacClocking.throughput(macClockPeriodPs, macDatapathBytes);
    }

    private static void range(final String name, final long value, final long min, final long max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException("NIC config " + name + " must be in [" + min + ", " + max + "], got " +
                value);
        }
    }

    private static void powerOfTwo(final String name, final int value)
    {
        if (value < 1 || value > 256 || Integer.bitCount(value) != 1)
        {
            throw new IllegalArgumentException("NIC config " + name + " must be a power of two from 1 to 256, got " +
                value);
        }
    }

    /**
     * Fluent construction of a {@link NicConfig}; starts from the defaults (or a config's values), validates on
     * {@link #build()}. Each setter sets the record component of the same name, documented on {@link NicConfig}.
     */
    public static final class Builder
    {
        private MisuseMode misuseMode = MisuseMode.STRICT;
        private long macAddress = 0x02_00_00_00_00_01L;
        private int txQueues = 2;
        private int rxQueues = 2;
        private long coreClockPeriodPs = 4000;
        private int coreDatapathBytes = 64;
        private long macClockPeriodPs = 6400;
        private int macDatapathBytes = 8;
        private int registerCycles = 1;
        private int fetchIssueCycles = 2;
        private int descriptorPrefetch = 8;
        private int descriptorCacheEntries = 32;
        private int descriptorCycles = 1;
        private int checksumPipelineCycles = 2;
        private int txFifoBytes = 16384;
        private int rxFifoBytes = 49152;
        private int fifoSyncCycles = 2;
        private int macTxPipelineCycles = 4;
        private int macRxPipelineCycles = 7;
        private long phyTxLatencyPs = 18_424;
        private long phyRxLatencyPs = 12_558;
        private int maxFrameBytes = 1522;
        private int resetCycles = 250;
        private boolean tso;
        private int tsoSegmentCycles = 2;

        private Builder()
        {
        }

        private Builder(final NicConfig c)
        {
            misuseMode = c.misuseMode;
            macAddress = c.macAddress;
            txQueues = c.txQueues;
            rxQueues = c.rxQueues;
            coreClockPeriodPs = c.coreClockPeriodPs;
            coreDatapathBytes = c.coreDatapathBytes;
            macClockPeriodPs = c.macClockPeriodPs;
            macDatapathBytes = c.macDatapathBytes;
            registerCycles = c.registerCycles;
            fetchIssueCycles = c.fetchIssueCycles;
            descriptorPrefetch = c.descriptorPrefetch;
            descriptorCacheEntries = c.descriptorCacheEntries;
            descriptorCycles = c.descriptorCycles;
            checksumPipelineCycles = c.checksumPipelineCycles;
            txFifoBytes = c.txFifoBytes;
            rxFifoBytes = c.rxFifoBytes;
            fifoSyncCycles = c.fifoSyncCycles;
            macTxPipelineCycles = c.macTxPipelineCycles;
            macRxPipelineCycles = c.macRxPipelineCycles;
            phyTxLatencyPs = c.phyTxLatencyPs;
            phyRxLatencyPs = c.phyRxLatencyPs;
            maxFrameBytes = c.maxFrameBytes;
            resetCycles = c.resetCycles;
            tso = c.tso;
            tsoSegmentCycles = c.tsoSegmentCycles;
        }

        public Builder misuseMode(final MisuseMode value)
        {
            misuseMode = value;
            return this;
        }

        public Builder macAddress(final long value)
        {
            macAddress = value;
            return this;
        }

        public Builder txQueues(final int value)
        {
            txQueues = value;
            return this;
        }

        public Builder rxQueues(final int value)
        {
            rxQueues = value;
            return this;
        }

        public Builder coreClockPeriodPs(final long value)
        {
            coreClockPeriodPs = value;
            return this;
        }

        public Builder coreDatapathBytes(final int value)
        {
            coreDatapathBytes = value;
            return this;
        }

        public Builder macClockPeriodPs(final long value)
        {
            macClockPeriodPs = value;
            return this;
        }

        public Builder macDatapathBytes(final int value)
        {
            macDatapathBytes = value;
            return this;
        }

        /** The MAC clock and width a real MAC uses at {@code lineRateBitsPerSecond} ({@link MacClocking}). */
        public Builder macFor(final long lineRateBitsPerSecond)
        {
            final MacClocking mac = MacClocking.forLineRate(lineRateBitsPerSecond);
            macClockPeriodPs = mac.clockPeriodPs();
            macDatapathBytes = mac.datapathBytes();
            return this;
        }

        public Builder registerCycles(final int value)
        {
            registerCycles = value;
            return this;
        }

        public Builder fetchIssueCycles(final int value)
        {
            fetchIssueCycles = value;
            return this;
        }

        public Builder descriptorPrefetch(final int value)
        {
            descriptorPrefetch = value;
            return this;
        }

        public Builder descriptorCacheEntries(final int value)
        {
            descriptorCacheEntries = value;
            return this;
        }

        public Builder descriptorCycles(final int value)
        {
            descriptorCycles = value;
            return this;
        }

        public Builder checksumPipelineCycles(final int value)
        {
            checksumPipelineCycles = value;
            return this;
        }

        public Builder txFifoBytes(final int value)
        {
            txFifoBytes = value;
            return this;
        }

        public Builder rxFifoBytes(final int value)
        {
            rxFifoBytes = value;
            return this;
        }

        public Builder fifoSyncCycles(final int value)
        {
            fifoSyncCycles = value;
            return this;
        }

        public Builder macTxPipelineCycles(final int value)
        {
            macTxPipelineCycles = value;
            return this;
        }

        public Builder macRxPipelineCycles(final int value)
        {
            macRxPipelineCycles = value;
            return this;
        }

        public Builder phyTxLatencyPs(final long value)
        {
            phyTxLatencyPs = value;
            return this;
        }

        public Builder phyRxLatencyPs(final long value)
        {
            phyRxLatencyPs = value;
            return this;
        }

        public Builder maxFrameBytes(final int value)
        {
            maxFrameBytes = value;
            return this;
        }

        public Builder resetCycles(final int value)
        {
            resetCycles = value;
            return this;
        }

        public Builder tso(final boolean value)
        {
            tso = value;
            return this;
        }

        public Builder tsoSegmentCycles(final int value)
        {
            tsoSegmentCycles = value;
            return this;
        }

        public NicConfig build()
        {
            return new NicConfig(misuseMode, macAddress, txQueues, rxQueues, coreClockPeriodPs, coreDatapathBytes,
                macClockPeriodPs, macDatapathBytes, registerCycles, fetchIssueCycles, descriptorPrefetch,
                descriptorCacheEntries, descriptorCycles, checksumPipelineCycles, txFifoBytes, rxFifoBytes,
                fifoSyncCycles, macTxPipelineCycles, macRxPipelineCycles, phyTxLatencyPs, phyRxLatencyPs,
                maxFrameBytes, resetCycles, tso, tsoSegmentCycles);
        }
    }
}
