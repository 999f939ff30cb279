package dev.nicsim.tools.drivercheck;

import dev.nicsim.driver.DeviceDriver;
import dev.nicsim.driver.DriverConfig;
import dev.nicsim.driver.DriverContext;
import dev.nicsim.driver.DriverFactory;
import dev.nicsim.driver.NicDriver;
import dev.nicsim.hw.host.CpuUse;
import dev.nicsim.hw.pcie.PciConfigSpace;
import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.trace.EventTrace;
import dev.nicsim.nic.NicMisuseException;
import dev.nicsim.nic.regs.Counters;
import dev.nicsim.nic.regs.NicRegisters;
import dev.nicsim.nic.regs.QueueCounters;
import dev.nicsim.nic.regs.QueueRegisters;
import dev.nicsim.nic.regs.RssRegisters;
import dev.nicsim.stack.device.NetDevice;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The driver conformance kit: runs each {@link Check} on a fresh {@link Bench} (the driver under test on host A, the
 * built-in driver as its peer, strict mode) and says whether the driver kept the rule. It judges by what a driver
 * cannot hide: the register accesses the NIC saw, its counters, what the peer received, the allocator and the IOMMU.
 * Rings are 64 descriptors, so traffic wraps them often.
 */
public final class DriverCheck
{
    /** The bench's driver parameters: small rings, everything else the default. */
    public static final DriverConfig CONFIG = new DriverConfig(64, 64, 2048, 2048, 64, 0, Time.ms(10), Time.ms(10),
        DriverConfig.defaults().fault(), DriverConfig.defaults().itrMode(), 1, false);

    /** The interval {@link Check#MODERATION_CHANGE} sets: 200 units of 256 ns, 51.2 us. */
    static final int ITR_UNITS = 200;

    private static final Pattern ACCESS = Pattern.compile("(read|write)\\s+(\\S+) = 0x([0-9a-f]+)");
    private static final long WINDOW = Time.ms(1);

    private final Function<DriverContext, DeviceDriver> factory;

    /** A kit for the driver {@code factory} makes. */
    public DriverCheck(final Function<DriverContext, DeviceDriver> factory)
    {
        this.factory = factory;
    }

    /** A kit for the driver a {@code host.driver} specification names ({@link DriverFactory}). */
    public static DriverCheck of(final String specification)
    {
        final String spec = DriverFactory.validate(specification);
        return new DriverCheck(context -> DriverFactory.create(spec, context));
    }

    /** Runs every check. */
    public List<CheckResult> runAll()
    {
        final List<CheckResult> results = new ArrayList<>();
        for (final Check check : Check.values())
        {
            results.add(run(check));
        }
        return results;
    }

    /** Runs one check on a fresh bench; never throws for what the driver or the device does. */
    public CheckResult run(final Check check)
    {
        try
        {
            return new CheckResult(check, true, switch (check)
            {
                case PROBE_ORDER -> probeOrder();
                case RING_WRAP -> ringWrap();
                case TX_BACKPRESSURE -> txBackPressure();
                case RX_STARVATION -> rxStarvation();
                case LINK_FLAP -> linkFlap();
                case MODERATION_CHANGE -> moderationChange();
                case SHUTDOWN_QUIESCE -> shutdownQuiesce();
                case NO_LEAK -> noLeak();
                case NO_MISUSE -> noMisuse();
                case QUEUES -> queues();
                case TSO -> tso();
                case RSS_CONTROL -> rssControl();
            });
        }
        catch (final Violation e)
        {
            return new CheckResult(check, false, e.getMessage());
        }
        catch (final NicMisuseException e)
        {
            return new CheckResult(check, false, "strict mode stopped the run: " + e.getMessage());
        }
        catch (final RuntimeException e)
        {
            return new CheckResult(check, false, "the driver failed: " + e.getMessage());
        }
    }

    /* ---------------------------------------------------------------------------------------------------------- */

    private Bench bench(final Consumer<Bench> beforeProbe)
    {
        return Bench.forCheck(CONFIG, factory, beforeProbe);
    }

    private Bench bench()
    {
        return bench(b -> { });
    }

    /** Queue pairs the multi-queue check asks for. */
    static final int QUEUES = 4;
    private static final int FLOWS = 64;

