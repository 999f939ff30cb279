package dev.nicsim.tools.config;

import dev.nicsim.hw.eth.EthernetConfig;
import dev.nicsim.hw.host.CpuCosts;
import dev.nicsim.hw.host.HostCpu;
import dev.nicsim.hw.pcie.PcieConfig;
import dev.nicsim.hw.sim.Time;

import java.util.List;

/**
 * The platform's parameters (simulation, Ethernet link, PCIe, host CPU, fault injection) and how they become the hw
 * module's configuration records. Defaults are read from those records, so there is one source for each.
 */
public final class PlatformParameters
{
    public static final String SEED = "sim.seed";
    public static final String EPOCH = "sim.epoch_seconds";

    public static final String LINK_RATE = "link.rate_gbps";
    public static final String LINK_CABLE = "link.cable_m";
    public static final String LINK_IFG = "link.ifg_bytes";
    public static final String LINK_SWITCH = "link.switch";
    public static final String SWITCH_LATENCY = "link.switch_latency_ns";
    public static final String SWITCH_BUFFER = "link.switch_port_buffer_kib";

    public static final String PCIE_GENERATION = "pcie.generation";
    public static final String PCIE_LANES = "pcie.lanes";
    public static final String PCIE_MPS = "pcie.max_payload_bytes";
    public static final String PCIE_MRRS = "pcie.max_read_request_bytes";
    public static final String PCIE_OUTSTANDING = "pcie.max_outstanding_reads";
    public static final String PCIE_READ_LATENCY = "pcie.dma_read_latency_ns";
    public static final String PCIE_COMPLETER = "pcie.completer_ps_per_byte";
    public static final String PCIE_POSTED_WRITE = "pcie.posted_write_latency_ns";
    public static final String PCIE_MMIO_WRITE = "pcie.mmio_write_latency_ns";
    public static final String PCIE_MMIO_READ = "pcie.mmio_read_latency_ns";
    public static final String PCIE_MMIO_ISSUE = "pcie.mmio_write_issue_ns";

    public static final String HOST_MEMORY = "host.memory_mib";
    public static final String HOST_CORES = "host.cores";
    public static final String HOST_IRQ_LATENCY = "host.irq_latency_ns";
    public static final String HOST_SYSCALL = "host.syscall_ns";
    public static final String HOST_WAKEUP = "host.wakeup_ns";
    public static final String HOST_STACK_TX = "host.stack_tx_packet_ns";
    public static final String HOST_STACK_RX = "host.stack_rx_packet_ns";
    public static final String HOST_DRIVER_TX = "host.driver_tx_frame_ns";
    public static final String HOST_DRIVER_RX = "host.driver_rx_frame_ns";
    public static final String HOST_COPY = "host.copy_ns_per_kib";
    public static final String HOST_GRO = "host.gro_frame_ns";

    public static final String FAULT_DROP = "fault.drop";
    public static final String FAULT_DROP_FRAMES = "fault.drop_frames";
    public static final String FAULT_CORRUPT = "fault.corrupt";
    public static final String FAULT_DUPLICATE = "fault.duplicate";
    public static final String FAULT_REORDER = "fault.reorder";
    public static final String FAULT_DELAY = "fault.delay_ns";
    public static final String FAULT_JITTER = "fault.jitter_ns";

    private static final List<String> LINE_RATES =
        List.of("1", "2.5", "5", "10", "25", "40", "50", "100", "200", "400");
    private static final List<String> PCIE_SIZES = List.of("128", "256", "512", "1024", "2048", "4096");

    private PlatformParameters()
    {
    }

