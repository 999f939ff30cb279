package dev.nicsim.hw.eth;

import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EthernetLinkTest
{
    private static final long TEN_GIGABIT = 10_000_000_000L;

    private final Simulator sim = new Simulator();
    private final MemorySegment frame = Arena.ofAuto().allocate(1522);
    private final List<Long> arrivals = new ArrayList<>();
    private final List<Integer> firstBytes = new ArrayList<>();

    private EthernetLink link(final EthernetConfig config)
    {
        final EthernetLink link = new EthernetLink(sim, config, "l0");
        link.b().connect((data, offset, length) ->
        {
            arrivals.add(sim.now());
            firstBytes.add(data.get(ValueLayout.JAVA_BYTE, offset) & 0xFF);
        });
        return link;
    }

    /** Sends frames back to back for one simulated second; returns how many fully held the wire within it. */
    private long framesPerSecond(final int frameBytes)
    {
        final EthernetLink link = new EthernetLink(sim, EthernetConfig.ofCable(TEN_GIGABIT, 2), "l0");
        final long[] completed = {0};
        final Event sender = new Event("mac", Component.MAC_WIRE, null)
        {
            @Override
            protected void fire()
            {
                final long free = link.a().transmit(frame, 0, frameBytes);
                if (free <= Time.S)
                {
                    completed[0]++;
                    sim.schedule(this, free);
                }
            }
        };
        sim.schedule(sender, 0);
        sim.run(Time.S + Time.US);
        return completed[0];
    }

    @Test
    void shouldHoldTheWireFor67point2NanosecondsPer64ByteFrameAt10Gigabit()
    {
        final EthernetConfig config = EthernetConfig.ofCable(TEN_GIGABIT, 2);
        assertEquals(67_200, config.wireTimePs(64), "(8 preamble+SFD + 64 frame + 12 IFG) bytes x 800 ps");
        assertEquals(67_200, config.wireTimePs(60), "a runt still holds the wire for a minimum frame");
        assertEquals(14_880_952, framesPerSecond(64));
    }

    @Test
    void shouldCarry812743FullSizeFramesPerSecondAt10Gigabit()
    {
        assertEquals(812_743, framesPerSecond(1518));
    }

    @Test
    void shouldDeliverEachFrameWhenItsLastBitHasCrossedTheCable()
    {
        final EthernetLink link = link(EthernetConfig.ofCable(TEN_GIGABIT, 2));
        link.a().transmit(frame, 0, 64);
        link.a().transmit(frame, 0, 64);
        sim.run(Time.US);

        final long lastBit = (8 + 64) * 800;
        final long cable = 2 * 5_000;
        assertEquals(List.of(lastBit + cable, 67_200 + lastBit + cable), arrivals);
    }

    @Test
    void shouldShowFramesToTapsAtTheirFirstByteOnTheWire()
    {
        final EthernetLink link = link(EthernetConfig.tenGigabit());
        final List<String> seen = new ArrayList<>();
        link.addTap((direction, time, data, offset, length) -> seen.add(direction + "@" + time + ":" + length));
        link.a().transmit(frame, 0, 100);
        link.b().transmit(frame, 0, 64);

        assertEquals(List.of("l0.a@6400:100", "l0.b@6400:64"), seen, "full duplex: both directions at once");
    }

    @Test
    void shouldLoseFramesWhileDownAndTellBothEnds()
    {
        final EthernetLink link = link(EthernetConfig.tenGigabit());
        final List<String> changes = new ArrayList<>();
        link.a().setLinkStateListener(up -> changes.add("a:" + up + "@" + sim.now()));
        link.b().setLinkStateListener(up -> changes.add("b:" + up + "@" + sim.now()));
        link.scheduleOutage(Time.US, Time.US);

        sim.run(Time.US + 1);
        link.a().transmit(frame, 0, 64);
        sim.run(3 * Time.US);
        link.a().transmit(frame, 0, 64);
        sim.run(4 * Time.US);

        assertEquals(List.of("a:false@1000000", "b:false@1000000", "a:true@2000000", "b:true@2000000"), changes);
        assertEquals(1, link.a().framesLost());
        assertEquals(1, arrivals.size());
    }

    @Test
    void shouldRefuseFramesLongerThanTheLinkCarries()
    {
        final EthernetLink link = link(EthernetConfig.tenGigabit());
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> link.a().transmit(Arena.ofAuto().allocate(2000), 0, 2000));
        assertTrue(error.getMessage().contains("2000-byte frame"), error.getMessage());
    }

    /** What a receiver is told about each frame's FCS. */
    private static class FcsHints implements FrameSink
    {
        final List<Boolean> intact = new ArrayList<>();

        @Override
        public void receiveFrame(final MemorySegment data, final long offset, final int length)
        {
            intact.add(false);
        }

        @Override
        public void receiveFrame(final MemorySegment data, final long offset, final int length,
            final boolean fcsIntact)
        {
            intact.add(fcsIntact);
        }
    }

    @Test
    void shouldVouchForTheFcsOnlyWhenTheSenderAppendedItAndNothingSitsOnTheWayThatCouldChangeTheFrame()
    {
        final EthernetLink plain = new EthernetLink(sim, EthernetConfig.tenGigabit(), "plain");
        final FcsHints plainHints = new FcsHints();
        plain.b().connect(plainHints);
        final EthernetLink faulty = new EthernetLink(sim, EthernetConfig.tenGigabit(), "faulty");
        final FcsHints faultyHints = new FcsHints();
        faulty.b().connect(faultyHints);
        faulty.b().addReceiveFault(new DelayFault(Time.US, 0, 7));

        plain.a().transmit(frame, 0, 64, true);
        plain.a().transmit(frame, 0, 64, false);
        plain.a().transmit(frame, 0, 64);
        faulty.a().transmit(frame, 0, 64, true);
        sim.run(sim.now() + Time.MS);

        assertEquals(List.of(true, false, false), plainHints.intact, "only the frame whose sender appended the FCS");
        assertEquals(List.of(false), faultyHints.intact, "a fault stage may change the frame: no hint through it");
    }

    @Test
    void shouldNeedTheFcsBytesWrittenUnlessOnlyAReceiverThatIgnoresIntactOnesWillSeeThem()
    {
        final FrameSink ignoring = new FcsHints()
        {
            @Override
            public boolean ignoresIntactFcs()
            {
                return true;
            }
        };
        final EthernetLink plain = new EthernetLink(sim, EthernetConfig.tenGigabit(), "plain");
        plain.b().connect(ignoring);
        plain.a().connect(new FcsHints());
        assertEquals(false, plain.a().fcsBytesRead(), "only a receiver that ignores them");
        assertEquals(true, plain.b().fcsBytesRead(), "a receiver that may read them");

        plain.addTap((direction, time, data, offset, length) -> { });
        assertEquals(true, plain.a().fcsBytesRead(), "a tap (a capture file) shows them");

        final EthernetLink faulty = new EthernetLink(sim, EthernetConfig.tenGigabit(), "faulty");
        faulty.b().connect(ignoring);
        faulty.b().addReceiveFault(new DelayFault(Time.US, 0, 7));
        assertEquals(true, faulty.a().fcsBytesRead(), "a fault stage may corrupt the frame: the receiver checks");
    }

    private List<Integer> runFaulted(final FrameStage... stages)
    {
        arrivals.clear();
        firstBytes.clear();
        final EthernetLink link = link(EthernetConfig.tenGigabit());
        for (final FrameStage stage : stages)
        {
            link.b().addReceiveFault(stage);
        }
        for (int i = 0; i < 200; i++)
        {
            frame.set(ValueLayout.JAVA_BYTE, 0, (byte) i);
            sim.run(sim.now() + Time.US);
            link.a().transmit(frame, 0, 64);
        }
        sim.run(sim.now() + Time.MS);
        return new ArrayList<>(firstBytes);
    }

    @Test
    void shouldInjectFaultsReproduciblyFromASeed()
    {
        final List<Integer> first = runFaulted(new DropFault(0.1, 42), new DuplicateFault(0.05, 43),
            new ReorderFault(0.05, Time.MS, 44));
        final List<Integer> second = runFaulted(new DropFault(0.1, 42), new DuplicateFault(0.05, 43),
            new ReorderFault(0.05, Time.MS, 44));
        final List<Integer> otherSeed = runFaulted(new DropFault(0.1, 1), new DuplicateFault(0.05, 2),
            new ReorderFault(0.05, Time.MS, 3));

        assertEquals(first, second, "same seeds, same frames in the same order");
        assertNotEquals(first, otherSeed);
    }

    @Test
    void shouldDropCorruptDuplicateReorderAndDelay()
    {
        final DropFault drop = new DropFault(0.25, 7);
        final int received = runFaulted(drop).size();
        assertEquals(200 - drop.dropped(), received);
        assertTrue(drop.dropped() > 20 && drop.dropped() < 80, "about a quarter dropped: " + drop.dropped());

        final DuplicateFault duplicate = new DuplicateFault(1.0, 7);
        assertEquals(400, runFaulted(duplicate).size());

        final List<Integer> swapped = runFaulted(new ReorderFault(1.0, Time.MS, 7));
        assertEquals(List.of(1, 0, 3, 2), swapped.subList(0, 4), "each held frame comes right after the next one");

        final CorruptFault corrupt = new CorruptFault(1.0, 7);
        runFaulted(corrupt);
        assertEquals(200, corrupt.corrupted());

        final long start = sim.now();
        runFaulted(new DelayFault(Time.US * 5, 0, 7));
        final long sentAt = start + Time.US;
        assertEquals(5 * Time.US + (8 + 64) * 800 + 10_000, arrivals.get(0) - sentAt);
    }

    @Test
    void shouldDropExactlyTheScriptedFrames()
    {
        final ScriptedDropFault drop = new ScriptedDropFault(1, 5, 6, 200, 201);
        final List<Integer> arrived = runFaulted(drop);
        assertEquals(196, arrived.size(), "frames 1, 5, 6 and 200 lost; there is no 201st");
        assertEquals(List.of(1, 2, 3, 6, 7), arrived.subList(0, 5), "the first frame carries 0");
        assertEquals(198, arrived.getLast());
        assertEquals(4, drop.dropped());
        assertThrows(IllegalArgumentException.class, () -> new ScriptedDropFault(5, 5));
        assertThrows(IllegalArgumentException.class, () -> new ScriptedDropFault(0));
    }
}