    /**
     * With {@value #QUEUES} queue pairs asked for: RSS spreads 64 UDP flows from the peer over every RX queue, each
     * flow on one queue, and the driver reports each frame's queue as the NIC counted it (QPRC); the driver's own
     * flows leave through the TX queues it picks, each as counted (QPTC), and all arrive. A driver that sets up one
     * queue pair has nothing here to check.
     */
    private String queues()
    {
        final Bench bench = Bench.forCheck(CONFIG.withQueues(QUEUES, false), factory, b -> { });
        final DeviceDriver driver = bench.a.driver;
        if (driver.rxQueues() == 1 && driver.txQueues() == 1)
        {
            return "the driver sets up one queue pair (driver.queues " + QUEUES + " asked for): nothing to check";
        }
        final FlowStream mine = new FlowStream(driver, Bench.MAC_B);
        final FlowStream peer = new FlowStream(bench.b.driver, Bench.MAC_A);
        driver.setReceiver(mine);
        bench.b.driver.setReceiver(peer);
        final int rounds = 4;
        peer.sendFlows(FLOWS, rounds);
        final long[] sent = mine.sendFlows(FLOWS, rounds);
        bench.sim.run(bench.sim.now() + Time.ms(1));
        final StringBuilder spread = new StringBuilder();
        for (int q = 0; q < driver.rxQueues(); q++)
        {
            final long counted = bench.a.nic.queueCounter(q, QueueCounters.QPRC);
            if (counted == 0 || mine.received(q) != counted)
            {
                throw new Violation("RX queue " + q + ": the NIC delivered " + counted + " frames (QPRC) and the " +
                    "driver reported " + mine.received(q) + " on that queue: every queue must be set up, polled " +
                    "and reported with its own number (RSS spreads " + FLOWS + " flows over all of them)");
            }
            spread.append(q == 0 ? "" : "/").append(counted);
        }
        if (!mine.flowsOnOneQueue() || mine.flows() != FLOWS)
        {
            throw new Violation(mine.flows() + " of " + FLOWS + " flows arrived, " + (mine.flowsOnOneQueue() ? "" :
                "some on more than one queue: ") + "RSS keeps a flow on one queue");
        }
        for (int q = 0; q < sent.length; q++)
        {
            if (bench.a.nic.queueCounter(q, QueueCounters.QPTC) != sent[q])
            {
                throw new Violation("TX queue " + q + ": the stack handed " + sent[q] + " frames to it, the NIC sent " +
                    bench.a.nic.queueCounter(q, QueueCounters.QPTC) + " from it (QPTC): a slot of txReserveOn(q) " +
                    "goes out on queue q, with a doorbell of its own");
            }
        }
        if (peer.flows() != FLOWS || !peer.flowsOnOneQueue())
        {
            throw new Violation("the peer received " + peer.flows() + " of the driver's " + FLOWS + " flows");
        }
        return driver.rxQueues() + " RX queues received " + spread + " frames of " + FLOWS + " flows, each flow on " +
            "one queue, as the NIC counted; " + FLOWS * rounds + " frames sent over " + driver.txQueues() +
            " TX queues as picked";
    }

