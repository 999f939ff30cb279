package dev.nicsim.hw.eth;

import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EthernetSwitchTest
{
    private final Simulator sim = new Simulator();
    private final EthernetConfig config = EthernetConfig.ofCable(10_000_000_000L, 2);
    private final EthernetSwitch fabric = new EthernetSwitch(sim, "sw0", 500 * Time.NS, config.maxFrameBytes(),
        1 << 20);
    private final List<EthernetLink> links = new ArrayList<>();
    private final List<List<Long>> received = new ArrayList<>();

    private void host(final int number)
    {
        final EthernetLink link = new EthernetLink(sim, config, "h" + number);
        fabric.connect(link.b());
        final List<Long> arrivals = new ArrayList<>();
        link.a().connect((frame, offset, length) -> arrivals.add(sim.now()));
        links.add(link);
        received.add(arrivals);
    }

    private static MemorySegment frame(final int from, final int to)
    {
        final MemorySegment frame = Arena.ofAuto().allocate(64);
        frame.set(ValueLayout.JAVA_BYTE, 5, (byte) to);
        frame.set(ValueLayout.JAVA_BYTE, 11, (byte) from);
        if (to == 0xFF)
        {
            frame.asSlice(0, 6).fill((byte) 0xFF);
        }
        return frame;
    }

    @Test
    void shouldFloodUntilItLearnsThenForwardAfterStoreAndForward()
    {
        host(1);
        host(2);
        host(3);

        links.get(0).a().transmit(frame(1, 2), 0, 64);
        sim.run(Time.US * 10);
        assertEquals(1, received.get(1).size(), "unknown destination: flooded");
        assertEquals(1, received.get(2).size());

        links.get(1).a().transmit(frame(2, 1), 0, 64);
        sim.run(Time.US * 20);
        assertEquals(1, received.get(0).size(), "destination learned from the first frame: forwarded, not flooded");
        assertEquals(1, received.get(2).size());
        assertEquals(1, fabric.forwarded());

        // One hop: first byte at 10 us + 8 bytes preamble; last bit in after 64 more bytes and 10 ns of cable; then
        // 500 ns in the switch; then the same again on the second link.
        final long hop = (8 + 64) * 800 + 10_000;
        assertEquals(10 * Time.US + hop + 500 * Time.NS + hop, received.get(0).get(0));
    }

    @Test
    void shouldFloodBroadcasts()
    {
        host(1);
        host(2);
        host(3);
        links.get(0).a().transmit(frame(1, 0xFF), 0, 64);
        links.get(0).a().transmit(frame(1, 0xFF), 0, 64);
        sim.run(Time.US * 10);

        assertEquals(List.of(2, 2), List.of(received.get(1).size(), received.get(2).size()));
        assertEquals(0, received.get(0).size(), "never back out of the port it came in on");
        assertEquals(2, fabric.flooded());
    }

    @Test
    void shouldTailDropWhatDoesNotFitBehindAPortsBacklog()
    {
        // Two senders converge on one output at line rate each. A 64-byte frame holds the wire for 84 bytes (preamble
        // and gap included), so a 192-byte buffer takes a frame behind one queued frame but not behind two: after the
        // first pair, one frame of each pair is dropped.
        final EthernetSwitch small = new EthernetSwitch(sim, "sw1", 0, 64, 3 * 64);
        final List<Integer> arrivals = new ArrayList<>();
        final EthernetLink[] wires = new EthernetLink[3];
        for (int i = 0; i < 3; i++)
        {
            final EthernetLink link = new EthernetLink(sim, EthernetConfig.ofCable(10_000_000_000L, 0), "w" + i);
            small.connect(link.b());
            wires[i] = link;
        }
        wires[2].a().connect((frame, offset, length) -> arrivals.add(length));
        wires[2].a().transmit(frame(3, 0xFE), 0, 64); // teaches the switch where host 3 is (flooded to 1 and 2)
        sim.run(Time.US);
        final int sent = 20;
        for (int i = 0; i < sent; i++)
        {
            wires[0].a().transmit(frame(1, 3), 0, 64);
            wires[1].a().transmit(frame(2, 3), 0, 64);
        }
        sim.run(Time.US * 100);

        assertEquals(2 * sent, arrivals.size() + small.tailDrops(2), "every frame is delivered or counted as dropped");
        assertEquals(small.tailDrops(), small.tailDrops(2), "only the converging port drops");
        assertEquals(sent + 1, arrivals.size(), "one frame per frame time, plus the one the buffer held");
    }
}
