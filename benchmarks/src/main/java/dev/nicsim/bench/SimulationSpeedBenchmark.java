package dev.nicsim.bench;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.tools.workload.HandshakeWorkload;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.config.TestbedParameters;
import dev.nicsim.tools.workload.UdpStreamWorkload;
import dev.nicsim.tools.workload.perf.PerfOptions;
import dev.nicsim.tools.workload.perf.PerfRun;
import dev.nicsim.tools.workload.perf.PerfTest;
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
 *   <li>{@code perf}: {@code nicsim perf TEST} with default settings (two hosts, 10 Gb/s), {@link #PERF_STEP_PS}
 *   of simulated time per op after a warm-up: TCP_STREAM and TCP_RR are the SimBricks headline experiment.</li>
 *   <li>{@code perfOffloaded}: the same TCP_STREAM with TSO ({@code nic.tso}) and GRO ({@code stack.gro}) on: fewer
 *   stack traversals per byte (issue #18).</li>
 * </ul>
 *
 * <p>The perf benchmarks also report {@code payloadMegabytes}, in "ops/s": megabytes (10^6 B) the server programs
 * received per wall second. With offloads a 10 Gb/s TCP_STREAM carries more bytes per simulated second (the plain
 * run's receiver CPU caps it below the line), so simulated seconds alone compare runs doing different amounts of
 * work; wall time per delivered byte compares the same work.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class SimulationSpeedBenchmark
{
    /**
     * The simulated time the ops covered and the payload a perf run's servers received in it (0 for the other
     * benchmarks); JMH divides each by the iteration's wall time.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class SimulatedTime
    {
        long picoseconds;
        long payloadBytes;

        @Setup(Level.Iteration)
        public void reset()
        {
            picoseconds = 0;
            payloadBytes = 0;
        }

        public double simulatedSeconds()
        {
            return (double) picoseconds / Time.S;
        }

        public double payloadMegabytes()
        {
            return payloadBytes / 1e6;
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

    /** Simulated time one perf op covers. */
    public static final long PERF_STEP_PS = 100 * Time.US;

    /**
     * Simulated time a perf run is advanced before it is measured: connections open, windows grown, and the JIT done
     * with the steady-state path. Thread CPU time per simulated millisecond of 10 Gb/s TCP_STREAM with TSO and GRO
     * settles only after about 150 ms (0.4 s of CPU for the first 10 ms, under 0.05 s from there); JMH's wall-clock
     * warm-up gets that much CPU only on an idle machine, so the warm-up is counted in simulated time instead.
     */
    public static final long PERF_WARMUP_PS = 200 * Time.MS;

    /** A netperf test on the default testbed, warmed up (connections open, windows grown). */
    @State(Scope.Thread)
    public static class Perf
    {
        @Param({"TCP_STREAM", "TCP_RR"})
        public String test;

        PerfRun run;

        @Setup(Level.Trial)
        public void build()
        {
            run = PerfRun.start(TestbedParameters.defaults(), PerfOptions.defaults(PerfTest.valueOf(test)));
            run.advance(PERF_WARMUP_PS);
        }
    }

    /** 10 Gb/s TCP_STREAM with TSO and GRO, warmed up like {@link Perf}. */
    @State(Scope.Thread)
    public static class PerfOffloaded
    {
        PerfRun run;

        @Setup(Level.Trial)
        public void build()
        {
            final Settings settings = TestbedParameters.defaults();
            settings.assign("nic.tso=true");
            settings.assign("stack.gro=true");
            run = PerfRun.start(settings, PerfOptions.defaults(PerfTest.TCP_STREAM));
            run.advance(PERF_WARMUP_PS);
        }
    }

    @Benchmark
    public long perfOffloaded(final PerfOffloaded perf, final SimulatedTime time)
    {
        return step(perf.run, time);
    }

    @Benchmark
    public long perf(final Perf perf, final SimulatedTime time)
    {
        return step(perf.run, time);
    }

    /* One perf op: PERF_STEP_PS more of the run, counting the simulated time and the payload delivered in it. */
    private static long step(final PerfRun run, final SimulatedTime time)
    {
        final long before = run.meter().bytesTotal();
        run.advance(PERF_STEP_PS);
        time.picoseconds += PERF_STEP_PS;
        time.payloadBytes += run.meter().bytesTotal() - before;
        return run.sim().now();
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
