package dev.nicsim.nic;

import dev.nicsim.hw.eth.EthernetConfig;
import dev.nicsim.hw.eth.EthernetLink.EthernetPort;
import dev.nicsim.hw.pcie.PciFunction;
import dev.nicsim.hw.pcie.device.DmaEngine;
import dev.nicsim.hw.pcie.device.PcieSlot;
import dev.nicsim.hw.sim.ClockDomain;
import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.trace.EventTrace;
import dev.nicsim.hw.trace.VcdWriter;
import dev.nicsim.nic.regs.DeviceIdentity;
import dev.nicsim.nic.regs.InterruptCauses;
import dev.nicsim.nic.regs.NicRegisters;
import dev.nicsim.nic.regs.QueueRegisters;

/**
 * The NS-1 10 GbE controller (docs/datasheet.md): plugged into a host's PCIe slot and attached to one end of an
 * Ethernet link. Software reaches it only through {@link #function()}: configuration space, BAR 0 and the MSI-X
 * vectors it programs there. This class is for the composition roots that build hosts; drivers see
 * {@code dev.nicsim.nic.regs} and nothing else.
 *
 * <p>Blocks, each on its own clock:
 * <pre>
 *  core (250 MHz, 64 B)                                                                 MAC (156.25 MHz, 8 B)
 *  RegisterFile -> DescriptorRing fetch -> TxEngine -> checksum -> TX PacketFifo ==> MacTx -> PHY -> wire
 *  wire -> PHY -> MacRx ==> RX PacketFifo -> RxEngine -> DMA write + write-back -> InterruptUnit -> MSI-X
 * </pre>
 * Latency is what these blocks do with the platform's DMA engine and link; no block adds a total at the end.
 *
 * <p>Power-on state is the reset state of the datasheet, link status from the port.
 */
public final class Nic
{
    final Simulator sim;
    final NicConfig config;
    final String name;
    final PcieSlot slot;
    final DmaEngine dma;
    final EthernetPort port;
    final ClockDomain core;
    final ClockDomain mac;
    final Statistics stats = new Statistics();
    final Errors errors;
    final InterruptUnit interrupts;
    final TxQueue[] txQueues;
    final RxQueue[] rxQueues;
    final Rss rss = new Rss(this);
    final TxEngine txEngine;
    final MacTx macTx;
    final RxEngine rxEngine;
    final MacRx macRx;
    private final PciFunction function;
    private final Event resetDone;

    EventTrace trace = EventTrace.off();
    NicSignals signals;

    /* General registers' state. */
    int ctrl;
    int rctl;
    int tctl;
    int rxcsum = NicRegisters.RXCSUM_RESET;
    int ral;
    int rah;
    boolean resetting;
    int generation;

    /**
     * Builds the device, plugs it into {@code slot} as BAR 0 and connects its MAC to {@code port}.
     *
     * @throws IllegalArgumentException if the MAC cannot keep up with the link's line rate, or the link cannot carry
     *                                  the device's largest frame
     */
    public Nic(final PcieSlot slot, final EthernetPort port, final NicConfig config)
    {
        final EthernetConfig link = port.link().config();
        if (config.macBitsPerSecond() < link.bitsPerSecond())
        {
            throw new IllegalArgumentException(slot.name() + ": the MAC moves " + config.macBitsPerSecond() +
                " b/s (" + config.macDatapathBytes() + " bytes per " + config.macClockPeriodPs() + " ps cycle) but " +
                "the link runs at " + link.bitsPerSecond() + " b/s: raise macDatapathBytes or the MAC clock");
        }
        if (config.maxFrameBytes() > link.maxFrameBytes())
        {
            throw new IllegalArgumentException(slot.name() + ": the device sends frames of up to " +
                config.maxFrameBytes() + " bytes but the link carries at most " + link.maxFrameBytes() +
                ": lower maxFrameBytes or use a link with a larger maximum");
        }
        this.sim = slot.sim();
        this.config = config;
        this.name = slot.name();
        this.slot = slot;
        this.dma = slot.dma();
        this.port = port;
        this.core = new ClockDomain(name + ".core", config.coreClockPeriodPs());
        this.mac = new ClockDomain(name + ".mac", config.macClockPeriodPs());
        this.errors = new Errors(this);
        this.interrupts = new InterruptUnit(this);
        this.txQueues = new TxQueue[config.txQueues()];
        for (int q = 0; q < txQueues.length; q++)
        {
            txQueues[q] = new TxQueue(this, q);
        }
        this.rxQueues = new RxQueue[config.rxQueues()];
        for (int q = 0; q < rxQueues.length; q++)
        {
            rxQueues[q] = new RxQueue(this, q);
        }
        this.txEngine = new TxEngine(this);
        this.macTx = new MacTx(this, port);
        this.rxEngine = new RxEngine(this);
        this.macRx = new MacRx(this, link.psPerByte());
        this.resetDone = new Event(name + ".reset-done", Component.NIC_PIPELINE, this::finishReset);
        loadStationAddress();
        dma.setFaultListener(errors);
        port.connect(macRx);
        port.setLinkStateListener(this::linkChanged);
        this.function = slot.plug(new RegisterFile(this, (int) (link.bitsPerSecond() / 1_000_000)));
    }

    /** Software's handle on the device: configuration space and BAR 0. */
    public PciFunction function()
    {
        return function;
    }

    /** The slot's name, which the device uses in traces and error messages. */
    public String name()
    {
        return name;
    }

    public NicConfig config()
    {
        return config;
    }

    /** The core clock (250 MHz by default): register file, descriptor engines, checksum unit, RX engine. */
    public ClockDomain coreClock()
    {
        return core;
    }

