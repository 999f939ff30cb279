package dev.nicsim.tools.testbed;

import dev.nicsim.driver.DeviceDriver;
import dev.nicsim.driver.DriverContext;
import dev.nicsim.driver.DriverFactory;
import dev.nicsim.hw.eth.EthernetLink.EthernetPort;
import dev.nicsim.hw.host.HostCpu;
import dev.nicsim.hw.mem.DmaAllocator;
import dev.nicsim.hw.mem.HostMemory;
import dev.nicsim.hw.mem.Iommu;
import dev.nicsim.hw.pcie.InterruptController;
import dev.nicsim.hw.pcie.RootComplex;
import dev.nicsim.hw.pcie.device.PcieSlot;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.nic.Nic;
import dev.nicsim.nic.regs.DeviceIdentity;
import dev.nicsim.stack.NetworkStack;
import dev.nicsim.stack.iface.NetworkInterface;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.wire.Ipv4Address;
import dev.nicsim.tools.config.ConfigException;
import dev.nicsim.tools.config.DeviceParameters;
import dev.nicsim.tools.config.PlatformParameters;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.config.StackParameters;

/**
 * One simulated computer: host memory behind an IOMMU, a root complex with an interrupt controller, an NS-1 NIC in a
 * PCIe slot attached to one end of a link, a CPU with its cost model, the NIC driver the settings choose, and the TCP/UDP/IPv4 stack on
 * top of it with one IPv4 address. Everything it is made of is named after the host ("A.nic", "A.cpu", "A.eth0"),
 * which is how traces and latency breakdowns tell hosts apart.
 */
public final class Host
{
    private static final int PROCESS_MEMORY = 1 << 20;

    private final String name;
    private final int address;
    private final HostMemory memory;
    private final Iommu iommu;
    private final DmaAllocator allocator;
    private final InterruptController interrupts;
    private final RootComplex root;
    private final PcieSlot slot;
    private final Nic nic;
    private final HostCpu cpu;
    private final DeviceDriver driver;
    private final NetworkStack stack;
    private final NetworkInterface eth0;

    /**
     * Builds the host and brings its NIC up (the driver's probe runs the simulation for as long as probing takes).
     *
     * @param index which host this is (1, 2, ...): it makes the NIC's MAC address unique
     */
    Host(final Simulator sim, final String name, final int index, final int address, final int prefixLength,
        final EthernetPort port, final Settings settings)
    {
        this.name = name;
        this.address = address;
        this.memory = memory(settings, name);
        this.iommu = new Iommu(memory);
        this.allocator = new DmaAllocator(memory);
        // Taking an interrupt is CPU work (CpuCosts.interruptPs, from host.irq_latency_ns), which the driver's
        // handlers charge: the controller itself adds no delay.
        this.interrupts = new InterruptController(sim, 0);
        this.root = new RootComplex(sim, memory, iommu, interrupts);
        this.slot = new PcieSlot(root, PlatformParameters.pcie(settings), name + ".nic", DeviceIdentity.PCI_VENDOR_ID,
            DeviceIdentity.PCI_DEVICE_ID, DeviceIdentity.PCI_REVISION);
        this.nic = new Nic(slot, port, DeviceParameters.nic(settings, 0x02_00_00_00_00_00L + index));
        this.cpu = new HostCpu(sim, PlatformParameters.cpuCosts(settings), name + ".cpu",
            settings.integer32(PlatformParameters.HOST_CORES));
        this.driver = DriverFactory.create(DeviceParameters.driverSpec(settings, name), new DriverContext(
            name + ".eth0", nic.function(), root, allocator, cpu, DeviceParameters.driver(settings)));
        driver.probe();
        if (DeviceParameters.rssChanged(settings))
        {
            // After probe, as ethtool -X after ifup; only when asked, so that default runs touch no more registers.
            // CrossKeyRules refused these settings for a driver without the control.
            try
            {
                driver.setRss(DeviceParameters.rssKey(settings), DeviceParameters.rssTable(settings).orElse(null));
            }
            catch (final IllegalArgumentException e)
            {
                // The driver set up fewer queues than driver.queues (its notice says so), and the table names one.
                driver.shutdown();
                throw new ConfigException("host " + name + ", " + DeviceParameters.DRIVER_RSS_TABLE + "=" +
                    settings.text(DeviceParameters.DRIVER_RSS_TABLE) + ", " + DeviceParameters.DRIVER_QUEUES + "=" +
                    settings.text(DeviceParameters.DRIVER_QUEUES) + ": the driver uses " + driver.rxQueues() +
                    " RX queue(s) and refused the RSS settings: " + e.getMessage());
            }
        }
        this.stack = new NetworkStack(sim, cpu, StackParameters.stack(settings, index), name);
        this.eth0 = stack.addInterface(driver, address, prefixLength);
    }

    private static HostMemory memory(final Settings settings, final String name)
    {
        try
        {
            return new HostMemory(settings.integer(PlatformParameters.HOST_MEMORY) << 20);
        }
        catch (final IllegalStateException e)
        {
            throw new ConfigException("host " + name + ", " + PlatformParameters.HOST_MEMORY + "=" +
                settings.text(PlatformParameters.HOST_MEMORY) + ": " + e.getMessage());
        }
    }

    public String name()
    {
        return name;
    }

    /** The host's IPv4 address. */
    public int address()
    {
        return address;
    }

    public String addressText()
    {
        return Ipv4Address.format(address);
    }

    public Nic nic()
    {
        return nic;
    }

    /** The driver {@code host.driver} (or {@code host.<name>.driver}) chose. */
    public DeviceDriver driver()
    {
        return driver;
    }

    public NetworkStack stack()
    {
        return stack;
    }

    public NetworkInterface eth0()
    {
        return eth0;
    }

    public HostCpu cpu()
    {
        return cpu;
    }

    public HostMemory memory()
    {
        return memory;
    }

    public PcieSlot slot()
    {
        return slot;
    }

    /** A new process on this host, with its own descriptors and 1 MiB of memory for system-call arguments. */
    public Posix newProcess()
    {
        return stack.newProcess(PROCESS_MEMORY);
    }
}
