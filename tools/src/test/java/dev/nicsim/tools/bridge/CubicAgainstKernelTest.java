package dev.nicsim.tools.bridge;

import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.testsupport.ExternalTool;
import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.posix.ReadinessHandler;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.config.TestbedParameters;
import dev.nicsim.tools.demo.ChecksumSink;
import dev.nicsim.tools.testbed.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CUBIC's window evolution, the real kernel's next to nicsim's (docs/congestion.md). A bulk sender pushes data for
 * {@link #SECONDS} s through a switch into B's checksum sink; every receiving end delays frames 25 ms (a 100 ms
 * round trip, long enough for CUBIC's own growth to beat the Reno-friendly estimate) and loses the frames at
 * {@link #DROPS}: the first ends slow start, the second comes well past W_max (convex growth), the third before the
 * window is back at W_max (fast convergence). The kernel sends through the TAP bridge from a namespace and samples
 * TCP_INFO every 10 ms; nicsim's host A does the same in simulated time. Both traces must show beta_cubic, K and the
 * concave-flat-convex shape RFC 9438 defines; the kernel's run also writes the figures and a plot to
 * {@code target/cubic-kernel/}.
 */
class CubicAgainstKernelTest
{
    static final double SECONDS = 19;
    static final String DROPS = "150,13250,18050";
    private static final long SAMPLE_PS = 10 * Time.MS;
    private static final int PORT = 5001;
    private static final Path OUT = Path.of("target", "cubic-kernel");

    private static final String SENDER = """
        import socket, struct, sys, threading, time
        seconds, interval = float(sys.argv[1]), float(sys.argv[2])
        s = socket.socket()
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, b"cubic")
        s.connect(("10.0.0.2", %d))
        start = time.monotonic()
        done = threading.Event()
        lines = []
        def sample():
            while not done.is_set():
                info = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
                rtt, rttvar, ssthresh, cwnd = struct.unpack_from("<4I", info, 68)
                lines.append("%%.4f %%d %%d %%d %%d" %% (time.monotonic() - start, cwnd, ssthresh, rtt, info[1]))
                time.sleep(interval)
        sampler = threading.Thread(target=sample)
        sampler.start()
        block = bytes(1 << 16)
        while time.monotonic() - start < seconds:
            s.send(block)
        done.set()
        sampler.join()
        retrans = struct.unpack_from("<I", s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104), 100)[0]
        s.close()
        print("\\n".join(lines))
        print("total_retrans", retrans)
        """.formatted(PORT);

    private static final String QUIET_IPV6 = """
        import os
        for scope in ("all", "default"):
            path = "/proc/sys/net/ipv6/conf/%s/disable_ipv6" % scope
            if os.path.exists(path):
                open(path, "w").write("1")
        """;

    /** The scenario: a switch, 25 ms at every receiving end, the scripted losses, buffers that never limit. */
    static Settings scenario()
    {
        return TestbedParameters.defaults().assign("link.switch=true").assign("fault.delay_ns=25000000")
            .assign("fault.drop_frames=" + DROPS).assign("tcp.receive_buffer_bytes=" + (16 << 20))
            .assign("tcp.send_buffer_bytes=" + (4 << 20));
    }

    @Test
    void shouldGrowAsCubicDefinesInNicsim()
    {
        checkCubic(runNicsim().trace());
    }

    @Test
    void shouldGrowAsTheKernelsCubicThroughTheTapBridge(@TempDir final Path dir) throws IOException
    {
        // nicsim first: it warms the JIT for the paced run, whose stalls the kernel would see as RTT jumps.
        final NicsimRun run = runNicsim();
        final CwndTrace nicsim = run.trace();
        final long nicsimBytes = run.bytes();
        final String kernelVersion = ExternalTool.run(dir, "uname", "-r").stdout().trim();
        final CwndTrace kernel;
        final long kernelBytes;
        try (KernelNamespace namespace = KernelNamespace.create(dir, "cubic"))
        {
            final Network network = Network.build(scenario(), 2);
            final ChecksumSink sink = ChecksumSink.start(network.host('B'), PORT);
            try (TapBridge _ = network.bridgeToKernel(namespace.tapName()))
            {
                // No IPv6 chatter from the namespace: every frame counted at the scripted drops is the test's.
                namespace.inside("python3", "-c", QUIET_IPV6);
                namespace.take(1500);
                final String output = KernelNamespace.finish(network.sim(), namespace.python("sender.py", SENDER,
                    Double.toString(SECONDS), "0.01"), (int) SECONDS + 30);
                kernel = CwndTrace.parse("Linux " + kernelVersion + " cubic", output);
                assertTrue(output.contains("total_retrans"), output);
                kernelBytes = sink.bytes();
            }
        }
        Files.createDirectories(OUT);
        final String table = table(kernel, kernelBytes, nicsim, nicsimBytes);
        System.out.println(table);
        Files.writeString(OUT.resolve("figures.md"), table);
        Files.writeString(OUT.resolve("kernel.txt"), text(kernel));
        Files.writeString(OUT.resolve("nicsim.txt"), text(nicsim));
        plot(kernel, nicsim, OUT.resolve("cwnd.png"));
        checkCubic(kernel);
        checkCubic(nicsim);
    }

    /** nicsim's trace and the bytes B received. */
    record NicsimRun(CwndTrace trace, long bytes)
    {
    }

    /** nicsim's host A as the sender, in simulated time. */
    static NicsimRun runNicsim()
    {
        final Network network = Network.build(scenario(), 2);
        final ChecksumSink sink = ChecksumSink.start(network.host('B'), PORT);
        final BulkSender sender = new BulkSender(network.host('A').newProcess(), network.sim(),
            network.host('B').address());
        network.sim().run(Time.seconds((long) SECONDS + 1));
        assertTrue(sender.trace.samples().size() > SECONDS * 90, "samples: " + sender.trace.samples().size());
        return new NicsimRun(sender.trace, sink.bytes());
    }

    /** RFC 9438's structure in a trace of the scenario. */
    private static void checkCubic(final CwndTrace trace)
    {
        final List<CwndTrace.Reduction> reductions = trace.reductions();
        final String seen = trace.name() + ": " + reductions;
        assertEquals(3, reductions.size(), "one reduction per scripted loss: " + seen);
        final double rtt = trace.minRtt();
        assertTrue(rtt > 0.095 && rtt < 0.2, "a 100 ms round trip: " + rtt + " s");
        for (final CwndTrace.Reduction reduction : reductions.subList(1, 3))
        {
            assertEquals(CwndTrace.BETA, reduction.beta(), 0.03, "beta_cubic: " + seen);
        }
        assertTrue(!reductions.get(1).fastConvergence() && reductions.get(2).fastConvergence(),
            "the third loss comes below W_max: " + seen);
        // The window follows W_cubic with the K of RFC 9438 (2) counted from the start of congestion avoidance
        // (§4.2's t), which is when recovery is over: K read from the reduction is K plus the recovery's length
        // (one round trip for the kernel's SACK recovery, two for nicsim's NewReno repair of two lost frames). It
        // aims one round trip ahead (§4.2) and grows per ACK, so within two round trips of that.
        for (final CwndTrace.Reduction reduction : reductions)
        {
            assertEquals(reduction.k() + reduction.recovered() - reduction.at(), reduction.measuredK(), 2 * rtt,
                "K: " + seen);
        }
        // Epoch 1 runs well past K: concave, then convex. Where W_cubic is above the Reno-friendly estimate at K
        // (W_est grows alpha per round trip from ssthresh, RFC 9438 §4.3) it is also flat around W_max. Where slow
        // start ended early (Linux's HyStart), W_max is small and W_est may be above it at K: then the window does
        // not stall there but grows about alpha per round trip. Within 3 segments of the boundary, only the shape.
        final CwndTrace.Reduction first = reductions.getFirst();
        // 1.5 K puts the last third of K (Growth.late) past K. The next loss comes at a fixed frame, so a run whose
        // slow start HyStart did not end early (W_max 156, K 4.9 s) has the shortest epoch: 1.79 K was seen.
        assertTrue(first.end() - first.at() > 1.5 * first.k(), "epoch 1 ends past 1.5 K: " + seen);
        final Growth growth = Growth.of(trace, first);
        final double renoPerSecond = CwndTrace.ALPHA / trace.meanRtt();
        final double renoAtK = first.ssthresh() + renoPerSecond * first.k();
        final String shape = trace.name() + ": W_max " + first.wMax() + ", W_est at K " + renoAtK + ", " + growth;
        assertTrue(growth.early() > growth.flat() && growth.late() > growth.flat(), shape);
        if (renoAtK < first.wMax() - 3)
        {
            assertTrue(growth.early() > 3 * Math.max(growth.flat(), 1) &&
                growth.late() > 3 * Math.max(growth.flat(), 1), "CUBIC region: " + shape);
        }
        else if (renoAtK > first.wMax() + 3)
        {
            assertTrue(growth.flat() > renoPerSecond / 2, "Reno-friendly region: " + shape);
        }
    }

    /**
     * Growth in segments per second over the first third of K after recovery, over the third of K around K, and
     * over the epoch's last third of K.
     */
    record Growth(double early, double flat, double late)
    {
        static Growth of(final CwndTrace trace, final CwndTrace.Reduction epoch)
        {
            final double third = epoch.k() / 3;
            final double atK = epoch.at() + epoch.k();
            return new Growth(trace.growth(epoch.recovered(), epoch.recovered() + third),
                trace.growth(atK - third / 2, atK + third / 2), trace.growth(epoch.end() - 0.05 - third,
                epoch.end() - 0.05));
        }
    }

    private static String table(final CwndTrace kernel, final long kernelBytes, final CwndTrace nicsim,
        final long nicsimBytes)
    {
        final StringBuilder out = new StringBuilder();
        out.append("| | ").append(kernel.name()).append(" | nicsim |\n|---|---|---|\n");
        row(out, "min RTT (ms)", "%.1f", kernel.minRtt() * 1000, nicsim.minRtt() * 1000);
        row(out, "mean smoothed RTT (ms)", "%.1f", kernel.meanRtt() * 1000, nicsim.meanRtt() * 1000);
        final List<CwndTrace.Reduction> k = kernel.reductions();
        final List<CwndTrace.Reduction> n = nicsim.reductions();
        for (int i = 0; i < Math.min(k.size(), n.size()); i++)
        {
            final String loss = "loss " + (i + 1) + ": ";
            row(out, loss + "at (s)", "%.2f", k.get(i).at(), n.get(i).at());
            row(out, loss + "cwnd before (segments)", "%.0f", k.get(i).cwndBefore(), n.get(i).cwndBefore());
            row(out, loss + "ssthresh after", "%.0f", k.get(i).ssthresh(), n.get(i).ssthresh());
            row(out, loss + "beta = ssthresh / cwnd", "%.3f", k.get(i).beta(), n.get(i).beta());
            row(out, loss + "W_max (fast convergence: x0.85)", "%.1f", k.get(i).wMax(), n.get(i).wMax());
            row(out, loss + "K by RFC 9438 (2) (s)", "%.2f", k.get(i).k(), n.get(i).k());
            row(out, loss + "recovery over after (s)", "%.2f", k.get(i).recovered() - k.get(i).at(),
                n.get(i).recovered() - n.get(i).at());
            row(out, loss + "K as the window shows it (s)", "%.2f", k.get(i).measuredK(), n.get(i).measuredK());
            row(out, loss + "... in round trips", "%.1f", k.get(i).measuredK() / kernel.minRtt(),
                n.get(i).measuredK() / nicsim.minRtt());
        }
        if (!k.isEmpty() && !n.isEmpty())
        {
            final Growth kg = Growth.of(kernel, k.getFirst());
            final Growth ng = Growth.of(nicsim, n.getFirst());
            row(out, "epoch 1 growth, first K/3 after recovery (segments/s)", "%.1f", kg.early(), ng.early());
            row(out, "epoch 1 growth, K/3 around K", "%.1f", kg.flat(), ng.flat());
            row(out, "epoch 1 growth, last K/3", "%.1f", kg.late(), ng.late());
            row(out, "mean cwnd after the first loss (segments)", "%.1f", kernel.meanCwnd(k.getFirst().at()),
                nicsim.meanCwnd(n.getFirst().at()));
        }
        row(out, "received by B in " + (int) SECONDS + " s (MB/s)", "%.2f", kernelBytes / SECONDS / 1e6,
            nicsimBytes / SECONDS / 1e6);
        return out.toString();
    }

    private static void row(final StringBuilder out, final String what, final String format, final double kernel,
        final double nicsim)
    {
        out.append("| ").append(what).append(" | ").append(String.format(Locale.ROOT, format, kernel)).append(" | ")
            .append(String.format(Locale.ROOT, format, nicsim)).append(" |\n");
    }

    private static String text(final CwndTrace trace)
    {
        final StringBuilder out = new StringBuilder("# seconds cwnd ssthresh rtt_us ca_state\n");
        for (final CwndTrace.Sample s : trace.samples())
        {
            out.append(String.format(Locale.ROOT, "%.4f %d %d %d %d%n", s.seconds(), s.cwnd(), s.ssthresh(),
                s.rttMicros(), s.caState()));
        }
        return out.toString();
    }

    private static void plot(final CwndTrace kernel, final CwndTrace nicsim, final Path png) throws IOException
    {
        final XYChart chart = new XYChartBuilder().width(1000).height(500)
            .title("CUBIC cwnd, 100 ms RTT, frames " + DROPS + " lost").xAxisTitle("seconds since connect")
            .yAxisTitle("segments").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setMarkerSize(0);
        series(chart, kernel, "kernel cwnd", new Color(0x1F77B4), false);
        series(chart, nicsim, "nicsim cwnd", new Color(0xD62728), false);
        series(chart, kernel, "kernel ssthresh", new Color(0x1F77B4), true);
        series(chart, nicsim, "nicsim ssthresh", new Color(0xD62728), true);
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void series(final XYChart chart, final CwndTrace trace, final String name, final Color colour,
        final boolean ssthresh)
    {
        final List<CwndTrace.Sample> shown = trace.samples().stream()
            .filter(s -> !ssthresh || s.ssthresh() != CwndTrace.INFINITE).toList();
        final XYSeries series = chart.addSeries(name, shown.stream().mapToDouble(CwndTrace.Sample::seconds).toArray(),
            shown.stream().mapToDouble(s -> ssthresh ? s.ssthresh() : s.cwnd()).toArray());
        series.setMarker(SeriesMarkers.NONE);
        series.setLineColor(ssthresh ? colour.brighter() : colour);
        if (ssthresh)
        {
            series.setLineStyle(new java.awt.BasicStroke(1f, java.awt.BasicStroke.CAP_BUTT,
                java.awt.BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
        }
    }

    /**
     * A simulated bulk sender: connects to B's sink, keeps its send buffer full with non-blocking writes for
     * {@link #SECONDS} s, then closes; samples TCP_INFO every {@link #SAMPLE_PS} from the connect on.
     */
    private static final class BulkSender implements ReadinessHandler
    {
        private static final int CHUNK = 64 * 1024;
        final CwndTrace trace = new CwndTrace("nicsim cubic");
        private final Posix posix;
        private final Simulator sim;
        private final int fd;
        private final long buffer;
        private final long info;
        private final long infoLength;
        private final Event sample;
        private long connectedAt = -1;

        BulkSender(final Posix posix, final Simulator sim, final int address)
        {
            this.posix = posix;
            this.sim = sim;
            this.buffer = posix.memory().allocate(CHUNK);
            this.info = posix.memory().allocate(256);
            this.infoLength = posix.memory().allocate(4);
            this.sample = new Event("cwnd sample", Component.TIMER, this::sample);
            fd = posix.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM | SocketConstants.SOCK_NONBLOCK,
                0);
            final long peer = posix.memory().allocate(SocketConstants.SOCKADDR_IN_SIZE);
            posix.memory().putSockaddrIn(peer, SocketConstants.AF_INET, address, PORT);
            assertEquals(-1, posix.connect(fd, peer, SocketConstants.SOCKADDR_IN_SIZE));
            assertEquals(Errno.EINPROGRESS, posix.errno());
            assertEquals(0, posix.watch(fd, SocketConstants.POLLOUT, this));
        }

        @Override
        public void ready(final int ready, final int revents)
        {
            if (connectedAt < 0)
            {
                connectedAt = sim.now();
                sample();
            }
            if (sim.now() - connectedAt >= Time.seconds((long) SECONDS))
            {
                return;
            }
            while (posix.write(fd, buffer, CHUNK) > 0)
            {
                // keep the send buffer full
            }
            assertEquals(Errno.EAGAIN, posix.errno());
            assertEquals(0, posix.watch(fd, SocketConstants.POLLOUT, this));
        }

        private void sample()
        {
            final double seconds = (sim.now() - connectedAt) / (double) Time.S;
            if (seconds >= SECONDS)
            {
                assertEquals(0, posix.close(fd));
                return;
            }
            posix.memory().putInt(infoLength, 256);
            assertEquals(0, posix.getsockopt(fd, SocketConstants.IPPROTO_TCP, SocketConstants.TCP_INFO, info,
                infoLength));
            trace.add(seconds, posix.memory().getInt(info + 80), posix.memory().getInt(info + 76),
                posix.memory().getInt(info + 68), posix.memory().getByte(info + 1));
            sim.scheduleIn(sample, SAMPLE_PS);
        }
    }
}