    /** The MAC clock (156.25 MHz by default). */
    public ClockDomain macClock()
    {
        return mac;
    }

    /**
     * A statistics counter's value ({@code dev.nicsim.nic.regs.Counters}), as a driver would read it from BAR 0, but
     * without the MMIO: for tests and reports.
     */
    public long counter(final int counter)
    {
        return stats.get(counter);
    }

    /**
     * A per-queue counter ({@code dev.nicsim.nic.regs.QueueCounters}: QPRC, QBRC, QPTC, QBTC) of queue {@code queue},
     * without the MMIO: for tests and reports.
     */
    public long queueCounter(final int queue, final int counter)
    {
        return stats.queueCounter(queue, counter);
    }

    /** Whether a software reset is in progress (CTRL.RST reads 1). */
    public boolean resetting()
    {
        return resetting;
    }

    /** Records register accesses, DMA, interrupts and frames into {@code trace} (costs one branch while disabled). */
    public void traceTo(final EventTrace trace)
    {
        this.trace = trace;
    }

    /**
     * Records the device's signals into {@code vcd} from now on: per queue ring head and tail, FIFO levels, one pulse
     * per MSI-X message, ICR and the MACs' busy states.
     */
    public void recordSignals(final VcdWriter vcd)
    {
        signals = new NicSignals(vcd, name, txQueues.length, rxQueues.length, interrupts.vectors());
        final long now = sim.now();
        for (int q = 0; q < txQueues.length; q++)
        {
            signals.txHead[q].set(now, txQueues[q].head());
            signals.txTail[q].set(now, txQueues[q].read(QueueRegisters.TAIL));
        }
        for (int q = 0; q < rxQueues.length; q++)
        {
            signals.rxHead[q].set(now, rxQueues[q].head());
            signals.rxTail[q].set(now, rxQueues[q].read(QueueRegisters.TAIL));
        }
        for (int v = 0; v < signals.irq.length; v++)
        {
            signals.irq[v].set(now, 0);
        }
        signals.txFifo.set(now, txEngine.fifo.level());
        signals.rxFifo.set(now, rxEngine.fifo.level());
        signals.macTxBusy.set(now, 0);
        signals.macRxBusy.set(now, 0);
        signals.icr.set(now, 0);
    }

    /** Whether the device may start DMA: not in reset and CTRL.GIO_MASTER_DISABLE clear. */
    boolean dmaAllowed()
    {
        return !resetting && (ctrl & NicRegisters.CTRL_GIO_MASTER_DISABLE) == 0;
    }

    /** STATUS.GIO_MASTER_ENABLED: DMA may start, or some is still in flight. */
    boolean masterActive()
    {
        return dmaAllowed() || dma.inFlight() > 0;
    }

    long stationAddress()
    {
        return NicRegisters.macAddress(ral, rah);
    }

    long resetEndsIn()
    {
        return resetDone.time() - sim.now();
    }

    void writeCtrl(final int value)
    {
        if ((value & NicRegisters.CTRL_RST) != 0)
        {
            startReset();
            return;
        }
        final boolean wasAllowed = dmaAllowed();
        ctrl = value & NicRegisters.CTRL_GIO_MASTER_DISABLE;
        if (!wasAllowed && dmaAllowed())
        {
            resume();
        }
    }

    void writeTctl(final int value)
    {
        final boolean enabling = (value & NicRegisters.TCTL_EN) != 0 && (tctl & NicRegisters.TCTL_EN) == 0;
        tctl = value;
        if (enabling)
        {
            resume();
        }
    }

    /** Something that held the fetch engines and TX/RX engines back is gone: let them look for work. */
    private void resume()
    {
        final int cycles = config.registerCycles() + config.fetchIssueCycles();
        for (final TxQueue queue : txQueues)
        {
            queue.kick(cycles);
        }
        for (final RxQueue queue : rxQueues)
        {
            queue.kick(cycles);
        }
        final long at = core.edgeAfter(sim.now(), config.registerCycles());
        txEngine.wake(at);
        rxEngine.wake(at);
    }

    private void startReset()
    {
        resetting = true;
        generation++;
        ctrl = 0;
        rctl = 0;
        tctl = 0;
        rxcsum = NicRegisters.RXCSUM_RESET;
        loadStationAddress();
        for (final TxQueue queue : txQueues)
        {
            queue.reset();
        }
        for (final RxQueue queue : rxQueues)
        {
            queue.reset();
        }
        txEngine.reset();
        macTx.reset();
        rxEngine.reset();
        rss.reset();
        interrupts.reset();
        stats.reset();
        errors.reset();
        sim.schedule(resetDone, core.edgeAfter(sim.now(), config.resetCycles()));
        if (trace.enabled())
        {
            trace.add(sim.now(), name, EventTrace.Kind.STATE, "software reset, done at " + resetDone.time() + " ps");
        }
    }

    private void finishReset()
    {
        resetting = false;
        if (trace.enabled())
        {
            trace.add(sim.now(), name, EventTrace.Kind.STATE, "reset done");
        }
    }

    private void loadStationAddress()
    {
        ral = NicRegisters.ral(config.macAddress());
        rah = NicRegisters.rah(config.macAddress());
    }

    private void linkChanged(final boolean up)
    {
        if (trace.enabled())
        {
            trace.add(sim.now(), name, EventTrace.Kind.STATE, "link " + (up ? "up" : "down"));
        }
        interrupts.cause(InterruptCauses.LSC);
    }

    @Override
    public String toString()
    {
        return name + " (NS-1 " + DeviceIdentity.VERSION_MAJOR + "." + DeviceIdentity.VERSION_MINOR + ", " +
            txQueues.length + " TX / " + rxQueues.length + " RX queues)";
    }
}
