package dev.nicsim.tools.demo;

import dev.nicsim.hw.sim.CausalityLog;
import dev.nicsim.hw.sim.CriticalPath;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.trace.EventTrace;
import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.posix.ProcessMemory;
import dev.nicsim.tools.config.PlatformParameters;
import dev.nicsim.tools.config.Settings;
import dev.nicsim.tools.report.OutputDirectory;
import dev.nicsim.tools.report.RunEvidence;
import dev.nicsim.tools.report.RunSummary;
import dev.nicsim.tools.testbed.Host;
import dev.nicsim.tools.testbed.Network;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One connect() from host A to any destination on the testbed, blocking or non-blocking, with the system calls it
 * took and, when it succeeds, the latency breakdown. Host B may run the daytime server on a chosen port.
 *
 * @param steps     the client's system calls, one line each, strace-style
 * @param result    connect()'s outcome: 0, or -1 with {@code errno}
 * @param errno     the errno of a failure (from connect(), or from SO_ERROR for a non-blocking connect)
 * @param latencyPs from the connect() call to the moment its outcome was known
 * @param breakdown the latency split into parts (null when the connect failed)
 * @param reply     what the server sent, when connected
 */
public record ConnectAttempt(List<String> steps, int result, int errno, long latencyPs, LatencyBreakdown breakdown,
                             String reply)
{
    private static final int POLLFD_BYTES = 8;

    public String errnoName()
    {
        return Errno.name(errno);
    }

    public String errnoMessage()
    {
        return Errno.strerror(errno);
    }

    /**
     * Runs the attempt on a fresh testbed.
     *
     * @param serverPort B's daytime server port, or -1 for no server
     * @param out        where to leave the run's evidence ({@link RunEvidence}), or null for none
     */
    public static ConnectAttempt run(final Settings settings, final String host, final int port, final int serverPort,
        final boolean nonBlocking, final OutputDirectory out)
    {
        return withEvidence(settings, out, host, port,
            evidence -> attempt(Network.build(settings, 2), host, port, serverPort, nonBlocking, evidence));
    }

    /** Runs the attempt from host A of {@code network}, which may have bridges to the outside attached. */
    public static ConnectAttempt run(final Network network, final String host, final int port, final int serverPort,
        final boolean nonBlocking, final OutputDirectory out)
    {
        return withEvidence(network.settings(), out, host, port,
            evidence -> attempt(network, host, port, serverPort, nonBlocking, evidence));
    }

    /* Runs the attempt with evidence kept in {@code out} (when not null), also when it fails. */
    private static ConnectAttempt withEvidence(final Settings settings, final OutputDirectory out, final String host,
        final int port, final Function<RunEvidence, ConnectAttempt> attempt)
    {
        if (out == null)
        {
            return attempt.apply(null);
        }
        final RunEvidence evidence = new RunEvidence(out, "connect", settings);
        final ConnectAttempt result;
        try
        {
            result = attempt.apply(evidence);
        }
        catch (final RuntimeException | Error failure)
        {
            evidence.finishFailed(failure);
            throw failure;
        }
        final Map<String, Object> summary = evidence.summary();
        summary.put("destination", host + ":" + port);
        summary.put("result", (long) result.result());
        summary.put("connect_latency_ps", result.latencyPs());
        if (result.result() < 0)
        {
            summary.put("errno", result.errnoName());
            RunSummary.failed(summary, "connect: " + result.errnoName() + " (" + result.errnoMessage() + ")");
        }
        else
        {
            final Map<String, Object> parts = new LinkedHashMap<>();
            result.breakdown().parts().forEach((part, ps) -> parts.put(RunSummary.key(part), ps));
            summary.put("breakdown_ps", parts);
        }
        evidence.finish(null);
        return result;
    }

    private static ConnectAttempt attempt(final Network network, final String host, final int port,
        final int serverPort, final boolean nonBlocking, final RunEvidence evidence)
    {
        final Settings settings = network.settings();
        final Simulator sim = network.sim();
        final Host a = network.host('A');
        final Host b = network.host('B');
        final EventTrace trace = evidence != null ? evidence.timeline() : new EventTrace(true);
        final CausalityLog causality = evidence != null ? evidence.causality() : new CausalityLog();
        if (evidence != null)
        {
            evidence.attach(network);
        }
        else
        {
            sim.recordCausality(causality);
        }
        if (serverPort > 0)
        {
            new DaytimeServer(b.newProcess(), sim, trace, b.name() + ".daytime",
                settings.integer(PlatformParameters.EPOCH)).start(serverPort);
        }
        final Posix posix = a.newProcess();
        final DaytimeClient client = new DaytimeClient(posix, sim, trace, a.name() + ".client");
        final int fd = client.socket();
        final List<String> steps = new ArrayList<>();
        if (nonBlocking)
        {
            final int set = posix.fcntl(fd, SocketConstants.F_SETFL, SocketConstants.O_NONBLOCK);
            trace.add(sim.now(), a.name() + ".client", EventTrace.Kind.SOCKET,
                "fcntl(" + fd + ", F_SETFL, O_NONBLOCK) = " + set);
        }
        int result = client.connect(fd, host, port);
        int errno = result < 0 ? posix.errno() : 0;
        long end = client.connectReturnedAt();
        int endRecord = client.connectRecord();
        if (nonBlocking && result < 0 && errno == Errno.EINPROGRESS)
        {
            final long soError = posix.memory().allocate(4);
            end = awaitNonBlocking(posix, sim, trace, a.name() + ".client", fd, soError);
            endRecord = sim.lastCallRecord();
            errno = posix.memory().getInt(soError);
            result = errno == 0 ? 0 : -1;
        }
        LatencyBreakdown breakdown = null;
        String reply = "";
        if (result == 0)
        {
            final CriticalPath path = CriticalPath.of(causality, endRecord, client.connectCalledAt(), end);
            breakdown = LatencyBreakdown.of(path, b.name() + ".");
            if (evidence != null)
            {
                evidence.markCriticalPath("connect()", path, client.connectCalledAt(), end);
            }
            if (nonBlocking)
            {
                posix.fcntl(fd, SocketConstants.F_SETFL, 0);
            }
            reply = client.readAll(fd).trim();
        }
        client.close(fd);
        for (final EventTrace.Entry entry : trace.entries())
        {
            if (entry.source().equals(a.name() + ".client"))
            {
                steps.add(Time.stamp(entry.time()) + "  " + entry.detail());
            }
        }
        return new ConnectAttempt(List.copyOf(steps), result, errno, end - client.connectCalledAt(), breakdown,
            reply);
    }

    /** poll() for POLLOUT, then getsockopt(SO_ERROR) into {@code soError}; returns when poll() returned. */
    private static long awaitNonBlocking(final Posix posix, final Simulator sim, final EventTrace trace,
        final String source, final int fd, final long soError)
    {
        final ProcessMemory memory = posix.memory();
        final long pollFd = memory.allocate(POLLFD_BYTES);
        memory.putInt(pollFd, fd);
        memory.putShort(pollFd + 4, (short) SocketConstants.POLLOUT);
        final int ready = posix.poll(pollFd, 1, -1);
        final long returned = sim.now();
        trace.add(returned, source, EventTrace.Kind.SOCKET, "poll([{fd=" + fd + ", events=POLLOUT}], 1, -1) = " +
            ready + " ([{revents=" + SocketConstants.pollBits(memory.getShort(pollFd + 6)) + "}])");
        final long length = memory.allocate(4);
        memory.putInt(length, 4);
        final int got = posix.getsockopt(fd, SocketConstants.SOL_SOCKET, SocketConstants.SO_ERROR, soError, length);
        final int error = memory.getInt(soError);
        trace.add(sim.now(), source, EventTrace.Kind.SOCKET, "getsockopt(" + fd + ", SOL_SOCKET, SO_ERROR, [" +
            (error == 0 ? "0" : Errno.name(error)) + "], [4]) = " + got);
        return returned;
    }

    /**
     * A hint when {@code port} looks like a port whose bytes were swapped (a missing {@code htons()}): 3328 is 13
     * read the wrong way round. Null when the port looks ordinary.
     */
    public static String byteSwapHint(final int port)
    {
        final int swapped = Short.toUnsignedInt(Short.reverseBytes((short) port));
        if (port >= 1024 && swapped < 1024 && swapped != 0)
        {
            return "port " + port + " (0x" + Integer.toHexString(port) + ") is " + swapped + " with its two bytes " +
                "swapped: the program probably set sin_port = " + swapped + " without htons(" + swapped + ")";
        }
        return null;
    }
}