    /**
     * The host's RSS key and table (DeviceDriver.setRss; set_rss in C, ABI 3): both programmed, and a table naming a
     * queue not in use refused with nothing written.
     */
    private String rssControl()
    {
        final Bench bench = Bench.forCheck(CONFIG.withQueues(QUEUES, false), factory, b -> { });
        final DeviceDriver driver = bench.a.driver;
        if (!driver.programsRss())
        {
            return "the driver programs only its own RSS (no set_rss, ABI 3): driver.rss_key and driver.rss_table " +
                "are refused for it; nothing to check";
        }
        if (driver.rxQueues() == 1)
        {
            return "the driver sets up one RX queue: nothing to steer";
        }
        // A zero key hashes every flow to entry 0: every frame reaches the last queue only if key and table were both
        // taken. Then a table naming a queue not in use, with another key, must change nothing.
        final int last = driver.rxQueues() - 1;
        final int[] table = new int[RssRegisters.RETA_ENTRIES];
        table[0] = last;
        driver.setRss(new byte[RssRegisters.KEY_BYTES], table);
        final int[] beyond = table.clone();
        beyond[1] = driver.rxQueues();
        try
        {
            driver.setRss(NicDriver.defaultRssKey(), beyond);
            throw new Violation("a table naming RX queue " + beyond[1] + ", which the driver does not use, was " +
                "taken: it must be refused (-EINVAL) with nothing written");
        }
        catch (final IllegalArgumentException expected)
        {
            // refused, as it must be
        }
        final FlowStream mine = new FlowStream(driver, Bench.MAC_B);
        final FlowStream peer = new FlowStream(bench.b.driver, Bench.MAC_A);
        driver.setReceiver(mine);
        bench.b.driver.setReceiver(peer);
        peer.sendFlows(FLOWS, 2);
        bench.sim.run(bench.sim.now() + Time.ms(1));
        final long onLast = bench.a.nic.queueCounter(last, QueueCounters.QPRC);
        final long all = bench.a.nic.counter(Counters.GPRC);
        if (all == 0 || onLast != all || mine.received(last) != all)
        {
            throw new Violation("with a zero key and table entry 0 naming queue " + last + ", RX queue " + last +
                " received " + onLast + " of " + all + " frames (QPRC/GPRC), the driver reported " +
                mine.received(last) + " there: the key and the table must both reach RSSRK and RETA, and a refused " +
                "call must leave them as they were");
        }
        return all + " frames of " + FLOWS + " flows on RX queue " + last + " as the key and table asked; a table " +
            "naming queue " + beyond[1] + " refused with nothing written";
    }

    /** A 64 KiB TSO segment with MSS 1448: the frames cut from it arrive whole, in order, checksums right. */
    private String tso()
    {
        final Bench bench = Bench.forCheck(CONFIG.withQueues(1, true), factory, b -> { });
        final DeviceDriver driver = bench.a.driver;
        if ((driver.features() & NetDevice.FEATURE_TSO) == 0)
        {
            return "the driver does not offer TSO on a device that has it: nothing to check";
        }
        final int payload = 65_536;
        final int mss = 1448;
        final FlowStream mine = new FlowStream(driver, Bench.MAC_B);
        final FlowStream peer = new FlowStream(bench.b.driver, Bench.MAC_A);
        driver.setReceiver(mine);
        bench.b.driver.setReceiver(peer);
        final long sentBefore = bench.a.nic.counter(Counters.GPTC);
        mine.sendTso(payload, mss);
        bench.sim.run(bench.sim.now() + Time.ms(1));
        final long frames = (payload + mss - 1) / mss;
        final byte[] arrived = peer.tcpPayload();
        boolean same = arrived.length == payload;
        for (int i = 0; same && i < payload; i++)
        {
            same = arrived[i] == FlowStream.pattern(i);
        }
        if (peer.tcpFrames() != frames || peer.badTcpFrames() > 0 || peer.largestTcpPayload() != mss || !same ||
            bench.a.nic.counter(Counters.GPTC) - sentBefore != frames)
        {
            throw new Violation("a " + payload + "-byte TSO segment with MSS " + mss + " should leave as " + frames +
                " frames: the NIC sent " + (bench.a.nic.counter(Counters.GPTC) - sentBefore) + ", the peer got " +
                peer.tcpFrames() + " (" + peer.badTcpFrames() + " with a bad checksum or out of sequence, largest " +
                "payload " + peer.largestTcpPayload() + "), " + arrived.length + " payload bytes" +
                (same ? "" : " not the segment's"));
        }
        return "a " + payload + "-byte segment left as " + frames + " frames of at most " + mss + " bytes, " +
            "checksums right, payload intact";
    }

