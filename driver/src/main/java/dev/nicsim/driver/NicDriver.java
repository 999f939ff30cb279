package dev.nicsim.driver;

import dev.nicsim.hw.host.CpuUse;
import dev.nicsim.hw.host.HostCpu;
import dev.nicsim.hw.mem.DmaAllocator;
import dev.nicsim.hw.mem.Iommu;
import dev.nicsim.hw.pcie.InterruptController;
import dev.nicsim.hw.pcie.Mmio;
import dev.nicsim.hw.pcie.MsiVector;
import dev.nicsim.hw.pcie.PciConfigSpace;
import dev.nicsim.hw.pcie.PciFunction;
import dev.nicsim.hw.pcie.RootComplex;
import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.nic.regs.Counters;
import dev.nicsim.nic.regs.DeviceIdentity;
import dev.nicsim.nic.regs.InterruptCauses;
import dev.nicsim.nic.regs.NicRegisters;
import dev.nicsim.nic.regs.QueueCounters;
import dev.nicsim.nic.regs.QueueRegisters;
import dev.nicsim.nic.regs.RssRegisters;
import dev.nicsim.stack.device.FrameReceiver;
import dev.nicsim.stack.device.NetDevice;

import java.lang.foreign.MemorySegment;
import java.util.HexFormat;

/**
 * The NS-1's driver (docs/driver.md): it knows the device only through its PCI function (configuration space and
 * BAR 0, with the register map of {@code dev.nicsim.nic.regs}), host memory it allocates for DMA, and the MSI-X
 * vectors it takes from the host's interrupt controller. It is the stack's {@link NetDevice}: queue 0 by default, or
 * {@link DriverConfig#queues()} queue pairs, each with its RX, TX and vectors, RSS spreading received flows over them
 * and {@link #txQueueFor} picking a TX queue per flow; and TSO ({@link DriverConfig#tso()}) when the device has it.
 *
 * <ul>
 *   <li>{@link #probe()} identifies, resets and brings the device up in the datasheet's order; {@link #shutdown()}
 *   brings it down and waits for DMA to quiesce before freeing memory. Both block in simulated time: call them from
 *   set-up code, outside events.</li>
 *   <li>Transmit is zero-copy: a slot is a ring position whose buffer the stack writes in place; one doorbell per
 *   flush; a full ring answers {@link #NO_SLOT} and {@link FrameReceiver#txSpaceAvailable()} follows once the
 *   device has completed a burst.</li>
 *   <li>Receive is NAPI-style: the RX interrupt masks its MSI-X vector and schedules a poll, which lends up to the
 *   budget of frames to the stack in place, refills, writes the tail once, and unmasks when it ran out of frames.</li>
 * </ul>
 * Driver work is charged to the host CPU ({@code CpuCosts.driverTxPs} per frame sent, {@code driverRxPs} per frame
 * received), MMIO costs what the platform says, and nothing on the fast path allocates.
 */
public final class NicDriver implements DeviceDriver
{
    private static final int ETHERNET_OVERHEAD = 14 + 4 + 4;
    /** Slot bits above this name the TX queue (see {@link #txReserveOn}). */
    private static final int QUEUE_SHIFT = 16;
    private static final int INDEX_MASK = (1 << QUEUE_SHIFT) - 1;
    /**
     * The RSS key programmed at probe: the verification key of Microsoft's RSS specification (Linux fills a random
     * one per boot, netdev_rss_key_fill; a fixed key keeps runs reproducible). {@link #setRssKey} changes it.
     */
    private static final byte[] DEFAULT_RSS_KEY = HexFormat.of().parseHex(
        "6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa");

    private final String name;
    private final PciFunction function;
    private final Mmio bar;
    private final Simulator sim;
    private final Iommu iommu;
    private final InterruptController interrupts;
    private final DmaAllocator allocator;
    private final HostCpu cpu;
    private final DriverConfig config;
    private final Event[] poll;
    private final Event[] rxIrq;
    private final Event[] txIrq;
    private final Event otherIrq;
    /* Whether queue q's last poll used its whole budget (the stack may hold GRO packets over to the next). */
    private final boolean[] budgetSpent;

    private FrameReceiver receiver;
    private boolean up;
    private long mac;
    private int maxFrame = 1522;
    private int features;
    private boolean linkUp;
    private int itr;
    /* The adaptive mode's state, or null while the interval is static. */
    private AdaptiveModeration moderation;
    /* Traffic counts at the last adaptive update. */
    private long moderatedRxFrames;
    private long moderatedRxBytes;
    private long moderatedTxFrames;
    private long moderatedTxBytes;
    private int msixTable;
    /* Queue pairs in use: the configured number, or fewer if the device has fewer. */
    private int queues;
    private int deviceRxQueues;
    private int otherVectorIndex;
    private final MsiVector[] rxVector;
    private final MsiVector[] txVector;
    private MsiVector otherVector;
    private final TxRing[] tx;
    private final RxRing[] rx;
    private final boolean[] txBlocked;
    private boolean tso;

