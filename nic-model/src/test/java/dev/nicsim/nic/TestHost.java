package dev.nicsim.nic;

import dev.nicsim.hw.eth.EthernetLink.EthernetPort;
import dev.nicsim.hw.mem.DmaAllocator;
import dev.nicsim.hw.mem.DmaBuffer;
import dev.nicsim.hw.mem.HostMemory;
import dev.nicsim.hw.mem.Iommu;
import dev.nicsim.hw.pcie.InterruptController;
import dev.nicsim.hw.pcie.InterruptHandler;
import dev.nicsim.hw.pcie.Mmio;
import dev.nicsim.hw.pcie.MsiVector;
import dev.nicsim.hw.pcie.PcieConfig;
import dev.nicsim.hw.pcie.RootComplex;
import dev.nicsim.hw.pcie.device.PcieSlot;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.nic.regs.DeviceIdentity;
import dev.nicsim.nic.regs.NicRegisters;
import dev.nicsim.nic.regs.QueueRegisters;

/**
 * One host with an NS-1, driven the way QEMU's qtest drives a device: register writes through BAR 0, descriptors and
 * buffers put in host memory by hand, interrupts caught by handlers. No driver.
 */
final class TestHost
{
    final Simulator sim;
    final HostMemory memory;
    final Iommu iommu;
    final DmaAllocator allocator;
    final InterruptController interrupts;
    final RootComplex root;
    final PcieSlot slot;
    final Nic nic;
    final Mmio bar;

    TestHost(final Simulator sim, final String name, final PcieConfig pcie, final EthernetPort port,
        final NicConfig config)
    {
        this.sim = sim;
        this.memory = new HostMemory(8L << 20);
        this.iommu = new Iommu(memory);
        this.allocator = new DmaAllocator(memory);
        this.interrupts = new InterruptController(sim, InterruptController.DEFAULT_LATENCY_PS);
        this.root = new RootComplex(sim, memory, iommu, interrupts);
        this.slot = new PcieSlot(root, pcie, name, DeviceIdentity.PCI_VENDOR_ID, DeviceIdentity.PCI_DEVICE_ID,
            DeviceIdentity.PCI_REVISION);
        this.nic = new Nic(slot, port, config);
        this.bar = nic.function().bar0();
    }

    void write(final int offset, final int value)
    {
        bar.write32(offset, value);
    }

    int read(final int offset)
    {
        return bar.read32(offset);
    }

    /** Bus mastering on, then a software reset, polling CTRL until RST clears. */
    void enableAndReset()
    {
        nic.function().enableBusMaster();
        write(NicRegisters.CTRL, NicRegisters.CTRL_RST);
        final long deadline = sim.now() + Time.ms(1);
        while ((read(NicRegisters.CTRL) & NicRegisters.CTRL_RST) != 0)
        {
            if (sim.now() > deadline)
            {
                throw new AssertionError("reset did not complete within 1 ms");
            }
        }
    }

    /** Allocates an interrupt vector, programs MSI-X entry {@code entry} with it and unmasks it. */
    MsiVector vector(final int entry, final InterruptHandler handler)
    {
        final MsiVector vector = interrupts.allocate(nic.name() + ".v" + entry, handler);
        write(NicRegisters.msix(entry, NicRegisters.MSIX_ADDRESS_LOW), (int) vector.address());
        write(NicRegisters.msix(entry, NicRegisters.MSIX_ADDRESS_HIGH), (int) (vector.address() >>> 32));
        write(NicRegisters.msix(entry, NicRegisters.MSIX_DATA), vector.data());
        write(NicRegisters.msix(entry, NicRegisters.MSIX_CONTROL), 0);
        return vector;
    }

    /** A zeroed, mapped block of DMA memory. */
    DmaBuffer mapped(final long bytes, final long alignment, final String owner)
    {
        final DmaBuffer buffer = allocator.allocate(bytes, alignment, owner);
        iommu.map(buffer, Iommu.Access.READ_WRITE);
        return buffer;
    }

    /** Programs TX queue {@code queue}'s ring and enables it. */
    void txRing(final int queue, final DmaBuffer ring)
    {
        ring(QueueRegisters.TX_BASE, queue, ring);
    }

    /** Programs RX queue {@code queue}'s ring and enables it. */
    void rxRing(final int queue, final DmaBuffer ring)
    {
        ring(QueueRegisters.RX_BASE, queue, ring);
    }

    private void ring(final int blockBase, final int queue, final DmaBuffer ring)
    {
        final int block = blockBase + QueueRegisters.STRIDE * queue;
        write(block + QueueRegisters.BAL, (int) ring.busAddress());
        write(block + QueueRegisters.BAH, (int) (ring.busAddress() >>> 32));
        write(block + QueueRegisters.LEN, (int) ring.size());
        write(block + QueueRegisters.DCTL, QueueRegisters.DCTL_ENABLE);
    }

    /** Runs until every MMIO write issued so far has reached the device. */
    void settle()
    {
        sim.run(sim.now() + Time.us(10));
    }
}