    /** §8.1/§8.2 as the NIC saw it: reset first and waited out, each ring before its enable, IMS before unmask. */
    private String probeOrder()
    {
        final EventTrace trace = new EventTrace(true);
        final Bench bench = bench(b -> b.a.nic.traceTo(trace));
        final List<Access> accesses = accesses(trace, bench.a.nic.name());
        final int reset = firstWrite(accesses, "CTRL", NicRegisters.CTRL_RST, 0);
        final int firstWrite = firstWrite(accesses, null, 0, 0);
        if (reset < 0 || reset != firstWrite)
        {
            throw new Violation("the first register write is " + accesses.get(firstWrite) + ", not CTRL.RST: the " +
                "device is reset (§8.1 step 3) before anything is programmed");
        }
        final int nextWrite = firstWrite(accesses, null, 0, reset + 1);
        int resetDone = -1;
        for (int i = reset + 1; i < accesses.size() && resetDone < 0; i++)
        {
            final Access access = accesses.get(i);
            if (!access.write && access.register.equals("CTRL") && (access.value & NicRegisters.CTRL_RST) == 0)
            {
                resetDone = i;
            }
        }
        if (resetDone < 0 || (nextWrite >= 0 && nextWrite < resetDone))
        {
            throw new Violation("after CTRL.RST the driver wrote " + (nextWrite < 0 ? "nothing" :
                accesses.get(nextWrite)) + " before reading CTRL with RST clear (§8.2: poll CTRL until RST reads 0)");
        }
        for (final String q : new String[] {"R", "T"})
        {
            final String control = q + "XDCTL(0)";
            final int enable = firstWrite(accesses, control, QueueRegisters.DCTL_ENABLE, 0);
            if (enable < 0)
            {
                throw new Violation(control + " was never enabled by probe (§8.1 steps 9 and 11)");
            }
            for (final String field : new String[] {"DBAL(0)", "DBAH(0)", "DLEN(0)"})
            {
                final int at = firstWrite(accesses, q + field, 0, 0);
                if (at < 0 || at > enable)
                {
                    throw new Violation(q + field + " was " + (at < 0 ? "never written" : "written after " +
                        accesses.get(enable)) + ": a ring's base and length come before its enable (§8.1)");
                }
            }
        }
        final int rdt = firstWrite(accesses, "RDT(0)", 0, 0);
        final int rctl = firstWrite(accesses, "RCTL", NicRegisters.RCTL_EN, 0);
        final int tctl = firstWrite(accesses, "TCTL", NicRegisters.TCTL_EN, 0);
        if (rdt < firstWrite(accesses, "RXDCTL(0)", QueueRegisters.DCTL_ENABLE, 0) || rctl < rdt)
        {
            throw new Violation("RX came up out of order: RXDCTL.ENABLE, then RDT with the ring filled, then RCTL.EN " +
                "(§8.1 steps 9-10); RDT at access " + rdt + ", RCTL.EN at " + rctl);
        }
        if (tctl < firstWrite(accesses, "TXDCTL(0)", QueueRegisters.DCTL_ENABLE, 0))
        {
            throw new Violation("TCTL.EN " + (tctl < 0 ? "was never set" : "came before TXDCTL.ENABLE") +
                " (§8.1 steps 11-12)");
        }
        final int ims = firstWrite(accesses, "IMS", 0, 0);
        int unmasks = 0;
        for (int i = 0; i < accesses.size(); i++)
        {
            final Access access = accesses.get(i);
            if (access.write && access.register.endsWith("].control") && access.value == 0)
            {
                unmasks++;
                if (ims < 0 || i < ims)
                {
                    throw new Violation(access + " unmasked a vector before IMS chose the causes (§8.1 steps 14-15)");
                }
            }
        }
        if (unmasks == 0)
        {
            throw new Violation("probe unmasked no MSI-X vector (§8.1 step 15)");
        }
        return accesses.size() + " register accesses: reset waited out, rings before enables, IMS before " +
            unmasks + " unmasks";
    }

    /** Both rings wrap many times; every frame arrives once, in order, byte-exact. */
    private String ringWrap()
    {
        final Bench bench = bench();
        final long frames = 3_000;
        bench.streamA.send(frames);
        bench.streamB.send(frames);
        bench.sim.runUntil(() -> arrived(bench.streamB, frames) && arrived(bench.streamA, frames),
            bench.sim.now() + Time.ms(50));
        exact(bench.streamB, frames, "A to B (the driver's TX ring)");
        exact(bench.streamA, frames, "B to A (the driver's RX ring)");
        return frames + " frames each way through " + CONFIG.txRingSize() + "-descriptor rings (" +
            frames / CONFIG.txRingSize() + " wraps), in order and byte-exact";
    }