    private final long[] rxInterrupts;
    private final long[] txInterrupts;
    private long otherInterrupts;
    private long polls;
    private long deviceErrors;
    private int lastDeviceError;

    /**
     * A driver for the NS-1 behind {@code function}, on the host whose root complex is {@code root} (memory, IOMMU,
     * interrupt controller). Nothing touches the device until {@link #probe()}.
     */
    public NicDriver(final String name, final PciFunction function, final RootComplex root,
        final DmaAllocator allocator, final HostCpu cpu, final DriverConfig config)
    {
        this.name = name;
        this.function = function;
        this.bar = function.bar0();
        this.sim = root.sim();
        this.iommu = root.iommu();
        this.interrupts = root.interrupts();
        this.allocator = allocator;
        this.cpu = cpu;
        this.config = config;
        if (config.itrMode() == ItrMode.ADAPTIVE)
        {
            this.moderation = new AdaptiveModeration();
            this.itr = AdaptiveModeration.itrUnits(AdaptiveModeration.INITIAL_RATE);
        }
        else
        {
            this.itr = config.itr();
        }
        final int pairs = config.queues();
        this.poll = new Event[pairs];
        this.rxIrq = new Event[pairs];
        this.txIrq = new Event[pairs];
        this.budgetSpent = new boolean[pairs];
        this.rxVector = new MsiVector[pairs];
        this.txVector = new MsiVector[pairs];
        this.tx = new TxRing[pairs];
        this.rx = new RxRing[pairs];
        this.txBlocked = new boolean[pairs];
        this.rxInterrupts = new long[pairs];
        this.txInterrupts = new long[pairs];
        for (int q = 0; q < pairs; q++)
        {
            final int queue = q;
            final String suffix = q == 0 ? "" : Integer.toString(q);
            poll[q] = new Event(name + ".napi-poll" + suffix, Component.HOST_CPU, () -> poll(queue));
            rxIrq[q] = new Event(name + ".rx-irq" + suffix, Component.HOST_CPU, () -> rxInterrupt(queue));
            txIrq[q] = new Event(name + ".tx-irq" + suffix, Component.HOST_CPU, () -> txInterrupt(queue));
        }
        this.otherIrq = new Event(name + ".other-irq", Component.HOST_CPU, this::otherInterrupt);
    }

    /* ---------------------------------------------------------------------------------------------------------- */
    /* Life cycle                                                                                                   */

