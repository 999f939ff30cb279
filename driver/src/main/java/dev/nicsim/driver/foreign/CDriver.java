package dev.nicsim.driver.foreign;

import dev.nicsim.driver.DeviceDriver;
import dev.nicsim.driver.DriverConfig;
import dev.nicsim.driver.DriverContext;
import dev.nicsim.driver.DriverException;
import dev.nicsim.hw.host.CpuUse;
import dev.nicsim.hw.host.HostCpu;
import dev.nicsim.hw.mem.DmaAllocator;
import dev.nicsim.hw.mem.DmaBuffer;
import dev.nicsim.hw.mem.HostMemory;
import dev.nicsim.hw.mem.Iommu;
import dev.nicsim.hw.pcie.InterruptController;
import dev.nicsim.hw.pcie.Mmio;
import dev.nicsim.hw.pcie.MsiVector;
import dev.nicsim.hw.pcie.PciFunction;
import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.nic.regs.DeviceIdentity;
import dev.nicsim.nic.regs.InterruptCauses;
import dev.nicsim.nic.regs.NicRegisters;
import dev.nicsim.nic.regs.QueueRegisters;
import dev.nicsim.stack.device.FrameReceiver;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Hosts one C driver instance for one NS-1, in process through FFM: it builds the driver's {@code struct nicsim_host}
 * (upcall stubs bound to this device), calls the driver's operations, and is the stack's {@link DeviceDriver}.
 *
 * <p>Everything happens on the simulation thread at simulated time and is charged as the Java driver's work is: MMIO
 * and configuration accesses go through the PCIe model ({@link Mmio}, {@link PciFunction}); the host charges
 * {@code CpuCosts.driverTxPs} per committed frame and {@code driverRxPs} per received frame; interrupt handlers and
 * polls run as CPU activities, waiting for the CPU when it is busy. So a C driver that makes the same calls as the
 * Java one takes the same simulated time.
 *
 * <p>What is caught: every address the driver hands the host (a frame to lend, a range to map, memory to free) is
 * checked against the DMA memory it allocated; MMIO offsets against BAR 0; the device's own checks (strict mode) stop
 * the run with the datasheet's message, as for the Java driver. An exception in a host call cannot unwind through C,
 * so the host records it, answers that call and every later one as a removed device would (reads all ones, no
 * memory, time at its end), and rethrows it when the driver returns. What is not caught: the driver's own bugs
 * inside its memory (a wild pointer, a double free of malloc'd memory, a crash): those end the JVM, as they would
 * crash a kernel.
 */
public final class CDriver implements DeviceDriver
{
    /** struct nicsim_params. */
    private static final StructLayout PARAMS = MemoryLayout.structLayout(JAVA_INT.withName("tx_ring_size"),
        JAVA_INT.withName("rx_ring_size"), JAVA_INT.withName("tx_buffer_bytes"), JAVA_INT.withName("rx_buffer_bytes"),
        JAVA_INT.withName("napi_budget"), JAVA_INT.withName("itr"), JAVA_LONG.withName("reset_timeout_ps"),
        JAVA_LONG.withName("quiesce_timeout_ps"));

    /** The host's functions, in struct nicsim_host's order, each with its C signature. */
    private enum HostCall
    {
        CONFIG_READ16("configRead16", FunctionDescriptor.of(JAVA_SHORT, JAVA_INT)),
        CONFIG_WRITE16("configWrite16", FunctionDescriptor.ofVoid(JAVA_INT, JAVA_SHORT)),
        READ32("read32", FunctionDescriptor.of(JAVA_INT, JAVA_INT)),
        WRITE32("write32", FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT)),
        READ64("read64", FunctionDescriptor.of(JAVA_LONG, JAVA_INT)),
        WRITE64("write64", FunctionDescriptor.ofVoid(JAVA_INT, JAVA_LONG)),
        DMA_ALLOC("dmaAlloc", FunctionDescriptor.of(ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS.withTargetLayout(JAVA_LONG))),
        DMA_FREE("dmaFree", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
        DMA_MAP("dmaMap", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT)),
        DMA_UNMAP("dmaUnmap", FunctionDescriptor.of(JAVA_INT, JAVA_LONG)),
        MSIX_REGISTER("msixRegister", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS.withTargetLayout(JAVA_LONG),
            ADDRESS.withTargetLayout(JAVA_INT))),
        MSIX_FREE("msixFree", FunctionDescriptor.of(JAVA_INT, JAVA_INT)),
        NOW_PS("nowPs", FunctionDescriptor.of(JAVA_LONG)),
        DELAY_PS("delayPs", FunctionDescriptor.ofVoid(JAVA_LONG)),
        TIMER_ARM("timerArm", FunctionDescriptor.ofVoid(JAVA_LONG)),
        TIMER_CANCEL("timerCancel", FunctionDescriptor.ofVoid()),
        NAPI_SCHEDULE("napiSchedule", FunctionDescriptor.ofVoid()),
        RX_FRAME("rxFrame", FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_INT, JAVA_INT)),
        RX_DONE("rxDone", FunctionDescriptor.ofVoid()),
        TX_SPACE("txSpace", FunctionDescriptor.ofVoid()),
        LINK_CHANGED("linkChanged", FunctionDescriptor.ofVoid(JAVA_INT)),
        LOG("log", FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS)),
        NAPI_SCHEDULE_QUEUE("napiScheduleQueue", FunctionDescriptor.ofVoid(JAVA_INT), 2),
        RX_FRAME_QUEUE("rxFrameQueue", FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT), 2),
        RX_DONE_QUEUE("rxDoneQueue", FunctionDescriptor.ofVoid(JAVA_INT), 2);

        final String method;
        final FunctionDescriptor descriptor;
        /** The ABI version that added it. */
        final int abi;

        HostCall(final String method, final FunctionDescriptor descriptor)
        {
            this(method, descriptor, 1);
        }

        HostCall(final String method, final FunctionDescriptor descriptor, final int abi)
        {
            this.method = method;
            this.descriptor = descriptor;
            this.abi = abi;
        }
    }

    /**
     * struct nicsim_host: abi, reserved, name, params, one function pointer per {@link HostCall} of ABI 1, then (ABI
     * 2) queues, tso and the ABI 2 calls.
     */
    private static final StructLayout HOST = hostLayout();

    /** struct nicsim_netdev. */
    private static final StructLayout NETDEV = MemoryLayout.structLayout(ADDRESS.withName("priv"),
        JAVA_LONG.withName("mac"), JAVA_INT.withName("mtu"), JAVA_INT.withName("features"),
        JAVA_INT.withName("tx_capacity"), JAVA_INT.withName("link_up"), JAVA_INT.withName("queues"),
        JAVA_INT.withName("tso_max"));

    private static final Linker LINKER = Linker.nativeLinker();
    /* One downcall handle per C signature (the function pointer is the first argument): constants, so they inline. */
    private static final MethodHandle INT_OF_PTR = downcall(FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle INT_OF_PTR_PTR = downcall(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle VOID_OF_PTR = downcall(FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle INT_OF_PTR_INT = downcall(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle VOID_OF_PTR_INT = downcall(FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
    private static final MethodHandle INT_OF_PTR_2INT = downcall(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT,
        JAVA_INT));
    private static final MethodHandle LONG_OF_PTR_INT = downcall(FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT));
    private static final MethodHandle INT_OF_PTR_PTR_INT_PTR_INT = downcall(FunctionDescriptor.of(JAVA_INT, ADDRESS,
        ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle INT_OF_PTR_4INT = downcall(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT,
        JAVA_INT, JAVA_INT, JAVA_INT));

    private static final int ENOENT = 2;
    private static final int ENOMEM = 12;
    private static final int EBUSY = 16;
    private static final int EINVAL = 22;
    private static final int ENOSPC = 28;
    private static final int LOG_LINES = 200;

    private final String name;
    private final CDriverLibrary library;
    private final PciFunction function;
    private final Mmio bar;
    private final Simulator sim;
    private final HostMemory memory;
    private final MemorySegment hostMemory;
    private final Iommu iommu;
    private final InterruptController interrupts;
    private final DmaAllocator allocator;
    private final HostCpu cpu;
    private final DriverConfig config;
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment host;
    private final MemorySegment netdev;
    private final DmaRegions dma = new DmaRegions();
    private final Vector[] vectors = new Vector[64];
    /* The NAPI poll of each RX queue: queue 0's runs ops->poll for a driver of one queue pair. */
    private final Event[] poll = new Event[QueueRegisters.MAX_QUEUES];
    /* Whether each RX queue's last poll returned its whole budget (see endPoll). */
    private final boolean[] budgetSpent = new boolean[QueueRegisters.MAX_QUEUES];
    private final Event timer;
    private final List<String> log = new ArrayList<>();

    private MemorySegment priv = MemorySegment.NULL;
    private FrameReceiver receiver;
    private boolean probed;
    private boolean up;
    /* The RX queue whose poll is running, or -1, and what that poll has done so far (see endBatch). */
    private int polling = -1;
    private int polledFrames;
    private boolean batchEnded;
    private boolean linkUp;
    private long mac;
    private int mtu;
    private int features;
    private int txCapacity;
    private int queues = 1;
    /*
     * The device's RX and TX queue counts, from the QUEUES register the driver reads at probe: where the TX vectors
     * and the link and error vector start (datasheet §6). A one-queue device's until the driver reads it.
     */
    private int deviceRxQueues = 1;
    private int deviceTxQueues = 1;
    /* Interrupt handler runs per vector kind, counted as the Java driver counts its own (see Vector.handle). */
    private final long[] rxInterrupts = new long[QueueRegisters.MAX_QUEUES];
    private final long[] txInterrupts = new long[QueueRegisters.MAX_QUEUES];
    private long otherInterrupts;
    private int tsoMax;
    private int itr;
    private long rxUnclaimed;
    private RuntimeException failure;
    private String lastError = "";

    /**
     * A host for the driver in {@code library} bound to the context's NIC; nothing runs until {@link #probe()}.
     *
     * @throws DriverException if the library cannot be loaded or is not a nicsim driver of this ABI
     */
    public CDriver(final Path library, final DriverContext context)
    {
        this.library = CDriverLibrary.load(library);
        this.name = context.name();
        this.function = context.function();
        this.bar = function.bar0();
        this.sim = context.root().sim();
        this.memory = context.root().memory();
        this.hostMemory = memory.segment();
        this.iommu = context.root().iommu();
        this.interrupts = context.root().interrupts();
        this.allocator = context.allocator();
        this.cpu = context.cpu();
        this.config = context.config();
        this.itr = config.itr();
        for (int q = 0; q < poll.length; q++)
        {
            final int queue = q;
            poll[q] = new Event(name + ".napi-poll" + (q == 0 ? "" : Integer.toString(q)), Component.HOST_CPU,
                () -> runPoll(queue));
        }
        this.timer = new Event(name + ".timer", Component.HOST_CPU, this::runTimer);
        this.host = buildHostTable();
        this.netdev = arena.allocate(NETDEV);
    }

    /** The loaded driver's name (its nicsim_driver.name). */
    public String driverName()
    {
        return library.name;
    }

    /** The driver's recent log lines, oldest first (at most 200). */
    public List<String> log()
    {
        return List.copyOf(log);
    }

    /** DMA blocks the driver holds now (0 after a clean remove). */
    public int dmaBlocks()
    {
        return dma.count();
    }

    /* ---------------------------------------------------------------------------------------------------------- */
    /* Life cycle                                                                                                   */

    @Override
    public void probe()
    {
        outsideEvents("probe");
        if (probed)
        {
            throw new IllegalStateException(name + ": probe() called twice; shutdown() first");
        }
        final int probeResult;
        try
        {
            probeResult = (int) INT_OF_PTR_PTR.invokeExact(library.probe, host, netdev);
        }
        catch (final Throwable e)
        {
            throw unexpected(e);
        }
        check("probe", probeResult);
        probed = true;
        priv = netdev.get(ADDRESS, field(NETDEV, "priv"));
        mac = netdev.get(JAVA_LONG, field(NETDEV, "mac"));
        mtu = netdev.get(JAVA_INT, field(NETDEV, "mtu"));
        features = netdev.get(JAVA_INT, field(NETDEV, "features"));
        txCapacity = netdev.get(JAVA_INT, field(NETDEV, "tx_capacity"));
        if (library.abi >= 2)
        {
            queues = Math.clamp(netdev.get(JAVA_INT, field(NETDEV, "queues")), 1, poll.length);
            tsoMax = (features & FEATURE_TSO) != 0 ? netdev.get(JAVA_INT, field(NETDEV, "tso_max")) : 0;
        }
        final int openResult;
        try
        {
            openResult = (int) INT_OF_PTR.invokeExact(library.open, priv);
        }
        catch (final Throwable e)
        {
            throw unexpected(e);
        }
        check("open", openResult);
        linkUp = netdev.get(JAVA_INT, field(NETDEV, "link_up")) != 0;
        up = true;
    }

    @Override
    public void shutdown()
    {
        outsideEvents("shutdown");
        if (!up)
        {
            throw new IllegalStateException(name + ": shutdown() of a device that is not up");
        }
        up = false;
        final int stopResult;
        try
        {
            stopResult = (int) INT_OF_PTR.invokeExact(library.stop, priv);
        }
        catch (final Throwable e)
        {
            throw unexpected(e);
        }
        check("stop", stopResult);
        for (final Event event : poll)
        {
            sim.cancel(event);
        }
        sim.cancel(timer);
        try
        {
            VOID_OF_PTR.invokeExact(library.remove, priv);
        }
        catch (final Throwable e)
        {
            throw unexpected(e);
        }
        check("remove", 0);
        probed = false;
        linkUp = false;
        if (dma.count() > 0)
        {
            throw new DriverException(name + ": C driver " + library.name + " left " + dma.count() + " DMA block(s) " +
                "allocated after remove, the first at bus address 0x" + Long.toHexString(dma.buffer(0).busAddress()) +
                " (" + dma.buffer(0).size() + " bytes): free every dma_alloc block in remove");
        }
    }

    @Override
    public boolean isUp()
    {
        return up;
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
    /* Interrupts, NAPI and the timer                                                                               */

    /** One MSI-X vector the driver registered: its host vector and the event that runs the handler on the CPU. */
    private final class Vector
    {
        final int entry;
        final MsiVector msi;
        final Event handler;

        Vector(final int entry)
        {
            this.entry = entry;
            this.handler = new Event(name + ".irq" + entry, Component.HOST_CPU, this::handle);
            this.msi = interrupts.allocate(name + "-msix" + entry, this::handle);
        }

        private void handle()
        {
            final int queue = queueOf(entry);
            if (cpu.waitsForIrqCore(queue, handler))
            {
                return;
            }
            cpu.beginOnIrqCore(queue, CpuUse.IRQ);
            cpu.charge(cpu.costs().interruptPs());
            countHandlerRun(entry);
            try
            {
                VOID_OF_PTR_INT.invokeExact(library.interrupt, priv, entry);
            }
            catch (final Throwable e)
            {
                throw unexpected(e);
            }
            finally
            {
                cpu.end();
            }
            rethrowFailure();
        }
    }

    /**
     * Counts one run of entry {@code entry}'s handler under the vector's role on the device (datasheet §6), since the
     * C driver keeps its own counts where perf cannot read them: RX queue q, TX queue q, or link and errors.
     */
    private void countHandlerRun(final int entry)
    {
        if (entry < deviceRxQueues)
        {
            rxInterrupts[entry]++;
        }
        else if (entry < InterruptCauses.otherVector(deviceRxQueues, deviceTxQueues))
        {
            txInterrupts[entry - deviceRxQueues]++;
        }
        else
        {
            otherInterrupts++;
        }
    }

    /**
     * The queue whose core MSI-X entry {@code entry} reaches: entry q is RX queue q's vector and entry rxQueues + q TX
     * queue q's (datasheet §6), and both of a queue pair reach its core, as the Java driver and Linux's per-channel
     * affinity have it (TX completions are reclaimed where the queue's NAPI runs). The link and error vector is
     * queue 0's.
     */
    private int queueOf(final int entry)
    {
        final int queue = entry < deviceRxQueues ? entry : entry - deviceRxQueues;
        return queue < queues ? queue : 0;
    }

    /** RX queue q's NAPI poll: ops->poll_queue, or ops->poll for queue 0 of a driver without it. */
    private void runPoll(final int q)
    {
        final Event event = poll[q];
        if (!up || cpu.waitsForIrqCore(q, event))
        {
            return;
        }
        cpu.beginOnIrqCore(q, CpuUse.DRIVER);
        final int budget = config.napiBudget();
        final int done;
        polling = q;
        polledFrames = 0;
        batchEnded = false;
        try
        {
            done = library.pollQueue.equals(MemorySegment.NULL) ?
                (int) INT_OF_PTR_INT.invokeExact(library.poll, priv, budget) :
                (int) INT_OF_PTR_2INT.invokeExact(library.pollQueue, priv, q, budget);
            if (!batchEnded && budgetSpent[q])
            {
                endBatch(q); // a poll after a full one ends the batch even when it found nothing
            }
            budgetSpent[q] = done >= budget;
        }
        catch (final Throwable e)
        {
            throw unexpected(e);
        }
        finally
        {
            polling = -1;
            cpu.end();
        }
        rethrowFailure();
        if (done >= budget && !event.isScheduled())
        {
            sim.scheduleIn(event, 0);
        }
    }

    private void runTimer()
    {
        if (!probed || library.timer.equals(MemorySegment.NULL) || cpu.waitsForIrqCore(0, timer))
        {
            return;
        }
        driverWork(library.timer);
    }

    /** Runs the driver's {@code void op(priv)} as driver work on the CPU; a failure it met is rethrown. */
    private void driverWork(final MemorySegment op)
    {
        cpu.beginOnIrqCore(0, CpuUse.DRIVER);
        try
        {
            VOID_OF_PTR.invokeExact(op, priv);
        }
        catch (final Throwable e)
        {
            throw unexpected(e);
        }
        finally
        {
            cpu.end();
        }
        rethrowFailure();
    }

    /* ---------------------------------------------------------------------------------------------------------- */
    /* NetDevice                                                                                                    */

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public long macAddress()
    {
        return mac;
    }

    @Override
    public int mtu()
    {
        return mtu;
    }

    @Override
    public int features()
    {
        return features;
    }

    @Override
    public boolean linkUp()
    {
        return linkUp;
    }

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
        final int slot;
        try
        {
            slot = (int) INT_OF_PTR.invokeExact(library.txReserve, priv);
        }
        catch (final Throwable e)
        {
            throw unexpected(e);
        }
        return reserved("tx_reserve", slot);
    }

    /** What a reserve call returned: a slot, {@link #NO_SLOT} for -ENOSPC; any other error stops the run. */
    private int reserved(final String call, final int slot)
    {
        rethrowFailure();
        if (slot == -ENOSPC)
        {
            return NO_SLOT;
        }
        check(call, slot);
        return slot;
    }

    @Override
    public int txQueues()
    {
        return queues;
    }

    @Override
    public int rxQueues()
    {
        return queues;
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

    @Override
    public long otherInterrupts()
    {
        return otherInterrupts;
    }

    /** The host picks, as Linux's core does for every driver (skb_tx_hash). */
    @Override
    public int txQueueFor(final int flowHash)
    {
        return DeviceDriver.queueFor(flowHash, queues);
    }

    @Override
    public int txReserveOn(final int queue)
    {
        if (queue < 0 || queue >= queues)
        {
            throw new IllegalArgumentException(name + ": TX queue " + queue + " does not exist (0 to " +
                (queues - 1) + ")");
        }
        if (library.txReserveQueue.equals(MemorySegment.NULL))
        {
            return txReserve();
        }
        return reserve(library.txReserveQueue, "tx_reserve_queue", queue, -1);
    }

    /** Calls a reserve op of ABI 2: {@code op(priv, queue)}, or {@code op(priv, queue, length)} for a length. */
    private int reserve(final MemorySegment op, final String call, final int queue, final int length)
    {
        if (!up)
        {
            return NO_SLOT;
        }
        final int slot;
        try
        {
            slot = length < 0 ? (int) INT_OF_PTR_INT.invokeExact(op, priv, queue) :
                (int) INT_OF_PTR_2INT.invokeExact(op, priv, queue, length);
        }
        catch (final Throwable e)
        {
            throw unexpected(e);
        }
        return reserved(call, slot);
    }

    @Override
    public int tsoMaxBytes()
    {
        return tsoMax;
    }

    @Override
    public int txReserveTso(final int queue, final int length)
    {
        if (tsoMax == 0)
        {
            throw new IllegalStateException(name + ": C driver " + library.name + " does not offer TSO");
        }
        return reserve(library.txReserveTso, "tx_reserve_tso", queue, length);
    }

    @Override
    public MemorySegment txMemory()
    {
        return hostMemory;
    }

    /** The slot's buffer, as the driver says, checked to lie in its DMA memory with room for a full frame. */
    @Override
    public long txOffset(final int slot)
    {
        final long bus;
        try
        {
            bus = (long) LONG_OF_PTR_INT.invokeExact(library.txBuffer, priv, slot);
        }
        catch (final Throwable e)
        {
            throw unexpected(e);
        }
        rethrowFailure();
        if (dma.find(bus, txCapacity()) < 0)
        {
            throw new DriverException(name + ": C driver " + library.name + " gave TX slot " + slot + " the buffer " +
                "at bus address 0x" + Long.toHexString(bus) + ", which does not hold " + txCapacity() + " bytes of " +
                "its DMA memory (dma_alloc): tx_buffer must return the slot's buffer");
        }
        return memory.offset(bus);
    }

    @Override
    public int txCapacity()
    {
        return txCapacity;
    }

    @Override
    public void txCommit(final int slot, final int length, final int checksumStart, final int checksumOffset)
    {
        commit(library.txCommit, "tx_commit", slot, length, checksumStart, checksumOffset);
    }

    @Override
    public void txCommitTso(final int slot, final int length, final int headerLength, final int mss)
    {
        if (tsoMax == 0)
        {
            throw new IllegalStateException(name + ": C driver " + library.name + " does not offer TSO");
        }
        commit(library.txCommitTso, "tx_commit_tso", slot, length, headerLength, mss);
    }

    /** A commit op (slot, length and two more numbers), charged as one transmitted frame; a refusal is a stack bug. */
    private void commit(final MemorySegment op, final String call, final int slot, final int length, final int a,
        final int b)
    {
        if (!up)
        {
            throw new IllegalStateException(name + ": " + call + " on a device that is not up");
        }
        // Which queue a slot belongs to is the driver's secret: transmit work is queue 0's.
        cpu.beginOnIrqCore(0, CpuUse.DRIVER);
        cpu.charge(CpuUse.DRIVER, cpu.costs().driverTxPs());
        final int result;
        try
        {
            result = (int) INT_OF_PTR_4INT.invokeExact(op, priv, slot, length, a, b);
        }
        catch (final Throwable e)
        {
            throw unexpected(e);
        }
        finally
        {
            cpu.end();
        }
        if (result < 0)
        {
            rethrowFailure();
            throw new IllegalArgumentException(name + ": C driver " + library.name + " refused " + call + "(slot " +
                slot + ", length " + length + ", " + a + ", " + b + ") with " + errno(result) + lastErrorSuffix());
        }
        rethrowFailure();
    }

    @Override
    public void txFlush()
    {
        if (up)
        {
            driverWork(library.txFlush);
        }
    }

    /* ---------------------------------------------------------------------------------------------------------- */
    /* Run-time control                                                                                             */

    @Override
    public void setItr(final int units)
    {
        if (units < 0 || units > 0xFFFF)
        {
            throw new IllegalArgumentException(name + ": ITR is 0 to 65535 units of 256 ns, got " + units);
        }
        itr = units;
        if (up)
        {
            final int result;
            try
            {
                result = (int) INT_OF_PTR_INT.invokeExact(library.setItr, priv, units);
            }
            catch (final Throwable e)
            {
                throw unexpected(e);
            }
            check("set_itr", result);
        }
    }

    @Override
    public int itr()
    {
        return itr;
    }

    /**
     * Whether the C driver at {@code path} takes an RSS key and table (ABI 3 set_rss).
     *
     * @throws DriverException if the library cannot be loaded or is not a nicsim driver
     */
    public static boolean programsRss(final Path path)
    {
        return !CDriverLibrary.load(path).setRss.equals(MemorySegment.NULL);
    }

    @Override
    public boolean programsRss()
    {
        return !library.setRss.equals(MemorySegment.NULL);
    }

    /** ethtool -X through the driver's set_rss (ABI 3): the key, and the table unless null. */
    @Override
    public void setRss(final byte[] key, final int[] table)
    {
        if (!programsRss())
        {
            throw new DriverException(name + ": the C driver " + library.name + " (ABI " + library.abi + ") has no " +
                "set_rss (ABI 3): it programs only its own RSS key and table");
        }
        if (!probed)
        {
            throw new IllegalStateException(name + ": setRss() before probe");
        }
        try (Arena call = Arena.ofConfined())
        {
            final MemorySegment nativeKey = call.allocate(key.length);
            MemorySegment.copy(key, 0, nativeKey, JAVA_BYTE, 0, key.length);
            final MemorySegment nativeTable = table == null ? MemorySegment.NULL : call.allocateFrom(JAVA_INT, table);
            final int result;
            try
            {
                result = (int) INT_OF_PTR_PTR_INT_PTR_INT.invokeExact(library.setRss, priv, nativeKey, key.length,
                    nativeTable, table == null ? 0 : table.length);
            }
            catch (final Throwable e)
            {
                throw unexpected(e);
            }
            if (result == -EINVAL)
            {
                rethrowFailure();
                throw new IllegalArgumentException(name + ": C driver " + library.name + " set_rss refused a " +
                    key.length + "-byte key" + (table == null ? "" : " and a " + table.length + "-entry table") +
                    " with " + errno(result) + " (a size not the device's, or a table entry naming a queue beyond " +
                    "the " + queues + " it uses)" + lastErrorSuffix());
            }
            check("set_rss", result);
        }
    }

    @Override
    public long readCounter(final int counter)
    {
        if (!probed)
        {
            throw new IllegalStateException(name + ": readCounter() before probe");
        }
        final long value;
        try
        {
            value = (long) LONG_OF_PTR_INT.invokeExact(library.readCounter, priv, counter);
        }
        catch (final Throwable e)
        {
            throw unexpected(e);
        }
        rethrowFailure();
        return value;
    }

    /** Frames that arrived while no receiver was set (dropped). */
    public long rxUnclaimed()
    {
        return rxUnclaimed;
    }

    @Override
    public String toString()
    {
        return name + " (C driver " + library.name + ", " + (up ? "up" : "down") + ")";
    }

    /* ---------------------------------------------------------------------------------------------------------- */
    /* The host's functions, called from C. None may throw: an exception is kept, and rethrown on return to Java.   */

    private short configRead16(final int offset)
    {
        if (failure != null)
        {
            return (short) 0xFFFF;
        }
        try
        {
            return (short) function.configRead16(offset);
        }
        catch (final RuntimeException e)
        {
            fail(e);
            return (short) 0xFFFF;
        }
    }

    private void configWrite16(final int offset, final short value)
    {
        if (failure != null)
        {
            return;
        }
        try
        {
            function.configWrite16(offset, value & 0xFFFF);
        }
        catch (final RuntimeException e)
        {
            fail(e);
        }
    }

    private int read32(final int offset)
    {
        if (failure != null)
        {
            return 0xFFFF_FFFF;
        }
        try
        {
            final int value = bar.read32(offset & 0xFFFF_FFFFL);
            if (offset == NicRegisters.QUEUES)
            {
                deviceRxQueues = DeviceIdentity.queuesField(value, DeviceIdentity.QUEUES_RX_SHIFT);
                deviceTxQueues = DeviceIdentity.queuesField(value, DeviceIdentity.QUEUES_TX_SHIFT);
            }
            return value;
        }
        catch (final RuntimeException e)
        {
            fail(e);
            return 0xFFFF_FFFF;
        }
    }

    private void write32(final int offset, final int value)
    {
        if (failure != null)
        {
            return;
        }
        try
        {
            bar.write32(offset & 0xFFFF_FFFFL, value);
        }
        catch (final RuntimeException e)
        {
            fail(e);
        }
    }

    private long read64(final int offset)
    {
        final long low = read32(offset) & 0xFFFF_FFFFL;
        return (long) read32(offset + 4) << 32 | low;
    }

    private void write64(final int offset, final long value)
    {
        write32(offset, (int) value);
        write32(offset + 4, (int) (value >>> 32));
    }

    private MemorySegment dmaAlloc(final long size, final long align, final MemorySegment busOut)
    {
        if (failure != null)
        {
            return MemorySegment.NULL;
        }
        try
        {
            final DmaBuffer buffer = allocator.allocate(size, align, name + " (C driver " + library.name + ")");
            dma.add(buffer);
            busOut.set(JAVA_LONG, 0, buffer.busAddress());
            return hostMemory.asSlice(buffer.offset(), size);
        }
        catch (final IllegalStateException e)
        {
            note("dma_alloc of " + size + " bytes: -ENOMEM (" + e.getMessage() + ")");
            return MemorySegment.NULL;
        }
        catch (final RuntimeException e)
        {
            fail(new DriverException(name + ": C driver " + library.name + ": dma_alloc(" + size + ", " + align +
                "): " + e.getMessage()));
            return MemorySegment.NULL;
        }
    }

    private int dmaFree(final MemorySegment pointer)
    {
        if (failure != null)
        {
            return -EINVAL;
        }
        final long bus = busOf(pointer.address());
        final int index = dma.startingAt(bus);
        if (index < 0)
        {
            return refuse("dma_free(" + hex(pointer.address()) + "): not a pointer dma_alloc returned", EINVAL);
        }
        if (dma.mappings(index) > 0)
        {
            fail(new DriverException(name + ": C driver " + library.name + " freed DMA memory at bus address 0x" +
                Long.toHexString(bus) + " while it is still mapped for the device (" + dma.mappings(index) +
                " IOMMU mapping(s)): the device may still write it; dma_unmap first, after quiescing DMA " +
                "(datasheet §8.3)"));
            return -EBUSY;
        }
        allocator.free(dma.buffer(index));
        dma.remove(index);
        return 0;
    }

    private int dmaMap(final long bus, final long length, final int direction)
    {
        if (failure != null)
        {
            return -EINVAL;
        }
        final int index = dma.find(bus, length);
        if (index < 0 || length <= 0)
        {
            return refuse("dma_map(0x" + Long.toHexString(bus) + ", " + length + "): the range is not inside one " +
                "block of this driver's DMA memory", EINVAL);
        }
        if (direction < 0 || direction > 2)
        {
            return refuse("dma_map direction " + direction + " is not NICSIM_DMA_*", EINVAL);
        }
        try
        {
            iommu.map(bus, length, direction == 1 ? Iommu.Access.READ_ONLY : Iommu.Access.READ_WRITE,
                dma.buffer(index).owner());
        }
        catch (final IllegalArgumentException e)
        {
            return refuse("dma_map: " + e.getMessage(), EBUSY);
        }
        dma.addMapping(index, 1);
        return 0;
    }

    private int dmaUnmap(final long bus)
    {
        if (failure != null)
        {
            return -EINVAL;
        }
        final int index = dma.find(bus, 1);
        try
        {
            iommu.unmap(bus);
        }
        catch (final IllegalArgumentException e)
        {
            return refuse("dma_unmap: " + e.getMessage(), ENOENT);
        }
        if (index >= 0)
        {
            dma.addMapping(index, -1);
        }
        return 0;
    }

    private int msixRegister(final int entry, final MemorySegment addressOut, final MemorySegment dataOut)
    {
        if (failure != null)
        {
            return -EINVAL;
        }
        if (entry < 0 || entry >= vectors.length || vectors[entry] != null)
        {
            return refuse("msix_register(" + entry + "): " + (entry < 0 || entry >= vectors.length ?
                "no such entry" : "already registered"), EINVAL);
        }
        try
        {
            final Vector vector = new Vector(entry);
            vectors[entry] = vector;
            addressOut.set(JAVA_LONG, 0, vector.msi.address());
            dataOut.set(JAVA_INT, 0, vector.msi.data());
            return 0;
        }
        catch (final IllegalStateException e)
        {
            return refuse("msix_register(" + entry + "): " + e.getMessage(), ENOSPC);
        }
    }

    private int msixFree(final int entry)
    {
        if (failure != null)
        {
            return -EINVAL;
        }
        if (entry < 0 || entry >= vectors.length || vectors[entry] == null)
        {
            return refuse("msix_free(" + entry + "): not registered", EINVAL);
        }
        sim.cancel(vectors[entry].handler);
        interrupts.free(vectors[entry].msi);
        vectors[entry] = null;
        return 0;
    }

    private long nowPs()
    {
        return failure != null ? -1L : sim.now();
    }

    private void delayPs(final long ps)
    {
        if (failure != null || ps <= 0)
        {
            return;
        }
        try
        {
            cpu.charge(ps);
        }
        catch (final RuntimeException e)
        {
            fail(e);
        }
    }

    private void timerArm(final long afterPs)
    {
        if (failure == null)
        {
            sim.cancel(timer);
            sim.scheduleIn(timer, Math.max(0, afterPs));
        }
    }

    private void timerCancel()
    {
        sim.cancel(timer);
    }

    private void napiSchedule()
    {
        napiScheduleQueue(0);
    }

    private void napiScheduleQueue(final int queue)
    {
        if (failure != null)
        {
            return;
        }
        if (queue < 0 || queue >= queues)
        {
            fail(new DriverException(name + ": C driver " + library.name + " asked for a poll of RX queue " + queue +
                ", but it set up " + queues + " (netdev queues)"));
            return;
        }
        if (!poll[queue].isScheduled())
        {
            sim.scheduleIn(poll[queue], 0);
        }
    }

    private void rxFrame(final long bus, final int length, final int rawChecksum)
    {
        rxFrameQueue(bus, length, rawChecksum, 0);
    }

    private void rxFrameQueue(final long bus, final int length, final int rawChecksum, final int queue)
    {
        if (failure != null)
        {
            return;
        }
        try
        {
            if (length <= 0 || dma.find(bus, length) < 0)
            {
                fail(new DriverException(name + ": C driver " + library.name + " lent the stack a frame of " +
                    length + " bytes at bus address 0x" + Long.toHexString(bus) + ", which is not inside its DMA " +
                    "memory: rx_frame takes the bus address of the buffer the device wrote"));
                return;
            }
            cpu.charge(cpu.costs().driverRxPs());
            if (queue == polling)
            {
                polledFrames++;
            }
            if (receiver != null)
            {
                receiver.receiveFrame(hostMemory, memory.offset(bus), length, rawChecksum & 0xFFFF, queue);
            }
            else
            {
                rxUnclaimed++;
            }
        }
        catch (final RuntimeException e)
        {
            fail(e);
        }
    }

    private void rxDone()
    {
        rxDoneQueue(0);
    }

    private void rxDoneQueue(final int queue)
    {
        if (queue == polling)
        {
            endBatch(queue);
            return;
        }
        if (failure != null || receiver == null)
        {
            return;
        }
        try
        {
            receiver.receiveBatchDone(queue);
        }
        catch (final RuntimeException e)
        {
            fail(e);
        }
    }

    /**
     * The end of RX queue q's batch inside its poll, told to the stack as the Java driver tells it. Linux keeps the GRO
     * packets of the current jiffy held when the poll used its whole budget (another follows at once,
     * {@code __napi_poll}); the C driver does not say which kind of end it is, but its frames so far do.
     */
    private void endBatch(final int q)
    {
        batchEnded = true;
        if (failure != null || receiver == null)
        {
            return;
        }
        try
        {
            if (polledFrames >= config.napiBudget())
            {
                receiver.receiveBudgetSpent(q);
            }
            else
            {
                receiver.receiveBatchDone(q);
            }
        }
        catch (final RuntimeException e)
        {
            fail(e);
        }
    }

    private void txSpace()
    {
        if (failure != null || receiver == null)
        {
            return;
        }
        try
        {
            receiver.txSpaceAvailable();
        }
        catch (final RuntimeException e)
        {
            fail(e);
        }
    }

    private void linkChanged(final int state)
    {
        final boolean now = state != 0;
        if (failure != null || now == linkUp)
        {
            return;
        }
        linkUp = now;
        try
        {
            if (receiver != null)
            {
                receiver.linkChanged(now);
            }
        }
        catch (final RuntimeException e)
        {
            fail(e);
        }
    }

    private void log(final int level, final MemorySegment message)
    {
        final String text = message.equals(MemorySegment.NULL) ? "(null)" :
            message.reinterpret(4096).getString(0);
        final String line = switch (level)
        {
            case 0 -> "error: ";
            case 1 -> "warning: ";
            case 2 -> "info: ";
            default -> "debug: ";
        } + text;
        if (level <= 1)
        {
            lastError = text;
        }
        note(line);
    }

    /* ---------------------------------------------------------------------------------------------------------- */

    private void note(final String line)
    {
        if (log.size() == LOG_LINES)
        {
            log.removeFirst();
        }
        log.add(line);
    }

    /** A host call refused with an errno: logged, and the errno (negated) returned to the driver. */
    private int refuse(final String what, final int errno)
    {
        note("host: " + what + " -> " + errno(-errno));
        return -errno;
    }

    /** The first failure inside a host call ends the run: kept until control is back in Java. */
    private void fail(final RuntimeException e)
    {
        if (failure == null)
        {
            failure = e;
        }
    }

    private void rethrowFailure()
    {
        if (failure != null)
        {
            throw failure;
        }
    }

    /** After an operation: a failure inside a host call first, then the driver's own error code. */
    private void check(final String operation, final int result)
    {
        rethrowFailure();
        if (result < 0)
        {
            throw new DriverException(name + ": C driver " + library.name + " " + operation + " failed with " +
                errno(result) + lastErrorSuffix());
        }
    }

    private String lastErrorSuffix()
    {
        return lastError.isEmpty() ? "" : " (its last error: " + lastError + ")";
    }

    private RuntimeException unexpected(final Throwable e)
    {
        if (e instanceof RuntimeException runtime)
        {
            return runtime;
        }
        if (e instanceof Error error)
        {
            throw error;
        }
        return new IllegalStateException(name + ": calling C driver " + library.name + ": " + e, e);
    }

    /** A field's offset in a struct (the lookup allocates: set-up paths only). */
    private static long field(final StructLayout struct, final String name)
    {
        return struct.byteOffset(MemoryLayout.PathElement.groupElement(name));
    }

    private long busOf(final long cpuAddress)
    {
        return memory.base() + (cpuAddress - hostMemory.address());
    }

    private static String hex(final long value)
    {
        return "0x" + Long.toHexString(value);
    }

    private static String errno(final int result)
    {
        final String symbol = switch (-result)
        {
            case 1 -> "EPERM";
            case 2 -> "ENOENT";
            case 5 -> "EIO";
            case 12 -> "ENOMEM";
            case 16 -> "EBUSY";
            case 19 -> "ENODEV";
            case 22 -> "EINVAL";
            case 28 -> "ENOSPC";
            case 95 -> "EOPNOTSUPP";
            case 110 -> "ETIMEDOUT";
            default -> "errno " + -result;
        };
        return "-" + symbol + " (" + result + ")";
    }

    private MemorySegment buildHostTable()
    {
        final MemorySegment table = arena.allocate(HOST);
        table.set(JAVA_INT, 0, library.abi);
        table.set(ADDRESS, field(HOST, "name"), arena.allocateFrom(name));
        final MemorySegment params = table.asSlice(field(HOST, "params"),
            PARAMS);
        params.set(JAVA_INT, 0, config.txRingSize());
        params.set(JAVA_INT, 4, config.rxRingSize());
        params.set(JAVA_INT, 8, config.txBufferBytes());
        params.set(JAVA_INT, 12, config.rxBufferBytes());
        params.set(JAVA_INT, 16, config.napiBudget());
        params.set(JAVA_INT, 20, config.itr());
        params.set(JAVA_LONG, 24, config.resetTimeoutPs());
        params.set(JAVA_LONG, 32, config.quiesceTimeoutPs());
        table.set(JAVA_INT, field(HOST, "queues"), config.queues());
        table.set(JAVA_INT, field(HOST, "tso"), config.tso() ? 1 : 0);
        final MethodHandles.Lookup lookup = MethodHandles.lookup();
        // The JVM holds every upcall's target until the stub's arena is closed, and the arena closes only once this
        // host is unreachable: a target bound to the host itself would keep both (and the host's memory) for good,
        // so each reaches the host through a weak reference. Nothing calls back after the simulation is dropped.
        final MethodHandle self;
        try
        {
            self = lookup.findVirtual(WeakReference.class, "get", MethodType.methodType(Object.class))
                .bindTo(new WeakReference<>(this)).asType(MethodType.methodType(CDriver.class));
        }
        catch (final ReflectiveOperationException e)
        {
            throw new IllegalStateException("WeakReference.get", e);
        }
        for (final HostCall call : HostCall.values())
        {
            try
            {
                final MethodType type = call.descriptor.toMethodType();
                final MethodHandle target = MethodHandles.collectArguments(
                    lookup.findVirtual(CDriver.class, call.method, type), 0, self);
                table.set(ADDRESS, field(HOST, call.name()),
                    LINKER.upcallStub(target, call.descriptor, arena));
            }
            catch (final ReflectiveOperationException e)
            {
                throw new IllegalStateException("host function " + call.method + " does not match its C signature",
                    e);
            }
        }
        return table;
    }

    private static StructLayout hostLayout()
    {
        final List<MemoryLayout> fields = new ArrayList<>(List.of(JAVA_INT.withName("abi"),
            JAVA_INT.withName("reserved"), ADDRESS.withName("name"), PARAMS.withName("params")));
        for (final HostCall call : HostCall.values())
        {
            if (call.abi == 2 && call == HostCall.NAPI_SCHEDULE_QUEUE)
            {
                fields.add(JAVA_INT.withName("queues"));
                fields.add(JAVA_INT.withName("tso"));
            }
            fields.add(ADDRESS.withName(call.name()));
        }
        return MemoryLayout.structLayout(fields.toArray(MemoryLayout[]::new));
    }

    private static MethodHandle downcall(final FunctionDescriptor descriptor)
    {
        return LINKER.downcallHandle(descriptor);
    }
}
