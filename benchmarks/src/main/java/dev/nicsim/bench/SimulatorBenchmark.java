package dev.nicsim.bench;

import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Simulator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The event kernel's own cost: one op schedules an event and fires it, with {@code pending} other events in the
 * queue (a busy simulation has dozens: DMA in flight, timers, frames on the wire). The event is due before all of
 * them, so it takes the simulator's front slot and never enters the heap: this is the cost of the commonest case (a
 * reply due sooner than any timer), not of a heap insertion.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SimulatorBenchmark
{
    @Param({"0", "16", "64"})
    public int pending;

    private Simulator sim;
    private Event next;
    private long fired;

    @Setup
    public void setUp()
    {
        sim = new Simulator();
        next = new Event("bench.next", Component.EXTERNAL, () -> fired++);
        for (int i = 0; i < pending; i++)
        {
            sim.schedule(new Event("bench.background", Component.EXTERNAL, () -> { }), Long.MAX_VALUE / 2 + i);
        }
    }

    @Benchmark
    public long scheduleAndFire()
    {
        sim.scheduleIn(next, 1000);
        sim.step();
        return fired;
    }
}