    /**
     * Brings the device up: checks its identity, resets it (polling CTRL.RST until the reset timeout), reads the MAC
     * address, enables bus mastering, allocates and maps rings and buffers, programs the registers in the datasheet's
     * order (§8.1), fills the RX ring, enables the queues, sets the throttling interval and unmasks the vectors.
     *
     * @throws DriverException       if the device is not an NS-1 of a version this driver knows, lacks MSI-X, does
     *                               not come out of reset, or its frames do not fit the configured RX buffers
     * @throws IllegalStateException if called inside an event (it blocks) or twice
     */
    public void probe()
    {
        outsideEvents("probe");
        if (up)
        {
            throw new IllegalStateException(name + ": probe() called twice; shutdown() first");
        }
        identify();
        reset();
        mac = NicRegisters.macAddress(bar.read32(NicRegisters.RAL0), bar.read32(NicRegisters.RAH0));
        if ((bar.read32(NicRegisters.RAH0) & NicRegisters.RAH_AV) == 0 || mac == 0)
        {
            throw new DriverException(name + ": the device has no valid MAC address in RAL0/RAH0 (AV clear)");
        }
        final DriverFault fault = config.fault();
        if (fault != DriverFault.NO_BUS_MASTER)
        {
            function.enableBusMaster();
        }
        tso = config.tso() && (features & DeviceIdentity.FEATURE_TSO) != 0;
        for (int q = 0; q < queues; q++)
        {
            rx[q] = new RxRing(allocator, iommu, bar, name, q, config.rxRingSize(), config.rxBufferBytes(),
                fault != DriverFault.UNMAPPED_RX_BUFFERS);
            tx[q] = new TxRing(allocator, iommu, bar, name, q, config.txRingSize(), config.txBufferBytes(), maxFrame,
                fault == DriverFault.MISALIGNED_RING ? 64 : 0, tso ? DriverConfig.TSO_BUFFERS : 0);
        }
        for (int q = 0; q < queues; q++)
        {
            final int queue = q;
            rxVector[q] = interrupts.allocate(name + "-rx" + q, () -> rxInterrupt(queue));
        }
        for (int q = 0; q < queues; q++)
        {
            final int queue = q;
            txVector[q] = interrupts.allocate(name + "-tx" + q, () -> txInterrupt(queue));
        }
        otherVector = interrupts.allocate(name + "-other", this::otherInterrupt);
        if (fault == DriverFault.UNMASK_BEFORE_PROGRAMMING)
        {
            unmask(rxVectorIndex(0));
        }
        for (int q = 0; q < queues; q++)
        {
            program(rxVectorIndex(q), rxVector[q]);
        }
        for (int q = 0; q < queues; q++)
        {
            program(txVectorIndex(q), txVector[q]);
        }
        program(otherVectorIndex, otherVector);
        bar.write32(NicRegisters.RXCSUM, 14);
        int causes = InterruptCauses.LSC | InterruptCauses.DERR;
        for (int q = 0; q < queues; q++)
        {
            ring(QueueRegisters.RX_BASE + QueueRegisters.STRIDE * q, rx[q]);
            bar.write32(QueueRegisters.rx(q, QueueRegisters.TAIL), rx[q].initialTail());
            causes |= InterruptCauses.rxQueue(q) | InterruptCauses.txQueue(q);
        }
        if (queues > 1)
        {
            setRssKey(DEFAULT_RSS_KEY);
            setRssTable(evenTable(queues));
            bar.write32(RssRegisters.MRQC, RssRegisters.MRQC_MODE_RSS | RssRegisters.MRQC_TCPIPV4 |
                RssRegisters.MRQC_IPV4 | RssRegisters.MRQC_UDPIPV4);
        }
        bar.write32(NicRegisters.RCTL, NicRegisters.RCTL_EN | NicRegisters.RCTL_BAM | bufferSizeBits());
        for (int q = 0; q < queues; q++)
        {
            ring(QueueRegisters.TX_BASE + QueueRegisters.STRIDE * q, tx[q]);
        }
        bar.write32(NicRegisters.TCTL, NicRegisters.TCTL_EN | NicRegisters.TCTL_PSP);
        bar.write32(NicRegisters.ITR, itr);
        bar.write32(NicRegisters.IMS, causes);
        for (int q = 0; q < queues; q++)
        {
            unmask(rxVectorIndex(q));
        }
        for (int q = 0; q < queues; q++)
        {
            unmask(txVectorIndex(q));
        }
        unmask(otherVectorIndex);
        linkUp = (bar.read32(NicRegisters.STATUS) & NicRegisters.STATUS_LU) != 0;
        up = true;
    }

    /**
     * Brings the device down (datasheet §8.3): masks every vector, disables queues, receiver and transmitter, stops
     * the device's DMA and waits until STATUS says every transfer has completed, and only then unmaps and frees rings
     * and buffers, frees the vectors and clears bus mastering.
     *
     * @throws DriverException if DMA does not quiesce within the timeout (memory is then left mapped: the device
     *                         might still write it)
     */
    public void shutdown()
    {
        outsideEvents("shutdown");
        if (!up)
        {
            throw new IllegalStateException(name + ": shutdown() of a device that is not up");
        }
        up = false;
        for (int q = 0; q < queues; q++)
        {
            mask(rxVectorIndex(q));
            mask(txVectorIndex(q));
        }
        mask(otherVectorIndex);
        bar.write32(NicRegisters.IMC, 0xFFFF_FFFF);
        for (int q = 0; q < queues; q++)
        {
            bar.write32(QueueRegisters.rx(q, QueueRegisters.DCTL), 0);
            bar.write32(QueueRegisters.tx(q, QueueRegisters.DCTL), 0);
        }
        bar.write32(NicRegisters.RCTL, 0);
        bar.write32(NicRegisters.TCTL, 0);
        bar.write32(NicRegisters.CTRL, NicRegisters.CTRL_GIO_MASTER_DISABLE);
        final long deadline = sim.now() + config.quiesceTimeoutPs();
        while ((bar.read32(NicRegisters.STATUS) & NicRegisters.STATUS_GIO_MASTER_ENABLED) != 0)
        {
            if (sim.now() > deadline)
            {
                throw new DriverException(name + ": DMA did not quiesce within " + Time.format(
                    config.quiesceTimeoutPs()) + " of setting CTRL.GIO_MASTER_DISABLE; rings and buffers stay " +
                    "mapped");
            }
        }
        for (int q = 0; q < queues; q++)
        {
            sim.cancel(poll[q]);
            sim.cancel(rxIrq[q]);
            sim.cancel(txIrq[q]);
            rx[q].release(allocator, iommu);
            tx[q].release(allocator, iommu);
            interrupts.free(rxVector[q]);
            interrupts.free(txVector[q]);
        }
        sim.cancel(otherIrq);
        interrupts.free(otherVector);
        function.disableBusMaster();
        linkUp = false;
    }

