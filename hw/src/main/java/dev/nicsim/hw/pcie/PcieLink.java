package dev.nicsim.hw.pcie;

/**
 * The two directions of one PCIe link. Each direction sends one TLP at a time: a TLP that is ready while the
 * direction is busy waits for it, which is how bandwidth limits and queueing arise.
 */
public final class PcieLink
{
    /** One direction of the link. */
    public static final class Direction
    {
        /* TLPs up to this size (a 4 KiB read's completions and their overheads) take their time from a table. */
        private static final int TABULATED_BYTES = 4096 + 512;

        private final PcieConfig config;
        /* Serialization time by TLP size: a 64-bit division per TLP was a measurable share of DMA's cost. */
        private final long[] serializationPs = new long[TABULATED_BYTES + 1];
        private Runnable deferredTraffic = () -> { };
        private long busyUntil;
        private long bytesSent;
        private long tlpsSent;
        private long busyPs;

        Direction(final PcieConfig config)
        {
            this.config = config;
            for (int bytes = 0; bytes <= TABULATED_BYTES; bytes++)
            {
                serializationPs[bytes] = config.serializationPs(bytes);
            }
        }

        /**
         * Sends a TLP of {@code bytes} (overhead included) that is ready at {@code readyAt}; returns the time its last
         * byte has left. Calls must come in non-decreasing {@code readyAt} order, as they do from the event loop.
         */
        public long transmit(final long readyAt, final int bytes)
        {
            deferredTraffic.run();
            final long start = Math.max(readyAt, busyUntil);
            final long serialization = bytes <= TABULATED_BYTES ? serializationPs[bytes] : config.serializationPs(bytes);
            busyUntil = start + serialization;
            busyPs += serialization;
            bytesSent += bytes;
            tlpsSent++;
            return busyUntil;
        }

        /**
         * Registers the one sender that defers TLPs due on this direction (a DMA engine's read completions):
         * {@code catchUp} sends those whose time has passed, and runs before any other TLP or any count is taken.
         */
        public void deferFor(final Runnable catchUp)
        {
            this.deferredTraffic = catchUp;
        }

        public long bytesSent()
        {
            deferredTraffic.run();
            return bytesSent;
        }

        public long tlpsSent()
        {
            deferredTraffic.run();
            return tlpsSent;
        }

        /** Time this direction has spent serializing TLPs: over a window, its utilisation. */
        public long busyPs()
        {
            deferredTraffic.run();
            return busyPs;
        }
    }

    private final PcieConfig config;
    private final Direction upstream;
    private final Direction downstream;

    public PcieLink(final PcieConfig config)
    {
        this.config = config;
        this.upstream = new Direction(config);
        this.downstream = new Direction(config);
    }

    public PcieConfig config()
    {
        return config;
    }

    /** Device to root complex: DMA read requests, DMA writes, MSI-X messages, MMIO read completions. */
    public Direction upstream()
    {
        return upstream;
    }

    /** Root complex to device: MMIO writes and reads, DMA read completions. */
    public Direction downstream()
    {
        return downstream;
    }
}
