package dev.nicsim.tools.config;

import dev.nicsim.driver.DriverConfig;
import dev.nicsim.driver.DriverFactory;
import dev.nicsim.driver.ItrMode;
import dev.nicsim.driver.NicDriver;
import dev.nicsim.nic.MacClocking;
import dev.nicsim.nic.MisuseMode;
import dev.nicsim.nic.NicConfig;
import dev.nicsim.nic.regs.QueueRegisters;
import dev.nicsim.nic.regs.RssRegisters;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The NIC model's and the driver's parameters, and how they become {@link NicConfig} and {@link DriverConfig}.
 * Defaults come from those records (the datasheet's defaults), so there is one source for each.
 */
public final class DeviceParameters
{
    public static final String NIC_MISUSE = "nic.misuse";
    public static final String NIC_CORE_CLOCK = "nic.core_clock_mhz";
    public static final String NIC_CORE_WIDTH = "nic.core_datapath_bytes";
    public static final String NIC_MAC_CLOCK = "nic.mac_clock_mhz";
    public static final String NIC_MAC_WIDTH = "nic.mac_datapath_bytes";
    public static final String NIC_PREFETCH = "nic.descriptor_prefetch";
    public static final String NIC_CACHE = "nic.descriptor_cache_entries";
    public static final String NIC_FETCH_ISSUE = "nic.fetch_issue_cycles";
    public static final String NIC_CHECKSUM = "nic.checksum_cycles";
    public static final String NIC_TX_FIFO = "nic.tx_fifo_bytes";
    public static final String NIC_RX_FIFO = "nic.rx_fifo_bytes";
    public static final String NIC_FIFO_SYNC = "nic.fifo_sync_cycles";
    public static final String NIC_MAC_TX = "nic.mac_tx_cycles";
    public static final String NIC_MAC_RX = "nic.mac_rx_cycles";
    public static final String NIC_PHY_TX = "nic.phy_tx_latency_ns";
    public static final String NIC_PHY_RX = "nic.phy_rx_latency_ns";
    public static final String NIC_QUEUES = "nic.queues";
    public static final String NIC_TSO = "nic.tso";
    public static final String NIC_TSO_CYCLES = "nic.tso_segment_cycles";

    public static final String DRIVER_TX_RING = "driver.tx_ring_size";
    public static final String DRIVER_RX_RING = "driver.rx_ring_size";
    public static final String DRIVER_BUDGET = "driver.napi_budget";
    public static final String DRIVER_ITR = "driver.itr_units";
    public static final String DRIVER_ITR_MODE = "driver.itr_mode";
    public static final String DRIVER_QUEUES = "driver.queues";
    public static final String DRIVER_RSS_KEY = "driver.rss_key";
    public static final String DRIVER_RSS_TABLE = "driver.rss_table";
    /* Between driver.rss_table's entries: a comma, or a colon, which `sweep --set` does not split a value at. */
    private static final String RSS_TABLE_SEPARATOR = "[,:]";
    /** driver.rss_table's default: the driver's own table, entry i naming queue i mod driver.queues. */
    public static final String EVEN_RSS_TABLE = "even";
    public static final String HOST_DRIVER = "host.driver";
    public static final String HOST_DRIVER_PER_HOST = "host." + Parameter.HOST_PLACEHOLDER + ".driver";

    private static final String DRIVER_FORMS = "java, java:NAME, c:/path/to/lib.so or c:NAME (c:ns1 is the reference " +
        "C driver)";

    private static final List<String> WIDTHS = List.of("1", "2", "4", "8", "16", "32", "64", "128", "256");
    private static final List<String> MAC_WIDTHS =
        List.of(Parameter.AUTO, "1", "2", "4", "8", "16", "32", "64", "128", "256");

    private DeviceParameters()
    {
    }

    public static List<Parameter> all()
    {
        final NicConfig nic = NicConfig.defaults();
        final DriverConfig driver = DriverConfig.defaults();
        return List.of(
            Parameter.choice(NIC_MISUSE, nic.misuseMode().name().toLowerCase(Locale.ROOT), List.of("strict", "silicon"),
                "driver misuse: strict stops with a message naming register, value, rule and time; silicon behaves " +
                    "as hardware (drop, stall, count)"),
            Parameter.decimal(NIC_CORE_CLOCK, mhz(nic.coreClockPeriodPs()), "MHz", 1, 10_000, "NIC core clock"),
            Parameter.choice(NIC_CORE_WIDTH, Integer.toString(nic.coreDatapathBytes()), WIDTHS,
                "core datapath width in bytes"),
            Parameter.derived(NIC_MAC_CLOCK, "MHz", 1, 10_000, "MAC clock; auto: a real MAC's for link.rate_gbps " +
                "(10G 156.25, 25G 390.625, 100G 322.265625, 400G 390.625); clock x width must reach the line rate"),
            Parameter.choice(NIC_MAC_WIDTH, Parameter.AUTO, MAC_WIDTHS,
                "MAC datapath width in bytes; auto: a real MAC's for link.rate_gbps (10G 8, 100G 64, 400G 128)"),
            Parameter.integer(NIC_PREFETCH, nic.descriptorPrefetch(), "", 1, NicConfig.MAX_CACHE_ENTRIES,
                "most descriptors fetched by one DMA read (at most " + NIC_CACHE + ")"),
            Parameter.integer(NIC_CACHE, nic.descriptorCacheEntries(), "", 1, NicConfig.MAX_CACHE_ENTRIES,
                "descriptors each queue holds on chip"),
            Parameter.integer(NIC_FETCH_ISSUE, nic.fetchIssueCycles(), "cycles", 0, 1000,
                "core cycles from a doorbell to its descriptor read being issued"),
            Parameter.integer(NIC_CHECKSUM, nic.checksumPipelineCycles(), "cycles", 0, 1000,
                "checksum unit latency after the frame has streamed through"),
            Parameter.integer(NIC_TX_FIFO, nic.txFifoBytes(), "bytes", nic.maxFrameBytes(), 1 << 24,
                "TX packet FIFO depth (at least one largest frame)"),
            Parameter.integer(NIC_RX_FIFO, nic.rxFifoBytes(), "bytes", nic.maxFrameBytes(), 1 << 24,
                "RX packet FIFO depth (at least one largest frame)"),
            Parameter.integer(NIC_FIFO_SYNC, nic.fifoSyncCycles(), "cycles", 0, 16,
                "synchronizer stages between the core and MAC clock domains"),
            Parameter.integer(NIC_MAC_TX, nic.macTxPipelineCycles(), "cycles", 0, 1000, "MAC transmit pipeline"),
            Parameter.integer(NIC_MAC_RX, nic.macRxPipelineCycles(), "cycles", 0, 1000, "MAC receive pipeline"),
            Parameter.nanos(NIC_PHY_TX, nic.phyTxLatencyPs(), 0, 1000, "PCS/PMA transmit latency"),
            Parameter.nanos(NIC_PHY_RX, nic.phyRxLatencyPs(), 0, 1000, "PCS/PMA receive latency"),
            Parameter.integer(NIC_QUEUES, nic.rxQueues(), "queues", 1, QueueRegisters.MAX_QUEUES,
                "TX and RX queues the NIC has; MSI-X vectors: one per RX queue, one per TX queue and one for link " +
                    "and errors (2 x queues + 1, datasheet §6); RSS spreads received flows over the RX queues"),
            Parameter.bool(NIC_TSO, nic.tso(), "TCP segmentation offload: the NIC offers it (FEATURES.TSO) and " +
                "the driver hands it to the stack (datasheet section 4.3)"),
            Parameter.integer(NIC_TSO_CYCLES, nic.tsoSegmentCycles(), "cycles", 0, 1000,
                "core cycles per TSO frame to update IPv4 length/ID, TCP sequence and flags (besides header beats)"),

            Parameter.multipleOf(DRIVER_TX_RING, driver.txRingSize(), "descriptors", 8, 4096, 8,
                "TX ring size (the ring is whole 128-byte lines of descriptors)"),
            Parameter.multipleOf(DRIVER_RX_RING, driver.rxRingSize(), "descriptors", 8, 4096, 8,
                "RX ring size (the ring is whole 128-byte lines of descriptors)"),
            Parameter.integer(DRIVER_BUDGET, driver.napiBudget(), "frames", 1, 4096, "NAPI poll budget"),
            Parameter.integer(DRIVER_ITR, driver.itr(), "x256 ns", 0, 0xFFFF,
                "interrupt throttling interval (0 = every interrupt at once); used when driver.itr_mode=static"),
            Parameter.choice(DRIVER_ITR_MODE, "static", List.of("static", "adaptive"), "interrupt moderation: " +
                "static (driver.itr_units) or adaptive (e1000/igb dynamic conservative: 4k-20k interrupts/s from " +
                "the traffic)"),
            Parameter.integer(DRIVER_QUEUES, driver.queues(), "queues", 1, QueueRegisters.MAX_QUEUES,
                "queue pairs the driver uses (at most " + NIC_QUEUES + "); more than 1 turns RSS on and picks a TX " +
                    "queue per flow"),
            Parameter.text(DRIVER_RSS_KEY, HexFormat.of().formatHex(NicDriver.defaultRssKey()),
                RssRegisters.KEY_BYTES + " bytes as " + 2 * RssRegisters.KEY_BYTES + " hex digits",
                DeviceParameters::rssKeyForm, "RSS hash key (Toeplitz, datasheet §3.6) the driver " +
                    "programs, as ethtool -X hkey; default: Microsoft's verification key"),
            Parameter.text(DRIVER_RSS_TABLE, EVEN_RSS_TABLE, EVEN_RSS_TABLE + " or queue numbers separated by " +
                    "commas or colons (1 to " + RssRegisters.RETA_ENTRIES + ", repeated to fill the table; colons " +
                    "in a sweep, which splits values at commas)",
                DeviceParameters::rssTableForm, "RSS indirection table the driver programs, as ethtool " +
                    "-X: entry i (hash bits 6:0) names an RX queue below " + DRIVER_QUEUES + "; " + EVEN_RSS_TABLE +
                    ": entry i names queue i mod " + DRIVER_QUEUES + "; e.g. 0 puts every flow on queue 0"),
            Parameter.text(HOST_DRIVER, DriverFactory.BUILT_IN, DRIVER_FORMS, DeviceParameters::driverForm,
                "the driver every host binds to its NIC (docs/driver-guide.md)"),
            Parameter.text(HOST_DRIVER_PER_HOST, "", DRIVER_FORMS + "; empty: as host.driver",
                spec -> spec.isEmpty() || driverForm(spec), "one host's driver, e.g. host.B.driver=c:ns1"));
    }

    private static boolean rssKeyForm(final String hex)
    {
        return hex.length() == 2 * RssRegisters.KEY_BYTES && hex.chars().allMatch(HexFormat::isHexDigit);
    }

    private static boolean rssTableForm(final String table)
    {
        if (table.equals(EVEN_RSS_TABLE))
        {
            return true;
        }
        final String[] entries = table.split(RSS_TABLE_SEPARATOR, -1);
        return entries.length <= RssRegisters.RETA_ENTRIES && Arrays.stream(entries)
            .allMatch(entry -> entry.matches("\\d{1,2}") && Integer.parseInt(entry) < QueueRegisters.MAX_QUEUES);
    }

    /** The RSS key driver.rss_key asks for. */
    public static byte[] rssKey(final Settings settings)
    {
        return HexFormat.of().parseHex(settings.text(DRIVER_RSS_KEY));
    }

    /**
     * The RSS indirection table driver.rss_table asks for, its entries repeated to fill the table; empty for
     * {@value #EVEN_RSS_TABLE}, which leaves the driver's own.
     */
    public static Optional<int[]> rssTable(final Settings settings)
    {
        final String text = settings.text(DRIVER_RSS_TABLE);
        if (text.equals(EVEN_RSS_TABLE))
        {
            return Optional.empty();
        }
        final int[] entries = Arrays.stream(text.split(RSS_TABLE_SEPARATOR)).mapToInt(Integer::parseInt).toArray();
        final int[] table = new int[RssRegisters.RETA_ENTRIES];
        Arrays.setAll(table, i -> entries[i % entries.length]);
        return Optional.of(table);
    }

    /** Whether the RSS settings differ from what the built-in driver programs at probe (keys compared by value). */
    public static boolean rssChanged(final Settings settings)
    {
        return !Arrays.equals(rssKey(settings), NicDriver.defaultRssKey()) || rssTable(settings).isPresent();
    }

    /** Whether every host's driver takes an RSS key and table from the settings (DriverFactory.programsRss). */
    public static boolean everyDriverProgramsRss(final Settings settings)
    {
        return DriverFactory.programsRss(settings.text(HOST_DRIVER)) && settings.overrides().entrySet().stream()
            .filter(e -> settings.catalog().require(e.getKey()).key().equals(HOST_DRIVER_PER_HOST))
            .allMatch(e -> e.getValue().isEmpty() || DriverFactory.programsRss(e.getValue()));
    }

    /* Whether a driver specification has one of the forms (whether its library or provider exists is seen later). */
    private static boolean driverForm(final String spec)
    {
        try
        {
            DriverFactory.validate(spec);
            return true;
        }
        catch (final IllegalArgumentException e)
        {
            return false;
        }
    }

    /** The NIC configuration; {@code macAddress} distinguishes the hosts' NICs. */
    public static NicConfig nic(final Settings settings, final long macAddress)
    {
        final MacClocking mac = mac(settings);
        return NicConfig.builder()
            .misuseMode(MisuseMode.valueOf(settings.text(NIC_MISUSE).toUpperCase(Locale.ROOT)))
            .macAddress(macAddress)
            .coreClockPeriodPs(period(settings.decimal(NIC_CORE_CLOCK)))
            .coreDatapathBytes(settings.integer32(NIC_CORE_WIDTH))
            .macClockPeriodPs(mac.clockPeriodPs())
            .macDatapathBytes(mac.datapathBytes())
            .descriptorPrefetch(settings.integer32(NIC_PREFETCH))
            .descriptorCacheEntries(settings.integer32(NIC_CACHE))
            .fetchIssueCycles(settings.integer32(NIC_FETCH_ISSUE))
            .checksumPipelineCycles(settings.integer32(NIC_CHECKSUM))
            .txFifoBytes(settings.integer32(NIC_TX_FIFO))
            .rxFifoBytes(settings.integer32(NIC_RX_FIFO))
            .fifoSyncCycles(settings.integer32(NIC_FIFO_SYNC))
            .macTxPipelineCycles(settings.integer32(NIC_MAC_TX))
            .macRxPipelineCycles(settings.integer32(NIC_MAC_RX))
            .phyTxLatencyPs(settings.picosFromNanos(NIC_PHY_TX))
            .phyRxLatencyPs(settings.picosFromNanos(NIC_PHY_RX))
            .txQueues(settings.integer32(NIC_QUEUES))
            .rxQueues(settings.integer32(NIC_QUEUES))
            .tso(settings.bool(NIC_TSO))
            .tsoSegmentCycles(settings.integer32(NIC_TSO_CYCLES))
            .build();
    }

    /**
     * The driver specification for host {@code host} ("A", "B", ...): {@code host.<host>.driver} if set, else
     * {@code host.driver}; its form was checked when it was set.
     */
    public static String driverSpec(final Settings settings, final String host)
    {
        final String own = settings.text("host." + host + ".driver");
        return own.isEmpty() ? settings.text(HOST_DRIVER) : own;
    }

    /**
     * The MAC clock and width: a real MAC's for the line rate ({@link MacClocking}), each replaced by
     * {@code nic.mac_clock_mhz} or {@code nic.mac_datapath_bytes} when given.
     */
    public static MacClocking mac(final Settings settings)
    {
        final long lineRate = PlatformParameters.ethernet(settings).bitsPerSecond();
        final MacClocking real = MacClocking.forLineRate(lineRate);
        final String clock = settings.text(NIC_MAC_CLOCK);
        final String width = settings.text(NIC_MAC_WIDTH);
        return new MacClocking(lineRate, clock.equals(Parameter.AUTO) ? real.clockPeriodPs() :
            period(Double.parseDouble(clock)), width.equals(Parameter.AUTO) ? real.datapathBytes() :
            Integer.parseInt(width));
    }

    public static DriverConfig driver(final Settings settings)
    {
        final DriverConfig defaults = DriverConfig.defaults();
        return new DriverConfig(settings.integer32(DRIVER_TX_RING), settings.integer32(DRIVER_RX_RING),
            defaults.txBufferBytes(), defaults.rxBufferBytes(), settings.integer32(DRIVER_BUDGET),
            settings.integer32(DRIVER_ITR), defaults.resetTimeoutPs(), defaults.quiesceTimeoutPs(), defaults.fault(),
            ItrMode.valueOf(settings.text(DRIVER_ITR_MODE).toUpperCase(Locale.ROOT)),
            settings.integer32(DRIVER_QUEUES), settings.bool(NIC_TSO));
    }

    private static double mhz(final long periodPs)
    {
        return 1_000_000.0 / periodPs;
    }

    private static long period(final double megahertz)
    {
        return Math.round(1_000_000.0 / megahertz);
    }
}