    /** Whether {@link #probe()} has brought the device up (and no shutdown since). */
    public boolean isUp()
    {
        return up;
    }

    private void identify()
    {
        final int vendor = function.configRead16(PciConfigSpace.OFFSET_VENDOR_ID);
        final int device = function.configRead16(PciConfigSpace.OFFSET_DEVICE_ID);
        if (vendor != DeviceIdentity.PCI_VENDOR_ID || device != DeviceIdentity.PCI_DEVICE_ID)
        {
            throw new DriverException(String.format("%s: PCI function %s is %04x:%04x, not an NS-1 (%04x:%04x); " +
                "bind this driver to an NS-1 only", name, function.name(), vendor, device,
                DeviceIdentity.PCI_VENDOR_ID, DeviceIdentity.PCI_DEVICE_ID));
        }
        function.configWrite16(PciConfigSpace.OFFSET_COMMAND,
            function.configRead16(PciConfigSpace.OFFSET_COMMAND) | PciConfigSpace.COMMAND_MEMORY_SPACE);
        final int id = bar.read32(NicRegisters.ID);
        if (id != DeviceIdentity.ID_VALUE)
        {
            throw new DriverException(String.format("%s: the ID register reads 0x%08x, not 0x%08x (\"NS01\"): " +
                "not an NS-1, or BAR 0 is not mapped", name, id, DeviceIdentity.ID_VALUE));
        }
        final int version = bar.read32(NicRegisters.VERSION);
        if (DeviceIdentity.major(version) != DeviceIdentity.VERSION_MAJOR)
        {
            throw new DriverException(name + ": device version " + DeviceIdentity.major(version) + "." +
                (version & 0xFFFF) + " is not supported: this driver knows major version " +
                DeviceIdentity.VERSION_MAJOR + "; use a driver for that version");
        }
        features = bar.read32(NicRegisters.FEATURES);
        if ((features & DeviceIdentity.FEATURE_MSIX) == 0)
        {
            throw new DriverException(name + ": the device does not offer MSI-X (FEATURES = 0x" +
                Integer.toHexString(features) + "), which this driver needs");
        }
        final int queueField = bar.read32(NicRegisters.QUEUES);
        final int txQueues = DeviceIdentity.queuesField(queueField, DeviceIdentity.QUEUES_TX_SHIFT);
        final int rxQueues = DeviceIdentity.queuesField(queueField, DeviceIdentity.QUEUES_RX_SHIFT);
        queues = Math.min(config.queues(), Math.min(txQueues, rxQueues));
        deviceRxQueues = rxQueues;
        otherVectorIndex = InterruptCauses.otherVector(rxQueues, txQueues);
        msixTable = bar.read32(NicRegisters.MSIX_TABLE);
        maxFrame = bar.read32(NicRegisters.MAX_FRAME);
        if (config.rxBufferBytes() < maxFrame - 4)
        {
            throw new DriverException(name + ": RX buffers of " + config.rxBufferBytes() + " bytes cannot hold the " +
                "device's largest frame (" + (maxFrame - 4) + " bytes without FCS); configure rxBufferBytes 2048");
        }
    }

    private void reset()
    {
        bar.write32(NicRegisters.CTRL, NicRegisters.CTRL_RST);
        final long deadline = sim.now() + config.resetTimeoutPs();
        int ctrl;
        while (((ctrl = bar.read32(NicRegisters.CTRL)) & NicRegisters.CTRL_RST) != 0)
        {
            if (sim.now() > deadline)
            {
                throw new DriverException(name + ": the device did not come out of reset within " +
                    Time.format(config.resetTimeoutPs()) + " (CTRL = 0x" + Integer.toHexString(ctrl) + ")");
            }
        }
    }

    private int rxVectorIndex(final int queue)
    {
        return InterruptCauses.rxVector(queue);
    }

    private int txVectorIndex(final int queue)
    {
        return InterruptCauses.txVector(deviceRxQueues, queue);
    }

    @Override
    public boolean programsRss()
    {
        return true;
    }

    /** Both checked before either is written, so that a refused call leaves RSS as it was. */
    @Override
    public void setRss(final byte[] key, final int[] table)
    {
        checkRssKey(key);
        if (table != null)
        {
            checkRssTable(table);
        }
        writeRssKey(key);
        if (table != null)
        {
            writeRssTable(table);
        }
    }

