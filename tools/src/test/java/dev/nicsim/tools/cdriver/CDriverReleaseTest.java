package dev.nicsim.tools.cdriver;

import dev.nicsim.hw.mem.HostMemory;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.config.TestbedParameters;
import dev.nicsim.tools.testbed.Network;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;

import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A testbed whose hosts run a C driver is freed, host memory included, once nothing refers to it: the upcall stubs
 * the driver calls back through no longer hold their host for good. Before, a sweep of C-driver points with 512 MiB
 * hosts ran out of direct memory from its fifth point ("cannot reserve 512 MiB of host memory").
 */
class CDriverReleaseTest
{
    @Test
    void aDroppedTestbedWithCDriversIsCollected()
    {
        final WeakReference<HostMemory> memory = testbedMemory();
        for (int i = 0; i < 50 && memory.get() != null; i++)
        {
            System.gc();
        }
        assertNull(memory.get(), "the host's memory is still reachable");
    }

    /** Builds a two-host testbed with the reference C driver, probed and up, and lets go of it. */
    private static WeakReference<HostMemory> testbedMemory()
    {
        final Settings settings = TestbedParameters.defaults();
        settings.assign("host.driver=" + CDrivers.spec("ns1"));
        final Network network = Network.build(settings, 2);
        network.sim().run(network.sim().now() + 1_000_000_000L);
        return new WeakReference<>(network.host('A').memory());
    }
}