    /** A full TX ring answers NO_SLOT, and the driver says when there is room again: nothing is lost or stuck. */
    private String txBackPressure()
    {
        final Bench bench = bench();
        final long frames = 2_000;
        bench.streamA.send(frames);
        bench.sim.runUntil(() -> arrived(bench.streamB, frames), bench.sim.now() + Time.ms(50));
        if (bench.streamA.spaceSignals() == 0)
        {
            throw new Violation("the stack asked for " + frames + " frames at once and the " +
                CONFIG.txRingSize() + "-slot ring never filled, or the driver never called txSpaceAvailable(); " +
                bench.streamA.sent() + " sent");
        }
        exact(bench.streamB, frames, "A to B after back-pressure");
        return "the ring filled and the driver signalled space " + bench.streamA.spaceSignals() + " times; all " +
            frames + " frames arrived in order";
    }

    /** A busy CPU starves the RX ring: the NIC drops and counts, the stack misses exactly that, and RX recovers. */
    private String rxStarvation()
    {
        final Bench bench = bench();
        final long frames = 5_000;
        final Event hog = new Event("A.busy-app", Component.HOST_CPU, () ->
        {
            bench.a.cpu.begin(CpuUse.SYSCALL);
            bench.a.cpu.charge(Time.ms(1));
            bench.a.cpu.end();
        });
        bench.sim.schedule(hog, bench.sim.now() + Time.us(50));
        bench.streamB.send(frames);
        bench.sim.runUntil(() -> arrived(bench.streamA, frames), bench.sim.now() + Time.ms(50));
        final long dropped = bench.a.nic.counter(Counters.RNBC) + bench.a.nic.counter(Counters.MPC);
        if (dropped == 0)
        {
            throw new Violation("a millisecond of busy CPU did not starve the " + CONFIG.rxRingSize() + "-descriptor " +
                "RX ring (RNBC 0): does the driver hand the device all its buffers?");
        }
        if (bench.streamA.missing() != dropped || bench.streamA.wrong() != 0 ||
            bench.streamA.received() != frames - dropped)
        {
            throw new Violation("the NIC dropped " + dropped + " frames (RNBC + MPC) but the stack missed " +
                bench.streamA.missing() + ", received " + bench.streamA.received() + " of " + frames + " and " +
                bench.streamA.wrong() + " out of order or corrupt");
        }
        final long before = bench.streamA.received();
        bench.streamB.send(1_000);
        bench.sim.runUntil(() -> bench.streamA.received() == before + 1_000, bench.sim.now() + Time.ms(20));
        if (bench.streamA.received() != before + 1_000)
        {
            throw new Violation("after the starvation RX did not recover: " + (bench.streamA.received() - before) +
                " of 1000 later frames arrived");
        }
        return dropped + " frames dropped and counted while starved, exactly those missed; 1000 later frames all " +
            "arrived";
    }

    /** The link goes down for 100 us in the middle of traffic: the driver follows LSC both ways and traffic resumes. */
    private String linkFlap()
    {
        final Bench bench = bench();
        final long frames = 4_000;
        bench.streamA.send(frames);
        bench.streamB.send(frames);
        bench.sim.run(bench.sim.now() + Time.us(300));
        bench.link.setUp(false);
        bench.sim.run(bench.sim.now() + Time.us(100));
        if (bench.a.driver.linkUp() || bench.streamA.linkUp())
        {
            throw new Violation("100 us after the link went down the driver says link " +
                (bench.a.driver.linkUp() ? "up" : "down") + " and told the stack " +
                (bench.streamA.linkUp() ? "nothing" : "down") + " (LSC interrupt, STATUS.LU)");
        }
        final long receivedWhileDown = bench.streamA.received() + bench.streamB.received();
        bench.link.setUp(true);
        bench.sim.run(bench.sim.now() + Time.us(100));
        if (!bench.a.driver.linkUp() || !bench.streamA.linkUp())
        {
            throw new Violation("100 us after the link came back the driver says link " +
                (bench.a.driver.linkUp() ? "up" : "down") + " and the stack thinks it is " +
                (bench.streamA.linkUp() ? "up" : "down"));
        }
        bench.sim.runUntil(() -> arrived(bench.streamA, frames) && arrived(bench.streamB, frames),
            bench.sim.now() + Time.ms(50));
        if (!arrived(bench.streamA, frames) || !arrived(bench.streamB, frames) ||
            bench.streamA.wrong() + bench.streamB.wrong() > 0 ||
            bench.streamA.received() + bench.streamB.received() <= receivedWhileDown)
        {
            throw new Violation("traffic did not resume cleanly after the link came back: A received " +
                bench.streamA.received() + " (" + bench.streamA.wrong() + " wrong), B received " +
                bench.streamB.received() + " (" + bench.streamB.wrong() + " wrong) of " + frames);
        }
        return "link down and up seen by driver and stack; " + (bench.streamA.missing() + bench.streamB.missing()) +
            " frames lost during the outage, the rest in order";
    }