    public static List<Parameter> all()
    {
        final PcieConfig pcie = PcieConfig.defaults();
        final CpuCosts cpu = CpuCosts.defaults();
        final EthernetConfig link = EthernetConfig.tenGigabit();
        return List.of(
            Parameter.integer(SEED, 1, "", 0, Long.MAX_VALUE, "seed of every random choice (ISNs, ports, faults): " +
                "same seed, same run"),
            Parameter.integer(EPOCH, 1_795_478_400L, "s", 0, 253_402_300_799L, "wall-clock date at simulated time " +
                "0, in seconds since 1970 (default 2026-11-24T00:00:00Z): what a daytime server reports"),

            Parameter.choice(LINK_RATE, "10", LINE_RATES, "Ethernet line rate in Gb/s"),
            Parameter.decimal(LINK_CABLE, link.propagationPs() / (double) EthernetConfig.PROPAGATION_PS_PER_METRE, "m",
                0, 100_000, "cable length; propagation 5 ns per metre"),
            Parameter.integer(LINK_IFG, link.interFrameGapBytes(), "bytes", 1, 64,
                "inter-frame gap (12 by the standard)"),
            Parameter.bool(LINK_SWITCH, false, "join the hosts through a store-and-forward switch instead of one " +
                "cable (each host gets its own link to the switch)"),
            Parameter.nanos(SWITCH_LATENCY, 500 * Time.NS, "switch forwarding latency after a frame has fully arrived"),
            Parameter.integer(SWITCH_BUFFER, 144, "KiB", 2, 1 << 20, "switch buffer per output port; a frame " +
                "that does not fit is tail-dropped (default: a shallow-buffered ToR, 9 MB shared by 64 ports)"),

            Parameter.integer(PCIE_GENERATION, pcie.generation(), "", 1, 5, "PCIe generation (2.5, 5, 8, 16, 32 GT/s)"),
            Parameter.choice(PCIE_LANES, Integer.toString(pcie.lanes()), List.of("1", "2", "4", "8", "16"),
                "PCIe link width"),
            Parameter.choice(PCIE_MPS, Integer.toString(pcie.maxPayloadBytes()), PCIE_SIZES,
                "max payload size: largest write/completion TLP payload"),
            Parameter.choice(PCIE_MRRS, Integer.toString(pcie.maxReadRequestBytes()), PCIE_SIZES,
                "max read request size: DMA reads are split at it"),
            Parameter.integer(PCIE_OUTSTANDING, pcie.maxOutstandingReads(), "", 1, 256,
                "DMA read requests in flight at once (tags)"),
            Parameter.nanos(PCIE_READ_LATENCY, pcie.readLatencyPs(),
                "root complex + memory latency of a DMA read (fitted to pcie-bench: 546 ns for 64 B in all)"),
            Parameter.integer(PCIE_COMPLETER, pcie.completerPsPerByte(), "ps/B", 0, 1000,
                "time the root complex streams each byte of read data"),
            Parameter.nanos(PCIE_POSTED_WRITE, pcie.postedWriteLatencyPs(),
                "device write (or MSI) leaving the link to visible in memory"),
            Parameter.nanos(PCIE_MMIO_WRITE, pcie.mmioWriteLatencyPs(),
                "CPU MMIO write leaving the link to the device acting on it"),
            Parameter.nanos(PCIE_MMIO_READ, pcie.mmioReadLatencyPs(), 1, 1_000_000,
                "round trip of an MMIO read (the CPU stalls; never zero: a driver polling a register needs time to pass)"),
            Parameter.nanos(PCIE_MMIO_ISSUE, pcie.mmioWriteIssuePs(), "CPU time to issue one MMIO write"),

            Parameter.integer(HOST_MEMORY, 64, "MiB", 4, 512, "host memory per host (reserved and zeroed at " +
                "start-up; the JVM's direct-memory limit must hold every host's)"),
            Parameter.integer(HOST_CORES, 1, "", 1, HostCpu.MAX_CORES, "CPU cores per host: queue i's interrupt " +
                "and its softirq run on core i mod cores; perf places flow f's programs on core f mod cores. Raise " +
                DeviceParameters.DRIVER_QUEUES + " and " + DeviceParameters.NIC_QUEUES + " with it: with the " +
                "default 1 queue pair, cores past 0 take only application threads (perf says so in a notice)"),
            Parameter.nanos(HOST_IRQ_LATENCY, cpu.interruptPs(),
                "MSI arrival to interrupt handler running: CPU time of taking the interrupt (estimate)"),
            Parameter.nanos(HOST_SYSCALL, cpu.syscallPs(),
                "entering and leaving the kernel for a system call (estimate)"),
            Parameter.nanos(HOST_WAKEUP, cpu.wakeupPs(), "waking a thread blocked in a system call (estimate)"),
            Parameter.nanos(HOST_STACK_TX, cpu.stackTxPacketPs(), "stack CPU work per packet sent (estimate)"),
            Parameter.nanos(HOST_STACK_RX, cpu.stackRxPacketPs(), "stack CPU work per packet received (estimate)"),
            Parameter.nanos(HOST_DRIVER_TX, cpu.driverTxPs(), "driver CPU work per frame sent (estimate)"),
            Parameter.nanos(HOST_DRIVER_RX, cpu.driverRxPs(), "driver CPU work per frame received (estimate)"),
            Parameter.nanos(HOST_COPY, cpu.copyPsPerKiB(), "CPU time to copy 1 KiB between a program and the " +
                "kernel in send() and recv() (estimate: ~10 GB/s memcpy)"),
            Parameter.nanos(HOST_GRO, cpu.groFramePs(), "GRO's CPU work per received frame when stack.gro is on " +
                "(estimate); the merged packets then cost host.stack_rx_packet_ns each"),

            Parameter.decimal(FAULT_DROP, 0, "", 0, 1, "probability a frame is lost on the link"),
            Parameter.ordinals(FAULT_DROP_FRAMES, 1, Long.MAX_VALUE, "frames lost on purpose: each receiving end " +
                "loses the frames it receives at these places, counted from 1 (e.g. 300,20000): the same losses " +
                "in every run"),
            Parameter.decimal(FAULT_CORRUPT, 0, "", 0, 1, "probability a frame gets one bit flipped (FCS then fails)"),
            Parameter.decimal(FAULT_DUPLICATE, 0, "", 0, 1, "probability a frame arrives twice"),
            Parameter.decimal(FAULT_REORDER, 0, "", 0, 1, "probability a frame swaps places with the next one"),
            Parameter.decimal(FAULT_DELAY, 0, "ns", 0, 1e9, "extra one-way delay on the link"),
            Parameter.decimal(FAULT_JITTER, 0, "ns", 0, 1e9, "uniform random extra delay in [0, jitter]"));
    }