    /** Entry i names queue i mod n, as Linux's ethtool_rxfh_indir_default spreads n queues. */
    private static int[] evenTable(final int n)
    {
        final int[] table = new int[RssRegisters.RETA_ENTRIES];
        for (int i = 0; i < table.length; i++)
        {
            table[i] = i % n;
        }
        return table;
    }

    /**
     * Programs the RSS indirection table (as {@code ethtool -X}): entry i, for hash values whose low 7 bits are i,
     * names RX queue {@code table[i]}, one of the queues in use.
     */
    public void setRssTable(final int[] table)
    {
        checkRssTable(table);
        writeRssTable(table);
    }

    private void writeRssTable(final int[] table)
    {
        for (int r = 0; r < RssRegisters.RETA_REGISTERS; r++)
        {
            int value = 0;
            for (int k = 0; k < 4; k++)
            {
                value |= table[4 * r + k] << 8 * k;
            }
            bar.write32(RssRegisters.reta(r), value);
        }
    }

    private void checkRssTable(final int[] table)
    {
        if (table.length != RssRegisters.RETA_ENTRIES)
        {
            throw new IllegalArgumentException(name + ": the RSS table has " + RssRegisters.RETA_ENTRIES +
                " entries, got " + table.length);
        }
        for (int i = 0; i < table.length; i++)
        {
            if (table[i] < 0 || table[i] >= queues)
            {
                throw new IllegalArgumentException(name + ": RSS table entry " + i + " names queue " + table[i] +
                    "; the driver uses queues 0 to " + (queues - 1));
            }
        }
    }

    /** The key probe programs, for tools that offer it as the default of their own key setting. */
    public static byte[] defaultRssKey()
    {
        return DEFAULT_RSS_KEY.clone();
    }

    /** Programs the 40-byte RSS hash key (as {@code ethtool -X hkey}). */
    public void setRssKey(final byte[] key)
    {
        checkRssKey(key);
        writeRssKey(key);
    }

    private void writeRssKey(final byte[] key)
    {
        for (int r = 0; r < RssRegisters.KEY_REGISTERS; r++)
        {
            bar.write32(RssRegisters.rssrk(r), RssRegisters.keyRegister(key, r));
        }
    }

    private void checkRssKey(final byte[] key)
    {
        if (key.length != RssRegisters.KEY_BYTES)
        {
            throw new IllegalArgumentException(name + ": the RSS key has " + RssRegisters.KEY_BYTES + " bytes, got " +
                key.length);
        }
    }

    private void ring(final int block, final RingMemory ring)
    {
        bar.write32(block + QueueRegisters.BAL, (int) ring.ringAddress());
        bar.write32(block + QueueRegisters.BAH, (int) (ring.ringAddress() >>> 32));
        bar.write32(block + QueueRegisters.LEN, ring.ringBytes());
        bar.write32(block + QueueRegisters.DCTL, QueueRegisters.DCTL_ENABLE);
    }

    private int bufferSizeBits()
    {
        return switch (config.rxBufferBytes())
        {
            case 256 -> NicRegisters.RCTL_BSIZE_256;
            case 512 -> NicRegisters.RCTL_BSIZE_512;
            case 1024 -> NicRegisters.RCTL_BSIZE_1024;
            default -> NicRegisters.RCTL_BSIZE_2048;
        };
    }

    private void program(final int entry, final MsiVector vector)
    {
        bar.write32(msix(entry, NicRegisters.MSIX_ADDRESS_LOW), (int) vector.address());
        bar.write32(msix(entry, NicRegisters.MSIX_ADDRESS_HIGH), (int) (vector.address() >>> 32));
        bar.write32(msix(entry, NicRegisters.MSIX_DATA), vector.data());
    }

    private void mask(final int entry)
    {
        bar.write32(msix(entry, NicRegisters.MSIX_CONTROL), NicRegisters.MSIX_CONTROL_MASK);
    }

    private void unmask(final int entry)
    {
        bar.write32(msix(entry, NicRegisters.MSIX_CONTROL), 0);
    }

    /** A field of an MSI-X table entry, wherever the header says the table is. */
    private int msix(final int entry, final int field)
    {
        return msixTable + NicRegisters.MSIX_ENTRY_BYTES * entry + field;
    }

    private void outsideEvents(final String call)
    {
        if (sim.inEvent())
        {
            throw new IllegalStateException(name + ": " + call + "() polls the device in simulated time and so must " +
                "be called from set-up code, outside any event");
        }
    }

    /* ---------------------------------------------------------------------------------------------------------- */
    /* Interrupts and NAPI                                                                                          */

