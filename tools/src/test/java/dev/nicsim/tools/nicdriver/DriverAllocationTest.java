package dev.nicsim.tools.nicdriver;

import dev.nicsim.driver.DriverConfig;
import dev.nicsim.hw.eth.EthernetConfig;
import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.trace.AllocationMeter;
import dev.nicsim.nic.NicConfig;
import dev.nicsim.tools.drivercheck.FlowStream;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Steady-state transmit and receive through driver and NIC allocate nothing (ThreadMXBean). Every batch has the same
 * frame lengths, so the platform's pools reach their working size during warm-up.
 */
class DriverAllocationTest
{
    private static final int BATCH = 1_000;

    @Test
    void shouldAllocateNothingPerFrameThroughDriverAndNic()
    {
        final DriverPair pair = new DriverPair(DriverConfig.defaults());
        pair.streamA.repeatEvery(BATCH);
        pair.streamB.repeatEvery(BATCH);
        final long[] target = {0};
        final BooleanSupplier arrived = () -> pair.streamA.received() == target[0] &&
            pair.streamB.received() == target[0];

        final Runnable batch = () ->
        {
            target[0] += BATCH;
            pair.streamA.send(BATCH);
            pair.streamB.send(BATCH);
            pair.sim.runUntil(arrived, pair.sim.now() + Time.ms(100));
        };
        final long[] runs = new long[5];
        runs[0] = AllocationMeter.steadyStateBytes(20, batch);
        for (int run = 1; run < runs.length; run++)
        {
            runs[run] = AllocationMeter.steadyStateBytes(0, batch);
        }

        assertEquals(25L * BATCH, pair.streamB.received());
        assertEquals(0, pair.streamA.wrong() + pair.streamB.wrong());
        assertEquals(0, Arrays.stream(runs).min().orElseThrow(), "bytes allocated by five steady-state runs of " +
            2 * BATCH + " frames each: " + Arrays.toString(runs) + " (a one-off JIT " +
            "deoptimisation may allocate in one run; an allocation per frame would show in all)");
    }

    /** The same for 64 KiB TSO segments and 64 UDP flows spread by RSS over 8 queue pairs. */
    @Test
    void shouldAllocateNothingPerTsoSegmentOrRssSpreadFrame()
    {
        final Simulator sim = new Simulator();
        final EthernetLink link = new EthernetLink(sim, EthernetConfig.tenGigabit(), "link");
        final NicConfig nic = NicConfig.builder().txQueues(8).rxQueues(8).tso(true).build();
        // Rings of 128 keep 8 queue pairs and their TSO buffers inside the test host's 16 MiB.
        final DriverConfig defaults = DriverConfig.defaults();
        final DriverConfig config = new DriverConfig(128, 128, 2048, 2048, 64, 0, defaults.resetTimeoutPs(),
            defaults.quiesceTimeoutPs(), defaults.fault(), defaults.itrMode(), 8, true);
        final DriverHost a = new DriverHost(sim, "hostA", link.a(), nic.toBuilder().macAddress(DriverPair.MAC_A)
            .build(), config);
        final DriverHost b = new DriverHost(sim, "hostB", link.b(), nic.toBuilder().macAddress(DriverPair.MAC_B)
            .build(), config);
        a.driver.probe();
        b.driver.probe();
        final FlowStream receiver = new FlowStream(b.driver, DriverPair.MAC_A);
        b.driver.setReceiver(receiver);
        final FlowStream sender = new FlowStream(a.driver, DriverPair.MAC_B);
        final long[] perQueue = new long[8];
        final Runnable batch = () ->
        {
            receiver.newSegment();
            sender.sendTso(65_536, 1448);
            sender.sendFlows(64, 1, perQueue);
            sim.run(sim.now() + Time.us(100));
        };
        final long[] runs = new long[5];
        runs[0] = AllocationMeter.steadyStateBytes(20, batch);
        for (int run = 1; run < runs.length; run++)
        {
            runs[run] = AllocationMeter.steadyStateBytes(0, batch);
        }

        assertEquals(25L * 46, receiver.tcpFrames(), "every frame of every segment arrived");
        assertEquals(0, receiver.badTcpFrames(), "checksums right, sequence continued");
        assertEquals(64, receiver.flows(), "every flow arrived");
        assertTrue(Arrays.stream(perQueue).allMatch(frames -> frames > 0), Arrays.toString(perQueue));
        assertEquals(0, Arrays.stream(runs).min().orElseThrow(), "bytes allocated by five steady-state runs: " +
            Arrays.toString(runs));
    }
}
