package dev.nicsim.hw.sim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClockDomainTest
{
    @Test
    void shouldTurnFrequenciesIntoWholePicosecondPeriods()
    {
        assertEquals(4_000, ClockDomain.ofMegahertz("core", 250).periodPs());
        assertEquals(6_400, ClockDomain.ofMegahertz("mac", 156.25).periodPs());
        assertEquals(333, ClockDomain.ofMegahertz("cpu", 3000).periodPs(), "rounded to the nearest picosecond");
    }

    @Test
    void shouldAlignTimesToTheNextEdge()
    {
        final ClockDomain core = ClockDomain.ofMegahertz("core", 250);
        assertEquals(8_000, core.nextEdge(8_000), "a time on an edge stays there");
        assertEquals(12_000, core.nextEdge(8_001));
        assertEquals(12_000 + 3 * 4_000, core.edgeAfter(8_001, 3));
        assertEquals(2, core.cycleAt(11_999));
    }

    @Test
    void shouldCountDatapathBeats()
    {
        assertEquals(1, ClockDomain.beats(64, 64));
        assertEquals(2, ClockDomain.beats(65, 64));
        assertEquals(190, ClockDomain.beats(1518, 8));
        assertEquals(1, ClockDomain.beats(0, 8), "even an empty transfer takes a beat");
    }

    @Test
    void shouldRejectNonsenseFrequencies()
    {
        assertThrows(IllegalArgumentException.class, () -> ClockDomain.ofMegahertz("x", 0));
        assertThrows(IllegalArgumentException.class, () -> new ClockDomain("x", -4));
    }
}
