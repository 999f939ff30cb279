package dev.nicsim.hw.mem;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DmaAllocatorTest
{
    private final HostMemory memory = new HostMemory(1 << 20);
    private final DmaAllocator allocator = new DmaAllocator(memory);

    @Test
    void shouldAlignBlocksAndMapThemIntoTheSegment()
    {
        final DmaBuffer small = allocator.allocate(100, 64, "small");
        final DmaBuffer ring = allocator.allocate(4096, 4096, "ring");

        assertEquals(0, small.busAddress() % 64);
        assertEquals(0, ring.busAddress() % 4096);
        assertTrue(ring.busAddress() >= small.busAddress() + 100, "blocks do not overlap");
        assertEquals(ring.busAddress() - memory.base(), ring.offset());
        assertTrue(memory.contains(ring.busAddress(), 4096));
    }

    @Test
    void shouldReuseFreedMemoryByCoalescingNeighbours()
    {
        final long free = allocator.freeBytes();
        final DmaBuffer a = allocator.allocate(300_000, 64, "a");
        final DmaBuffer b = allocator.allocate(300_000, 64, "b");
        final DmaBuffer c = allocator.allocate(300_000, 64, "c");
        allocator.free(b);
        allocator.free(a);
        allocator.free(c);

        assertEquals(free, allocator.freeBytes());
        assertEquals(900_000, allocator.allocate(900_000, 64, "big").size(), "the freed blocks merged into one");
    }

    @Test
    void shouldExplainExhaustionAndMisuse()
    {
        final IllegalStateException full = assertThrows(IllegalStateException.class,
            () -> allocator.allocate(2 << 20, 64, "rx-ring"));
        assertTrue(full.getMessage().startsWith("rx-ring: out of DMA memory"), full.getMessage());
        assertThrows(IllegalArgumentException.class, () -> allocator.allocate(64, 48, "odd"));
        final DmaBuffer buffer = allocator.allocate(64, 64, "once");
        allocator.free(buffer);
        assertThrows(IllegalArgumentException.class, () -> allocator.free(buffer));
    }
}