    /** RX vector of queue q: mask it and let the queue's poll run (as softirq, after this handler). */
    private void rxInterrupt(final int q)
    {
        if (cpu.waitsForIrqCore(q, rxIrq[q]))
        {
            return;
        }
        cpu.beginOnIrqCore(q, CpuUse.IRQ);
        cpu.charge(cpu.costs().interruptPs());
        rxInterrupts[q]++;
        mask(rxVectorIndex(q));
        if (!poll[q].isScheduled())
        {
            sim.scheduleIn(poll[q], 0);
        }
        cpu.end();
    }

    /**
     * One NAPI poll. Under budget it unmasks the vector (a frame that came meanwhile has left its vector pending, and
     * unmasking sends it); at budget it yields and polls again.
     */
    private void poll(final int q)
    {
        if (!up || cpu.waitsForIrqCore(q, poll[q]))
        {
            return;
        }
        cpu.beginOnIrqCore(q, CpuUse.DRIVER);
        polls++;
        final int done = rx[q].poll(receiver, config.napiBudget(), cpu, cpu.costs().driverRxPs());
        if (receiver != null)
        {
            if (done == config.napiBudget())
            {
                receiver.receiveBudgetSpent(q);
            }
            else if (done > 0 || budgetSpent[q])
            {
                receiver.receiveBatchDone(q);
            }
        }
        budgetSpent[q] = done == config.napiBudget();
        if (done < config.napiBudget())
        {
            if (moderation != null)
            {
                adaptModeration();
            }
            unmask(rxVectorIndex(q));
        }
        else
        {
            sim.scheduleIn(poll[q], 0);
        }
        cpu.end();
    }

    /* e1000's dynamic ITR: after a completed poll, re-rate from the traffic since the last one; ITR is written only
     * when the rate changes. */
    private void adaptModeration()
    {
        final long rxFrames = framesReceived();
        final long rxBytes = sum(rx, true);
        final long txFrames = framesSent();
        final long txBytes = sum(tx, true);
        final int rate = moderation.update(rxFrames - moderatedRxFrames, rxBytes - moderatedRxBytes,
            txFrames - moderatedTxFrames, txBytes - moderatedTxBytes);
        moderatedRxFrames = rxFrames;
        moderatedRxBytes = rxBytes;
        moderatedTxFrames = txFrames;
        moderatedTxBytes = txBytes;
        final int units = AdaptiveModeration.itrUnits(rate);
        if (units != itr)
        {
            itr = units;
            bar.write32(NicRegisters.ITR, units);
        }
    }

    /** TX vector of queue q: a burst completed; reclaim, and tell a stack that met a full ring. */
    private void txInterrupt(final int q)
    {
        if (cpu.waitsForIrqCore(q, txIrq[q]))
        {
            return;
        }
        cpu.beginOnIrqCore(q, CpuUse.IRQ);
        cpu.charge(cpu.costs().interruptPs());
        txInterrupts[q]++;
        tx[q].reclaim();
        if (txBlocked[q] && tx[q].free() > 0)
        {
            txBlocked[q] = false;
            if (receiver != null)
            {
                receiver.txSpaceAvailable();
            }
        }
        cpu.end();
    }

    /** Link and error vector: read (and so clear) ICR, follow the link, note device errors. */
    private void otherInterrupt()
    {
        if (cpu.waitsForIrqCore(0, otherIrq))
        {
            return;
        }
        cpu.begin(CpuUse.IRQ);
        cpu.charge(cpu.costs().interruptPs());
        otherInterrupts++;
        final int causes = bar.read32(NicRegisters.ICR);
        if ((causes & InterruptCauses.DERR) != 0)
        {
            deviceErrors++;
            lastDeviceError = bar.read32(NicRegisters.ERRCODE);
        }
        if ((causes & InterruptCauses.LSC) != 0)
        {
            final boolean now = (bar.read32(NicRegisters.STATUS) & NicRegisters.STATUS_LU) != 0;
            if (now != linkUp)
            {
                linkUp = now;
                if (receiver != null)
                {
                    receiver.linkChanged(now);
                }
            }
        }
        cpu.end();
    }

    /* ---------------------------------------------------------------------------------------------------------- */
    /* NetDevice                                                                                                    */

    @Override
    public String name()
    {
        return name;
    }

    /** The device's MAC address, read from RAL0/RAH0 at probe (0 before). */
    @Override
    public long macAddress()
    {
        return mac;
    }

    @Override
    public int mtu()
    {
        return maxFrame - ETHERNET_OVERHEAD;
    }

    @Override
    public int features()
    {
        return ((features & DeviceIdentity.FEATURE_TX_CSUM) != 0 ? FEATURE_TX_CHECKSUM : 0) |
            ((features & DeviceIdentity.FEATURE_RX_CSUM) != 0 ? FEATURE_RX_CHECKSUM : 0) |
            (tso ? FEATURE_TSO : 0);
    }