    /** ITR set at run time bounds the interrupt rate: at most one message per vector and interval. */
    private String moderationChange()
    {
        final Bench bench = bench();
        bench.streamB.send(10_000);
        bench.sim.run(bench.sim.now() + Time.us(100));
        final long before = interruptsOver(bench);
        bench.a.driver.setItr(ITR_UNITS);
        bench.sim.run(bench.sim.now() + Time.us(100));
        final long receivedBefore = bench.streamA.received();
        final long after = interruptsOver(bench);
        final long interval = ITR_UNITS * 256L * Time.NS;
        final long bound = 3 * (WINDOW / interval + 1);
        if (after > bound)
        {
            throw new Violation("with ITR " + ITR_UNITS + " (" + Time.format(interval) + ") set at run time the " +
                "NIC sent " + after + " MSI-X messages in " + Time.format(WINDOW) + ", more than one per vector and " +
                "interval allows (" + bound + "); before: " + before + " (is ITR written?)");
        }
        if (before <= bound)
        {
            throw new Violation("without moderation the NIC sent only " + before + " MSI-X messages in " +
                Time.format(WINDOW) + ", too few for the bench to tell moderation from none");
        }
        if (bench.streamA.received() == receivedBefore || bench.streamA.wrong() > 0)
        {
            throw new Violation("frames stopped arriving, or arrived out of order, after ITR changed");
        }
        return before + " MSI-X messages per ms without moderation, " + after + " with ITR " + ITR_UNITS +
            " (at most " + bound + ")";
    }

    private static long interruptsOver(final Bench bench)
    {
        final long start = bench.a.nic.counter(Counters.INTERRUPTS);
        bench.sim.run(bench.sim.now() + WINDOW);
        return bench.a.nic.counter(Counters.INTERRUPTS) - start;
    }

    /** Shutdown in the middle of traffic: GIO master disable, STATUS polled until DMA is idle, then unmapped. */
    private String shutdownQuiesce()
    {
        final Bench bench = bench();
        bench.streamA.send(20_000);
        bench.streamB.send(20_000);
        bench.sim.run(bench.sim.now() + Time.us(300));
        final EventTrace trace = new EventTrace(true);
        bench.a.nic.traceTo(trace);
        bench.a.driver.shutdown();
        final List<Access> accesses = accesses(trace, bench.a.nic.name());
        final int disable = firstWrite(accesses, "CTRL", NicRegisters.CTRL_GIO_MASTER_DISABLE, 0);
        if (disable < 0)
        {
            throw new Violation("shutdown never set CTRL.GIO_MASTER_DISABLE (§8.3 step 3)");
        }
        boolean quiesced = false;
        for (int i = disable + 1; i < accesses.size() && !quiesced; i++)
        {
            final Access access = accesses.get(i);
            quiesced = !access.write && access.register.equals("STATUS") &&
                (access.value & NicRegisters.STATUS_GIO_MASTER_ENABLED) == 0;
        }
        if (!quiesced)
        {
            throw new Violation("after CTRL.GIO_MASTER_DISABLE shutdown never read STATUS with GIO_MASTER_ENABLED " +
                "clear: memory was released without knowing DMA had stopped (§8.3 steps 3-4)");
        }
        if (bench.a.iommu.mappingCount() != 0)
        {
            throw new Violation("shutdown left " + bench.a.iommu.mappingCount() + " IOMMU mapping(s)");
        }
        return "shut down mid-traffic: GIO master disabled, STATUS polled until DMA stopped, then unmapped, " +
            "with no DMA fault";
    }

