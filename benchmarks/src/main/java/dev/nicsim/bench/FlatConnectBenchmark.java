package dev.nicsim.bench;

import dev.nicsim.stack.context.StackConfig;
import dev.nicsim.tools.config.TestbedParameters;
import dev.nicsim.tools.workload.HandshakeWorkload;
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
 * The cost of a connect does not grow with the connections already open: {@link HandshakeBenchmark#stackOnly}'s
 * handshake op (connect, accept, abortive close) with {@code open} other connections established and idle between
 * the same two hosts, a fifth of them to the very port the op connects to. What used to grow with them: the
 * ephemeral port search, the listener lookup among its accepted connections, the descriptor search.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Thread)
public class FlatConnectBenchmark
{
    @Param({"0", "10000", "100000"})
    int open;

    HandshakeWorkload workload;

    @Setup(Level.Trial)
    public void build()
    {
        workload = HandshakeWorkload.overPairedDevices(TestbedParameters.defaults(),
            StackConfig.defaults().withOpenFilesPerProcess(open + 1024));
        workload.openIdleConnections(open);
    }

    @Benchmark
    public long connect()
    {
        return workload.cycle();
    }
}