    /** The queue pairs in use (known after probe; 1 before). */
    @Override
    public int txQueues()
    {
        return Math.max(queues, 1);
    }

    @Override
    public int rxQueues()
    {
        return Math.max(queues, 1);
    }

    /** As Linux's skb_tx_hash without XPS maps: the hash scaled onto the queues (reciprocal_scale). */
    @Override
    public int txQueueFor(final int flowHash)
    {
        return DeviceDriver.queueFor(flowHash, txQueues());
    }

    @Override
    public boolean linkUp()
    {
        return linkUp;
    }

    /** Where received frames and link changes go; frames that arrive while none is set are dropped and counted. */
    @Override
    public void setReceiver(final FrameReceiver receiver)
    {
        this.receiver = receiver;
    }

    @Override
    public int txReserve()
    {
        return txReserveOn(0);
    }

    /** A slot of TX queue {@code queue}: the queue in bits 16 and up, the ring position (and TSO bit) below. */
    @Override
    public int txReserveOn(final int queue)
    {
        if (!up)
        {
            return NO_SLOT;
        }
        checkQueue(queue);
        final int slot = tx[queue].reserve();
        if (slot == NO_SLOT)
        {
            txBlocked[queue] = true;
            return NO_SLOT;
        }
        return queue << QUEUE_SHIFT | slot;
    }

    private void checkQueue(final int queue)
    {
        if (queue < 0 || queue >= queues)
        {
            throw new IllegalArgumentException(name + ": TX queue " + queue + " does not exist (0 to " +
                (queues - 1) + ")");
        }
    }

    /** The host's memory: every TX buffer lies in it, at {@link #txOffset(int)}. */
    @Override
    public MemorySegment txMemory()
    {
        return tx[0].memory;
    }

    @Override
    public long txOffset(final int slot)
    {
        return tx[slot >>> QUEUE_SHIFT].slotOffset(slot & INDEX_MASK);
    }

    @Override
    public int txCapacity()
    {
        return tx[0].capacity();
    }

    @Override
    public void txCommit(final int slot, final int length, final int checksumStart, final int checksumOffset)
    {
        beginCommit(slot, "txCommit");
        tx[slot >>> QUEUE_SHIFT].commit(slot & INDEX_MASK, length, checksumStart, checksumOffset);
        cpu.end();
    }

    /**
     * Starts a commit of {@code slot}: the device must be up; the per-frame transmit cost is charged as the slot's
     * queue's work, which the caller ends once the descriptors are written.
     */
    private void beginCommit(final int slot, final String call)
    {
        if (!up)
        {
            throw new IllegalStateException(name + ": " + call + "() on a device that is not up");
        }
        cpu.beginOnIrqCore(slot >>> QUEUE_SHIFT, CpuUse.DRIVER);
        cpu.charge(CpuUse.DRIVER, cpu.costs().driverTxPs());
    }

    /** One doorbell per queue that has something new. */
    @Override
    public void txFlush()
    {
        if (up)
        {
            for (int q = 0; q < queues; q++)
            {
                if (tx[q].hasCommitted())
                {
                    cpu.beginOnIrqCore(q, CpuUse.DRIVER);
                    tx[q].flush();
                    cpu.end();
                }
            }
        }
    }

    /** 64 KiB of payload and 128 bytes of headers, with TSO; 0 without. */
    @Override
    public int tsoMaxBytes()
    {
        return tso ? DriverConfig.TSO_BUFFER_BYTES : 0;
    }

    @Override
    public int txReserveTso(final int queue, final int length)
    {
        if (!tso)
        {
            throw new IllegalStateException(name + ": TSO is off (the device lacks FEATURES.TSO or the driver " +
                "config has tso false)");
        }
        if (!up)
        {
            return NO_SLOT;
        }
        checkQueue(queue);
        final int slot = tx[queue].reserveTso(length);
        if (slot == NO_SLOT)
        {
            txBlocked[queue] = true;
            return NO_SLOT;
        }
        return queue << QUEUE_SHIFT | slot;
    }

    /** One descriptor per 16 KiB of the segment; the device cuts it into frames. Charged as one transmit. */
    @Override
    public void txCommitTso(final int slot, final int length, final int headerLength, final int mss)
    {
        beginCommit(slot, "txCommitTso");
        tx[slot >>> QUEUE_SHIFT].commitTso(slot & INDEX_MASK, length, headerLength, mss);
        cpu.end();
    }

    /* ---------------------------------------------------------------------------------------------------------- */
    /* Runtime control and statistics                                                                               */

