package dev.nicsim.hw.sim;

/**
 * What an event's waiting time is spent on. Every scheduled event names the component whose latency it models, so a
 * causality log can split any simulated interval into the parts that made it up (host CPU, PCIe, NIC pipeline, ...).
 */
public enum Component
{
    /** Software on a host CPU: syscalls, interrupt entry, driver and stack work. */
    HOST_CPU("host CPU"),
    /** PCIe transactions: DMA reads and writes, MMIO, MSI-X messages. */
    PCIE_DMA("PCIe/DMA"),
    /** The NIC's internal blocks: descriptor processing, FIFOs, checksum, clock-edge alignment. */
    NIC_PIPELINE("NIC pipeline"),
    /** The MAC/PHY and the wire: serialization, preamble, inter-frame gap, propagation. */
    MAC_WIRE("MAC and wire"),
    /** Deliberate interrupt delay: ITR moderation timers. */
    INTERRUPT_MODERATION("interrupt moderation"),
    /** Protocol timers: retransmission, TIME_WAIT, ARP retries, application timeouts. */
    TIMER("timers"),
    /** Time a caller asked to pass (a test's or a CLI's run(until)); never on a causal path. */
    EXTERNAL("external");

    private final String label;

    Component(final String label)
    {
        this.label = label;
    }

    /** A short name for tables and plots. */
    public String label()
    {
        return label;
    }
}
