package dev.nicsim.hw.pcie;

import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Simulator;

/**
 * The CPU's window onto one device BAR: 32-bit uncached loads and stores.
 *
 * <ul>
 *   <li>A write is posted: the CPU pays {@link PcieConfig#mmioWriteIssuePs()} and goes on. The write enters the link
 *   at the CPU's (local) time of issue, and the device sees it {@link PcieConfig#mmioWriteLatencyPs()} after it has
 *   crossed the link. Writes reach the device in order. Entering the link is itself an event at the time of issue, so
 *   a CPU running ahead in local time never reserves the link ahead of traffic that is due earlier.</li>
 *   <li>A read is non-posted: the CPU stalls for {@link PcieConfig#mmioReadLatencyPs()}. PCIe does not let a read pass
 *   earlier posted writes, so any still in flight are delivered first. The register is then sampled at once: the
 *   model cannot see the device's future, so a read observes the device as of the moment it is issued, and the CPU is
 *   charged the full round trip. Drivers keep MMIO reads off their fast paths, as real ones do.</li>
 * </ul>
 * A misaligned access, or one outside the BAR, is a driver bug and throws.
 */
public final class Mmio
{
    private static final int WRITE_TLP_BYTES = PcieConfig.REQUEST_OVERHEAD_BYTES + 4;
    private static final int QUEUE = 256;

    private final Simulator sim;
    private final PcieLink link;
    private final RegisterSpace device;
    private final PciConfigSpace config;
    private final String name;
    private final long size;
    private final Event send;
    private final Event deliver;

    /* Posted writes in flight, a ring in issue order: the first {@code sent} have crossed the link (arrival known). */
    private final long[] issues = new long[QUEUE];
    private final long[] arrivals = new long[QUEUE];
    private final long[] offsets = new long[QUEUE];
    private final int[] values = new int[QUEUE];
    private int head;
    private int count;
    private int sent;

    private long writes;
    private long reads;

    public Mmio(final Simulator sim, final PcieLink link, final RegisterSpace device, final PciConfigSpace config,
        final String name)
    {
        this.sim = sim;
        this.link = link;
        this.device = device;
        this.config = config;
        this.name = name;
        this.size = device.size();
        this.send = new Event(name + ".mmio-issue", Component.HOST_CPU, this::sendDue);
        this.deliver = new Event(name + ".mmio-write", Component.PCIE_DMA, this::deliverDue);
    }

    public String name()
    {
        return name;
    }

    public long size()
    {
        return size;
    }

    /** Posted 32-bit store to the BAR. */
    public void write32(final long offset, final int value)
    {
        check(offset, "write");
        sim.consume(link.config().mmioWriteIssuePs());
        if (count == QUEUE)
        {
            deliverOldest();
        }
        final int tail = (head + count) % QUEUE;
        issues[tail] = sim.now();
        offsets[tail] = offset;
        values[tail] = value;
        count++;
        writes++;
        if (!send.isScheduled())
        {
            sim.schedule(send, issues[(head + sent) % QUEUE]);
        }
    }

    /** Non-posted 32-bit load from the BAR: the CPU stalls for the round trip. */
    public int read32(final long offset)
    {
        check(offset, "read");
        while (count > 0)
        {
            deliverOldest();
        }
        sim.cancel(send);
        sim.cancel(deliver);
        reads++;
        final int value = config.memorySpaceEnabled() ? device.read32(offset) : 0xFFFF_FFFF;
        sim.consume(link.config().mmioReadLatencyPs());
        return value;
    }

    public long writes()
    {
        return writes;
    }

    public long reads()
    {
        return reads;
    }

    /* The writes issued by now enter the link, in order. */
    private void sendDue()
    {
        final long now = sim.now();
        while (sent < count && issues[(head + sent) % QUEUE] <= now)
        {
            transmit((head + sent) % QUEUE, now);
        }
        if (sent < count)
        {
            sim.schedule(send, issues[(head + sent) % QUEUE]);
        }
        if (sent > 0 && !deliver.isScheduled())
        {
            sim.schedule(deliver, arrivals[head]);
        }
    }

    private void transmit(final int slot, final long readyAt)
    {
        arrivals[slot] = link.downstream().transmit(readyAt, WRITE_TLP_BYTES) + link.config().mmioWriteLatencyPs();
        sent++;
    }

    private void deliverDue()
    {
        final long now = sim.now();
        while (sent > 0 && arrivals[head] <= now)
        {
            deliverOldest();
        }
        if (sent > 0)
        {
            sim.schedule(deliver, arrivals[head]);
        }
    }

    /* Delivers the oldest write now, putting it on the link first if it has not crossed it yet. */
    private void deliverOldest()
    {
        if (sent == 0)
        {
            transmit(head, sim.now());
        }
        final long offset = offsets[head];
        final int value = values[head];
        head = (head + 1) % QUEUE;
        count--;
        sent--;
        if (config.memorySpaceEnabled())
        {
            device.write32(offset, value);
        }
    }

    private void check(final long offset, final String access)
    {
        if ((offset & 3) != 0 || offset < 0 || offset > size - 4)
        {
            throw new IllegalArgumentException("MMIO " + access + " at BAR offset 0x" + Long.toHexString(offset) +
                " of " + name + ": " + ((offset & 3) != 0 ? "not 4-byte aligned" : "outside the " + size +
                "-byte BAR"));
        }
    }
}