    /**
     * Sets every vector's interrupt throttling interval, in 256 ns units (0 turns it off), at run time: one posted
     * write to ITR. For co-design experiments: what does moderation do to latency and interrupt load? As with
     * {@code ethtool -C rx-usecs}, this turns the adaptive mode off.
     */
    public void setItr(final int units)
    {
        if (units < 0 || units > NicRegisters.ITR_INTERVAL_MASK)
        {
            throw new IllegalArgumentException(name + ": ITR is 0 to 65535 units of 256 ns, got " + units);
        }
        itr = units;
        moderation = null;
        if (up)
        {
            bar.write32(NicRegisters.ITR, units);
        }
    }

    public int itr()
    {
        return itr;
    }

    /**
     * A device counter ({@code dev.nicsim.nic.regs.Counters}), read over MMIO as a driver must: low half (which
     * latches the high half), then high half. Two MMIO reads: a slow path.
     */
    public long readCounter(final int counter)
    {
        if (counter < 0 || counter >= Counters.COUNT)
        {
            throw new IllegalArgumentException(name + ": counter " + counter + " does not exist (0 to " +
                (Counters.COUNT - 1) + ", see Counters)");
        }
        final int low = bar.read32(Counters.offset(counter));
        final int high = bar.read32(Counters.offset(counter) + 4);
        return (long) high << 32 | (low & 0xFFFF_FFFFL);
    }

    /** Every device counter, indexed as {@code Counters}. */
    public long[] readCounters()
    {
        final long[] values = new long[Counters.COUNT];
        for (int counter = 0; counter < values.length; counter++)
        {
            values[counter] = readCounter(counter);
        }
        return values;
    }

    /** TX doorbells (tail writes) rung: one per flush that had something to hand over. */
    public long doorbells()
    {
        long sum = 0;
        for (final TxRing ring : tx)
        {
            sum += ring == null ? 0 : ring.doorbells();
        }
        return sum;
    }

    /** Frames sent on every queue; a TSO segment counts the frames the device cuts it into. */
    public long framesSent()
    {
        return sum(tx, false);
    }

    public long framesReceived()
    {
        return sum(rx, false);
    }

    /** Frames sent on TX queue {@code queue}. */
    public long framesSent(final int queue)
    {
        return tx[queue] == null ? 0 : tx[queue].frames();
    }

    /** Frames received on RX queue {@code queue}. */
    public long framesReceived(final int queue)
    {
        return rx[queue] == null ? 0 : rx[queue].frames();
    }

    /** TSO segments handed to the device, all queues. */
    public long tsoSegments()
    {
        long sum = 0;
        for (final TxRing ring : tx)
        {
            sum += ring == null ? 0 : ring.segments();
        }
        return sum;
    }

    /** Frames (or bytes) of every ring, those not set up counting 0. */
    private static long sum(final RingMemory[] rings, final boolean bytes)
    {
        long sum = 0;
        for (final RingMemory ring : rings)
        {
            if (ring instanceof TxRing t)
            {
                sum += bytes ? t.bytes() : t.frames();
            }
            else if (ring instanceof RxRing r)
            {
                sum += bytes ? r.bytes() : r.frames();
            }
        }
        return sum;
    }

    /** Times {@link #txReserve()} (or another reserve) found a ring full. */
    public long txNoSlot()
    {
        long sum = 0;
        for (final TxRing ring : tx)
        {
            sum += ring == null ? 0 : ring.noSlot();
        }
        return sum;
    }

    /** Frames received before the stack set a receiver (dropped). */
    public long rxUnclaimed()
    {
        long sum = 0;
        for (final RxRing ring : rx)
        {
            sum += ring == null ? 0 : ring.unclaimed();
        }
        return sum;
    }

    @Override
    public long rxInterrupts(final int queue)
    {
        return rxInterrupts[queue];
    }

    @Override
    public long txInterrupts(final int queue)
    {
        return txInterrupts[queue];
    }

    /**
     * A per-queue device counter ({@code dev.nicsim.nic.regs.QueueCounters}: QPRC, QBRC, QPTC, QBTC), read over
     * MMIO: low half, then high half.
     */
    public long readQueueCounter(final int queue, final int counter)
    {
        final int offset = QueueCounters.offset(queue, counter);
        final int low = bar.read32(offset);
        final int high = bar.read32(offset + 4);
        return (long) high << 32 | (low & 0xFFFF_FFFFL);
    }

    @Override
    public long otherInterrupts()
    {
        return otherInterrupts;
    }

    public long polls()
    {
        return polls;
    }

    /** Errors the device reported with cause DERR (silicon mode), and the last ERRCODE read. */
    public long deviceErrors()
    {
        return deviceErrors;
    }

    public int lastDeviceError()
    {
        return lastDeviceError;
    }

    @Override
    public String toString()
    {
        return name + " (NS-1 driver, " + (up ? "up" : "down") + ")";
    }
}
