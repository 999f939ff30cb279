package dev.nicsim.hw.mem;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IommuTest
{
    private final HostMemory memory = new HostMemory(1 << 20);
    private final Iommu iommu = new Iommu(memory);
    private final long base = memory.base();

    @Test
    void shouldAllowOnlyAccessesInsideOneMapping()
    {
        iommu.map(base + 4096, 4096, Iommu.Access.READ_WRITE, "ring");
        iommu.map(base + 8192, 4096, Iommu.Access.READ_ONLY, "tx-buffers");

        assertNull(iommu.check(base + 4096, 4096, true));
        assertNull(iommu.check(base + 8192 + 100, 64, false));
        assertTrue(iommu.check(base + 8192, 64, true).contains("read-only mapping of tx-buffers"));
        assertTrue(iommu.check(base, 64, false).startsWith("no IOMMU mapping covers"));
        assertTrue(iommu.check(base + 8192 - 8, 16, false) != null, "an access straddling two mappings is refused");
    }

    @Test
    void shouldForgetUnmappedRanges()
    {
        iommu.map(base, 4096, Iommu.Access.READ_WRITE, "buffer");
        iommu.unmap(base);
        assertEquals(0, iommu.mappingCount());
        assertTrue(iommu.check(base, 4, false) != null);
    }

    @Test
    void shouldRefuseOverlappingOrOutOfMemoryMappings()
    {
        iommu.map(base, 8192, Iommu.Access.READ_WRITE, "a");
        assertThrows(IllegalArgumentException.class, () -> iommu.map(base + 4096, 4096, Iommu.Access.READ_WRITE, "b"));
        assertThrows(IllegalArgumentException.class, () -> iommu.map(base - 4096, 4096, Iommu.Access.READ_WRITE, "c"));
        assertThrows(IllegalArgumentException.class, () -> iommu.unmap(base + 4096));
    }
}