    public static EthernetConfig ethernet(final Settings settings)
    {
        final long bitsPerSecond = Math.round(Double.parseDouble(settings.text(LINK_RATE)) * 1e9);
        final EthernetConfig cable = EthernetConfig.ofCable(bitsPerSecond, settings.decimal(LINK_CABLE));
        return new EthernetConfig(bitsPerSecond, cable.propagationPs(), cable.maxFrameBytes(),
            settings.integer32(LINK_IFG));
    }

    public static PcieConfig pcie(final Settings settings)
    {
        return new PcieConfig(settings.integer32(PCIE_GENERATION), settings.integer32(PCIE_LANES),
            settings.integer32(PCIE_MPS), settings.integer32(PCIE_MRRS), settings.integer32(PCIE_OUTSTANDING),
            settings.picosFromNanos(PCIE_READ_LATENCY), settings.integer(PCIE_COMPLETER),
            settings.picosFromNanos(PCIE_POSTED_WRITE), settings.picosFromNanos(PCIE_MMIO_WRITE),
            settings.picosFromNanos(PCIE_MMIO_READ), settings.picosFromNanos(PCIE_MMIO_ISSUE));
    }

    public static CpuCosts cpuCosts(final Settings settings)
    {
        return new CpuCosts(settings.picosFromNanos(HOST_SYSCALL), settings.picosFromNanos(HOST_WAKEUP),
            settings.picosFromNanos(HOST_STACK_TX), settings.picosFromNanos(HOST_STACK_RX),
            settings.picosFromNanos(HOST_DRIVER_TX), settings.picosFromNanos(HOST_DRIVER_RX),
            settings.picosFromNanos(HOST_COPY), settings.picosFromNanos(HOST_IRQ_LATENCY),
            settings.picosFromNanos(HOST_GRO));
    }
}
