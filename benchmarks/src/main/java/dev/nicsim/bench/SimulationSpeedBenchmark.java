package dev.nicsim.bench;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.tools.workload.HandshakeWorkload;
import dev.nicsim.tools.workload.UdpStreamWorkload;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * How fast the simulation runs compared with the time it simulates: simulated seconds per wall-clock second, above 1
 * meaning faster than real time. JMH reports it as the secondary result {@code simulatedSeconds} in "ops/s": the
 * simulated seconds the ops covered, per second of wall time. The primary result is ops per wall second.
 *
 * <ul>
 *   <li>{@code handshake}: connect, accept and abortive close through both NICs, as
 *   {@code HandshakeBenchmark.fullModel}.</li>
 *   <li>{@code udpStream}: one UDP datagram from A to B through both NICs per op, paced at the link's line rate
 *   (10 Gb/s) for {@code frameBytes}-byte frames, or as fast as A's CPU allows when that is slower.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class SimulationSpeedBenchmark
{
    /** The simulated time the ops covered; JMH divides it by the iteration's wall time. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class SimulatedTime
    {
        long picoseconds;

        @Setup(Level.Iteration)
        public void reset()
        {
            picoseconds = 0;
        }

        public double simulatedSeconds()
        {
            return (double) picoseconds / Time.S;
        }
    }

    /** The handshake through both NICs. */
    @State(Scope.Thread)
    public static class Handshake
    {
        HandshakeWorkload workload;

        @Setup(Level.Trial)
        public void build()
        {
            workload = HandshakeWorkload.throughNics();
        }
    }

    /** A UDP stream from A to B through both NICs. */
    @State(Scope.Thread)
    public static class UdpStream
    {
        /** Ethernet frame length, FCS included: the largest and the smallest. */
        @Param({"1518", "64"})
        public int frameBytes;

        UdpStreamWorkload workload;

        @Setup(Level.Trial)
        public void build()
        {
            workload = UdpStreamWorkload.throughNics(frameBytes);
        }
    }

    @Benchmark
    public long handshake(final Handshake handshake, final SimulatedTime time)
    {
        final long ps = handshake.workload.cycle();
        time.picoseconds += ps;
        return ps;
    }

    @Benchmark
    public long udpStream(final UdpStream stream, final SimulatedTime time)
    {
        final long ps = stream.workload.send();
        time.picoseconds += ps;
        return ps;
    }
}