    /** After shutdown every DMA block is freed, every mapping gone and bus mastering off. */
    private String noLeak()
    {
        final Bench bench = bench();
        bench.streamA.send(1_000);
        bench.streamB.send(1_000);
        bench.sim.runUntil(() -> arrived(bench.streamA, 1_000) && arrived(bench.streamB, 1_000),
            bench.sim.now() + Time.ms(20));
        bench.a.driver.shutdown();
        final int blocks = bench.a.allocator.allocatedCount();
        final int mappings = bench.a.iommu.mappingCount();
        final boolean master = (bench.a.nic.function().configRead16(PciConfigSpace.OFFSET_COMMAND) &
            PciConfigSpace.COMMAND_BUS_MASTER) != 0;
        if (blocks != 0 || mappings != 0 || master)
        {
            throw new Violation("after shutdown " + blocks + " DMA block(s) are still allocated, " + mappings +
                " IOMMU mapping(s) remain and bus mastering is " + (master ? "on" : "off"));
        }
        return "every DMA block freed, every mapping removed, bus mastering off";
    }

    /** A whole life in strict mode: probe, traffic, ITR change, traffic, shutdown; the device counted no misuse. */
    private String noMisuse()
    {
        final Bench bench = bench();
        bench.streamA.send(1_000);
        bench.streamB.send(1_000);
        bench.sim.runUntil(() -> arrived(bench.streamA, 1_000) && arrived(bench.streamB, 1_000),
            bench.sim.now() + Time.ms(20));
        bench.a.driver.setItr(20);
        bench.streamA.send(1_000);
        bench.streamB.send(1_000);
        bench.sim.runUntil(() -> arrived(bench.streamA, 2_000) && arrived(bench.streamB, 2_000),
            bench.sim.now() + Time.ms(20));
        bench.a.driver.shutdown();
        final long misuse = bench.a.nic.counter(Counters.MISUSE) + bench.a.nic.counter(Counters.DMAFAULTS);
        if (misuse != 0)
        {
            throw new Violation("the device counted " + misuse + " misuse(s) or DMA fault(s)");
        }
        return "probe, 4000 frames, ITR change and shutdown in strict mode without a misuse";
    }

    /* ---------------------------------------------------------------------------------------------------------- */

    private static boolean arrived(final FrameStream stream, final long frames)
    {
        return stream.received() + stream.missing() >= frames;
    }

    private static void exact(final FrameStream receiver, final long frames, final String direction)
    {
        if (receiver.received() != frames || receiver.missing() != 0 || receiver.wrong() != 0)
        {
            throw new Violation(direction + ": " + receiver.received() + " of " + frames + " frames arrived, " +
                receiver.missing() + " missing, " + receiver.wrong() + " out of order or not byte-exact");
        }
    }

    /** One register access the NIC saw. */
    private record Access(boolean write, String register, long value, long time)
    {
        @Override
        public String toString()
        {
            return register + (write ? " = 0x" : " read 0x") + Long.toHexString(value) + " at " + Time.format(time);
        }
    }

    private static List<Access> accesses(final EventTrace trace, final String nic)
    {
        final List<Access> accesses = new ArrayList<>();
        for (final EventTrace.Entry entry : trace.entries())
        {
            if (entry.kind() == EventTrace.Kind.MMIO && entry.source().equals(nic))
            {
                final Matcher matcher = ACCESS.matcher(entry.detail());
                if (matcher.matches())
                {
                    accesses.add(new Access(matcher.group(1).equals("write"), matcher.group(2),
                        Long.parseLong(matcher.group(3), 16), entry.time()));
                }
            }
        }
        return accesses;
    }

    /** The first write at or after {@code from} to {@code register} (any, if null) with all of {@code bits} set. */
    private static int firstWrite(final List<Access> accesses, final String register, final long bits, final int from)
    {
        for (int i = from; i < accesses.size(); i++)
        {
            final Access access = accesses.get(i);
            if (access.write && (register == null || access.register.equals(register)) &&
                (access.value & bits) == bits)
            {
                return i;
            }
        }
        return -1;
    }

    /** A rule the driver broke; the message says which, with what was seen. */
    static final class Violation extends RuntimeException
    {
        Violation(final String message)
        {
            super(message, null, false, false);
        }
    }
}
