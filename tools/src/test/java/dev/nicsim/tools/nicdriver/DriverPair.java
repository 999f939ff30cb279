package dev.nicsim.tools.nicdriver;

import dev.nicsim.driver.DriverConfig;
import dev.nicsim.hw.eth.EthernetConfig;
import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.nic.NicConfig;
import dev.nicsim.tools.drivercheck.FrameStream;

/**
 * Driver + NIC + link + NIC + driver, strict mode on both NICs: the composition every driver test runs on. Each
 * host's "stack" is a {@link FrameStream} that sends numbered frames to the other and checks what it receives.
 */
final class DriverPair
{
    static final long MAC_A = 0x02_00_00_00_0A_01L;
    static final long MAC_B = 0x02_00_00_00_0B_01L;

    final Simulator sim = new Simulator();
    final EthernetLink link = new EthernetLink(sim, EthernetConfig.tenGigabit(), "link");
    final DriverHost a;
    final DriverHost b;
    final FrameStream streamA;
    final FrameStream streamB;

    DriverPair(final DriverConfig config)
    {
        a = new DriverHost(sim, "hostA", link.a(), NicConfig.builder().macAddress(MAC_A).build(), config);
        b = new DriverHost(sim, "hostB", link.b(), NicConfig.builder().macAddress(MAC_B).build(), config);
        a.driver.probe();
        b.driver.probe();
        streamA = new FrameStream(sim, a.driver, 11, MAC_B, 22);
        streamB = new FrameStream(sim, b.driver, 22, MAC_A, 11);
        a.driver.setReceiver(streamA);
        b.driver.setReceiver(streamB);
    }
}
