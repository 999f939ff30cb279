package dev.nicsim.hw.mem;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostMemoryTest
{
    @Test
    void shouldRefuseMemoryTheJvmCannotReserveWithAClearErrorInsteadOfAnOutOfMemoryError()
    {
        // 1 TiB is beyond the direct-memory limit of any test JVM (surefire runs with -Xmx2g); nothing is touched.
        final IllegalStateException error = assertThrows(IllegalStateException.class, () -> new HostMemory(1L << 40));
        assertTrue(error.getMessage().startsWith("cannot reserve 1048576 MiB of host memory"), error.getMessage());
        assertTrue(error.getMessage().contains("-XX:MaxDirectMemorySize"), error.getMessage());
    }
}
