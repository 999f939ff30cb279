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
import dev.nicsim.nic.regs.QueueRegisters;
import dev.nicsim.stack.device.FrameReceiver;
import dev.nicsim.stack.device.NetDevice;

import java.lang.foreign.MemorySegment;

/**
 * The NS-1's driver (docs/driver.md): it knows the device only through its PCI function (configuration space and
 * BAR 0, with the register map of {@code dev.nicsim.nic.regs}), host memory it allocates for DMA, and the MSI-X
 * vectors it takes from the host's interrupt controller. It is the stack's {@link NetDevice} for queue 0.
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

    private final String name;
    private final PciFunction function;
    private final Mmio bar;
    private final Simulator sim;
    private final Iommu iommu;
    private final InterruptController interrupts;
    private final DmaAllocator allocator;
    private final HostCpu cpu;
    private final DriverConfig config;
    private final Event poll;
    private final Event rxIrq;
    private final Event txIrq;
    private final Event otherIrq;

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
    private int rxVectorIndex;
    private int txVectorIndex;
    private int otherVectorIndex;
    private MsiVector rxVector;
    private MsiVector txVector;
    private MsiVector otherVector;
    private TxRing tx;
    private RxRing rx;
    private boolean txBlocked;

    private long rxInterrupts;
    private long txInterrupts;
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
        this.poll = new Event(name + ".napi-poll", Component.HOST_CPU, this::poll);
        this.rxIrq = new Event(name + ".rx-irq", Component.HOST_CPU, this::rxInterrupt);
        this.txIrq = new Event(name + ".tx-irq", Component.HOST_CPU, this::txInterrupt);
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
        rx = new RxRing(allocator, iommu, bar, name, config.rxRingSize(), config.rxBufferBytes(),
            fault != DriverFault.UNMAPPED_RX_BUFFERS);
        tx = new TxRing(allocator, iommu, bar, name, config.txRingSize(), config.txBufferBytes(), maxFrame,
            fault == DriverFault.MISALIGNED_RING ? 64 : 0);
        rxVector = interrupts.allocate(name + "-rx0", this::rxInterrupt);
        txVector = interrupts.allocate(name + "-tx0", this::txInterrupt);
        otherVector = interrupts.allocate(name + "-other", this::otherInterrupt);
        if (fault == DriverFault.UNMASK_BEFORE_PROGRAMMING)
        {
            unmask(rxVectorIndex);
        }
        program(rxVectorIndex, rxVector);
        program(txVectorIndex, txVector);
        program(otherVectorIndex, otherVector);
        bar.write32(NicRegisters.RXCSUM, 14);
        ring(QueueRegisters.RX_BASE, rx);
        bar.write32(QueueRegisters.rx(0, QueueRegisters.TAIL), rx.initialTail());
        bar.write32(NicRegisters.RCTL, NicRegisters.RCTL_EN | NicRegisters.RCTL_BAM | bufferSizeBits());
        ring(QueueRegisters.TX_BASE, tx);
        bar.write32(NicRegisters.TCTL, NicRegisters.TCTL_EN | NicRegisters.TCTL_PSP);
        bar.write32(NicRegisters.ITR, itr);
        bar.write32(NicRegisters.IMS, InterruptCauses.rxQueue(0) | InterruptCauses.txQueue(0) |
            InterruptCauses.LSC | InterruptCauses.DERR);
        unmask(rxVectorIndex);
        unmask(txVectorIndex);
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
        mask(rxVectorIndex);
        mask(txVectorIndex);
        mask(otherVectorIndex);
        bar.write32(NicRegisters.IMC, 0xFFFF_FFFF);
        bar.write32(QueueRegisters.rx(0, QueueRegisters.DCTL), 0);
        bar.write32(QueueRegisters.tx(0, QueueRegisters.DCTL), 0);
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
        sim.cancel(poll);
        sim.cancel(rxIrq);
        sim.cancel(txIrq);
        sim.cancel(otherIrq);
        rx.release(allocator, iommu);
        tx.release(allocator, iommu);
        interrupts.free(rxVector);
        interrupts.free(txVector);
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
        final int queues = bar.read32(NicRegisters.QUEUES);
        final int txQueues = DeviceIdentity.queuesField(queues, DeviceIdentity.QUEUES_TX_SHIFT);
        final int rxQueues = DeviceIdentity.queuesField(queues, DeviceIdentity.QUEUES_RX_SHIFT);
        rxVectorIndex = InterruptCauses.rxVector(0);
        txVectorIndex = InterruptCauses.txVector(rxQueues, 0);
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

    /**
     * Whether {@code work} must wait because the CPU is busy with another activity; if so it is rescheduled for when
     * the CPU is free. Driver work waits this way rather than by running ahead in local time, so that what it reads
     * (descriptors) and writes (registers, which cross the PCIe link) happens when it really runs.
     */
    private boolean cpuBusy(final Event work)
    {
        final long free = cpu.busyUntil(0); // one queue: its vectors reach core 0 (HostCpu.irqCore)
        if (free <= sim.now())
        {
            return false;
        }
        if (!work.isScheduled())
        {
            sim.schedule(work, free);
        }
        return true;
    }

    /** RX vector: mask it and let the poll run (as softirq, after this handler). */
    private void rxInterrupt()
    {
        if (cpuBusy(rxIrq))
        {
            return;
        }
        cpu.begin(CpuUse.IRQ);
        cpu.charge(cpu.costs().interruptPs());
        rxInterrupts++;
        mask(rxVectorIndex);
        if (!poll.isScheduled())
        {
            sim.scheduleIn(poll, 0);
        }
        cpu.end();
    }

    /**
     * One NAPI poll. Under budget it unmasks the vector (a frame that came meanwhile has left its vector pending, and
     * unmasking sends it); at budget it yields and polls again.
     */
    private void poll()
    {
        if (!up || cpuBusy(poll))
        {
            return;
        }
        cpu.begin(CpuUse.DRIVER);
        polls++;
        final int done = rx.poll(receiver, config.napiBudget(), cpu, cpu.costs().driverRxPs());
        if (done > 0 && receiver != null)
        {
            receiver.receiveBatchDone();
        }
        if (done < config.napiBudget())
        {
            if (moderation != null)
            {
                adaptModeration();
            }
            unmask(rxVectorIndex);
        }
        else
        {
            sim.scheduleIn(poll, 0);
        }
        cpu.end();
    }

    /* e1000's dynamic ITR: after a completed poll, re-rate from the traffic since the last one; ITR is written only
     * when the rate changes. */
    private void adaptModeration()
    {
        final int rate = moderation.update(rx.frames() - moderatedRxFrames, rx.bytes() - moderatedRxBytes,
            tx.frames() - moderatedTxFrames, tx.bytes() - moderatedTxBytes);
        moderatedRxFrames = rx.frames();
        moderatedRxBytes = rx.bytes();
        moderatedTxFrames = tx.frames();
        moderatedTxBytes = tx.bytes();
        final int units = AdaptiveModeration.itrUnits(rate);
        if (units != itr)
        {
            itr = units;
            bar.write32(NicRegisters.ITR, units);
        }
    }

    /** TX vector: a burst completed; reclaim, and tell a stack that met a full ring. */
    private void txInterrupt()
    {
        if (cpuBusy(txIrq))
        {
            return;
        }
        cpu.begin(CpuUse.IRQ);
        cpu.charge(cpu.costs().interruptPs());
        txInterrupts++;
        tx.reclaim();
        if (txBlocked && tx.free() > 0)
        {
            txBlocked = false;
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
        if (cpuBusy(otherIrq))
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
            ((features & DeviceIdentity.FEATURE_RX_CSUM) != 0 ? FEATURE_RX_CHECKSUM : 0);
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
        if (!up)
        {
            return NO_SLOT;
        }
        final int slot = tx.reserve();
        if (slot == NO_SLOT)
        {
            txBlocked = true;
        }
        return slot;
    }

    /** The host's memory: every TX buffer lies in it, at {@link #txOffset(int)}. */
    @Override
    public MemorySegment txMemory()
    {
        return tx.memory;
    }

    @Override
    public long txOffset(final int slot)
    {
        return tx.buffer(slot);
    }

    @Override
    public int txCapacity()
    {
        return tx.capacity();
    }

    @Override
    public void txCommit(final int slot, final int length, final int checksumStart, final int checksumOffset)
    {
        if (!up)
        {
            throw new IllegalStateException(name + ": txCommit() on a device that is not up");
        }
        cpu.begin(CpuUse.DRIVER);
        cpu.charge(CpuUse.DRIVER, cpu.costs().driverTxPs());
        tx.commit(slot, length, checksumStart, checksumOffset);
        cpu.end();
    }

    @Override
    public void txFlush()
    {
        if (up)
        {
            cpu.begin(CpuUse.DRIVER);
            tx.flush();
            cpu.end();
        }
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
        return tx == null ? 0 : tx.doorbells();
    }

    public long framesSent()
    {
        return tx == null ? 0 : tx.frames();
    }

    public long framesReceived()
    {
        return rx == null ? 0 : rx.frames();
    }

    /** Times {@link #txReserve()} found the ring full. */
    public long txNoSlot()
    {
        return tx == null ? 0 : tx.noSlot();
    }

    /** Frames received before the stack set a receiver (dropped). */
    public long rxUnclaimed()
    {
        return rx == null ? 0 : rx.unclaimed();
    }

    public long rxInterrupts()
    {
        return rxInterrupts;
    }

    public long txInterrupts()
    {
        return txInterrupts;
    }

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
