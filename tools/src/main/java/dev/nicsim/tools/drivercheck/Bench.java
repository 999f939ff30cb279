package dev.nicsim.tools.drivercheck;

import dev.nicsim.driver.BuiltInDriverProvider;
import dev.nicsim.driver.DeviceDriver;
import dev.nicsim.driver.DriverConfig;
import dev.nicsim.driver.DriverContext;
import dev.nicsim.hw.eth.EthernetConfig;
import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.nic.MisuseMode;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The kit's test bench: the driver under test on host A, by default the built-in Java driver on host B as its
 * known-good peer, a 10 Gb/s link between them, and on each host a {@link FrameStream} that sends numbered frames and checks every
 * frame it receives. Both drivers are probed.
 */
public final class Bench
{
    static final long MAC_A = 0x02_00_00_00_0A_01L;
    static final long MAC_B = 0x02_00_00_00_0B_01L;

    final Simulator sim = new Simulator();
    final EthernetLink link = new EthernetLink(sim, EthernetConfig.tenGigabit(), "link");
    final BenchHost a;
    final BenchHost b;
    final FrameStream streamA;
    final FrameStream streamB;

    private Bench(final DriverConfig config, final Function<DriverContext, DeviceDriver> driverA,
        final Function<DriverContext, DeviceDriver> driverB, final MisuseMode misuse, final Consumer<Bench> beforeProbe)
    {
        a = new BenchHost(sim, "A", link.a(), MAC_A, config, driverA, misuse);
        b = new BenchHost(sim, "B", link.b(), MAC_B, config, driverB, misuse);
        beforeProbe.accept(this);
        a.driver.probe();
        b.driver.probe();
        streamA = new FrameStream(sim, a.driver, 11, MAC_B, 22);
        streamB = new FrameStream(sim, b.driver, 22, MAC_A, 11);
        a.driver.setReceiver(streamA);
        b.driver.setReceiver(streamB);
    }

    /** The kit's bench: the driver under test on A; {@code beforeProbe} runs between building and probing. */
    static Bench forCheck(final DriverConfig config, final Function<DriverContext, DeviceDriver> underTest,
        final Consumer<Bench> beforeProbe)
    {
        return new Bench(config, underTest, new BuiltInDriverProvider()::create, MisuseMode.STRICT, beforeProbe);
    }

    /** The driver under test on A and the built-in driver on B, both NICs in {@code misuse} mode; probed. */
    public static Bench underTest(final DriverConfig config, final Function<DriverContext, DeviceDriver> underTest,
        final MisuseMode misuse)
    {
        return new Bench(config, underTest, new BuiltInDriverProvider()::create, misuse, bench -> { });
    }

    /** A bench for bulk runs outside the kit: {@code driver} on both hosts, probed, streams attached. */
    public static Bench pair(final DriverConfig config, final Function<DriverContext, DeviceDriver> driver)
    {
        return new Bench(config, driver, driver, MisuseMode.STRICT, bench -> { });
    }

    public Simulator sim()
    {
        return sim;
    }

    public BenchHost a()
    {
        return a;
    }

    public BenchHost b()
    {
        return b;
    }

    public FrameStream streamA()
    {
        return streamA;
    }

    public EthernetLink link()
    {
        return link;
    }

    public FrameStream streamB()
    {
        return streamB;
    }
}
