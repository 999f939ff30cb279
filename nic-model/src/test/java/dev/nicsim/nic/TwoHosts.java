package dev.nicsim.nic;

import dev.nicsim.hw.eth.EthernetConfig;
import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.pcie.PcieConfig;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.nic.regs.InterruptCauses;
import dev.nicsim.nic.regs.NicRegisters;

/** Two hosts whose NICs share one 10 Gb/s link, each reset and with its RX and TX vectors programmed. */
final class TwoHosts
{
    static final long MAC_A = 0x02_00_00_00_00_0AL;
    static final long MAC_B = 0x02_00_00_00_00_0BL;

    final Simulator sim = new Simulator();
    final EthernetLink link = new EthernetLink(sim, EthernetConfig.tenGigabit(), "link");
    final TestHost a;
    final TestHost b;

    TwoHosts(final NicConfig config)
    {
        a = new TestHost(sim, "nicA", PcieConfig.defaults(), link.a(), config.toBuilder().macAddress(MAC_A).build());
        b = new TestHost(sim, "nicB", PcieConfig.defaults(), link.b(), config.toBuilder().macAddress(MAC_B).build());
        a.enableAndReset();
        b.enableAndReset();
    }

    /** Frames from {@code from} to {@code to}. */
    static FramePattern frames(final long seed, final long from, final long to, final int min, final int max)
    {
        return new FramePattern(seed, from, to, min, max);
    }

    /** Software on both hosts sending {@code min}-to-{@code max}-byte frames to each other over rings of 256. */
    record Traffic(RxConsumer rxA, RxConsumer rxB, TxFeeder txA, TxFeeder txB)
    {
    }

    Traffic traffic(final long seed, final int min, final int max)
    {
        return traffic(seed, min, max, Long.MAX_VALUE);
    }

    /** As {@link #traffic(long, int, int)}, with lengths that repeat every {@code period} frames. */
    Traffic traffic(final long seed, final int min, final int max, final long period)
    {
        final FramePattern toB = new FramePattern(seed, MAC_A, MAC_B, min, max, period);
        final FramePattern toA = new FramePattern(seed + 1, MAC_B, MAC_A, min, max, period);
        final Traffic traffic = new Traffic(new RxConsumer(a, 256, toA), new RxConsumer(b, 256, toB),
            new TxFeeder(a, 256, toB), new TxFeeder(b, 256, toA));
        start(a, traffic.rxA(), traffic.txA());
        start(b, traffic.rxB(), traffic.txB());
        return traffic;
    }

    /** Queue 0 of {@code host} receives into {@code rx} and sends from {@code tx}, each on its own vector. */
    static void start(final TestHost host, final RxConsumer rx, final TxFeeder tx)
    {
        final int rxQueues = host.nic.config().rxQueues();
        host.vector(InterruptCauses.rxVector(0), rx.handler);
        host.vector(InterruptCauses.txVector(rxQueues, 0), tx.handler);
        host.write(NicRegisters.RCTL, NicRegisters.RCTL_EN | NicRegisters.RCTL_BAM | NicRegisters.RCTL_BSIZE_2048);
        host.write(NicRegisters.TCTL, NicRegisters.TCTL_EN | NicRegisters.TCTL_PSP);
        host.write(NicRegisters.IMS, InterruptCauses.rxQueue(0) | InterruptCauses.txQueue(0));
    }
}
