package dev.nicsim.bench;

import dev.nicsim.tools.workload.HandshakeWorkload;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * One op is a whole TCP handshake and its abortive end: the client connects, the server accepts, the client closes
 * with SO_LINGER 0 (a RST, so no TIME_WAIT piles up).
 *
 * <ul>
 *   <li>{@code fullModel}: host A's stack, driver, NIC model, PCIe, the 10 Gb/s link, and the same on host B, in
 *   simulated time ({@link HandshakeWorkload#throughNics()}).</li>
 *   <li>{@code stackOnly}: the same two stacks back to back on paired devices, no NIC model
 *   ({@link HandshakeWorkload#overPairedDevices()}); the difference to {@code fullModel} is what the model costs.</li>
 *   <li>{@code kernelLoopback}: the real Linux kernel doing it on 127.0.0.1, through the JDK's SocketChannel. The
 *   baseline the simulated handshakes are compared with.</li>
 * </ul>
 * Each returns what the workload returns (the cycle's simulated time, or whether the socket stayed open), so the
 * JIT cannot drop the work.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class HandshakeBenchmark
{
    /** A listening socket on the loopback interface, for the kernel baseline. */
    @State(Scope.Thread)
    public static class Loopback
    {
        ServerSocketChannel server;
        InetSocketAddress address;

        @Setup(Level.Trial)
        public void listen() throws IOException
        {
            server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
            address = (InetSocketAddress) server.getLocalAddress();
        }

        @TearDown(Level.Trial)
        public void close() throws IOException
        {
            server.close();
        }
    }

    /** The handshake through both NICs. */
    @State(Scope.Thread)
    public static class FullModel
    {
        HandshakeWorkload workload;

        @Setup(Level.Trial)
        public void build()
        {
            workload = HandshakeWorkload.throughNics();
        }
    }

    /** The handshake over paired devices. */
    @State(Scope.Thread)
    public static class StackOnly
    {
        HandshakeWorkload workload;

        @Setup(Level.Trial)
        public void build()
        {
            workload = HandshakeWorkload.overPairedDevices();
        }
    }

    @Benchmark
    public long fullModel(final FullModel model)
    {
        return model.workload.cycle();
    }

    @Benchmark
    public long stackOnly(final StackOnly stacks)
    {
        return stacks.workload.cycle();
    }

    @Benchmark
    public boolean kernelLoopback(final Loopback loopback) throws IOException
    {
        final SocketChannel client = SocketChannel.open();
        client.connect(loopback.address);
        final SocketChannel accepted = loopback.server.accept();
        client.setOption(StandardSocketOptions.SO_LINGER, 0);
        client.close();
        accepted.close();
        return accepted.isOpen();
    }
}
