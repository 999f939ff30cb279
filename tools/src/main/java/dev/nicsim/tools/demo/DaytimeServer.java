package dev.nicsim.tools.demo;

import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.trace.EventTrace;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.posix.ReadinessHandler;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The daytime service of RFC 867 on port 13, event-driven: when the listening socket is readable it accepts every
 * pending connection, sends the current date and time as one line of ASCII, and closes, then waits again. The date
 * is the simulation's own clock counted from a fixed epoch, so runs repeat exactly.
 */
final class DaytimeServer implements ReadinessHandler
{
    /** RFC 867 leaves the format free; this is its suggested "Weekday, Month Day, Year Time-Zone" layout. */
    private static final DateTimeFormatter FORMAT =
        DateTimeFormatter.ofPattern("EEEE, MMMM d, yyyy HH:mm:ss-'UTC'", Locale.US).withZone(ZoneOffset.UTC);

    private final Posix posix;
    private final Simulator sim;
    private final EventTrace trace;
    private final String source;
    private final long epochSeconds;
    private final long reply;
    private int served;
    private String lastReply = "";

    DaytimeServer(final Posix posix, final Simulator sim, final EventTrace trace, final String source,
        final long epochSeconds)
    {
        this.posix = posix;
        this.sim = sim;
        this.trace = trace;
        this.source = source;
        this.epochSeconds = epochSeconds;
        this.reply = posix.memory().allocate(128);
    }

    /** Binds port {@code port} on every address, listens and starts waiting for connections. */
    void start(final int port)
    {
        final int listener = Syscalls.check(posix, "socket", posix.socket(SocketConstants.AF_INET,
            SocketConstants.SOCK_STREAM | SocketConstants.SOCK_NONBLOCK, 0));
        final long address = posix.memory().allocate(SocketConstants.SOCKADDR_IN_SIZE);
        posix.memory().putSockaddrIn(address, SocketConstants.AF_INET, 0, port);
        Syscalls.check(posix, "bind", posix.bind(listener, address, SocketConstants.SOCKADDR_IN_SIZE));
        Syscalls.check(posix, "listen", posix.listen(listener, 16));
        Syscalls.check(posix, "watch", posix.watch(listener, SocketConstants.POLLIN, this));
        trace.add(sim.now(), source, EventTrace.Kind.SOCKET, "daytime server listening on port " + port);
    }

    @Override
    public void ready(final int listener, final int revents)
    {
        int connection;
        while ((connection = posix.accept4(listener, 0, 0, SocketConstants.SOCK_NONBLOCK)) >= 0)
        {
            final byte[] text = (FORMAT.format(Instant.ofEpochSecond(epochSeconds).plusNanos(sim.now() / 1000)) +
                "\r\n").getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(text, 0, posix.memory().segment(), ValueLayout.JAVA_BYTE, posix.memory().offset(reply),
                text.length);
            final int sent = posix.send(connection, reply, text.length, 0);
            trace.add(sim.now(), source, EventTrace.Kind.SOCKET, "accept() = " + connection + "; send(" + connection +
                ", \"" + new String(text, StandardCharsets.US_ASCII).trim() + "\\r\\n\", " + text.length + ") = " +
                sent + "; close(" + connection + ")");
            posix.close(connection);
            served++;
            lastReply = new String(text, StandardCharsets.US_ASCII).trim();
        }
        Syscalls.check(posix, "watch", posix.watch(listener, SocketConstants.POLLIN, this));
    }

    int served()
    {
        return served;
    }

    /** The last line sent, without its CR LF. */
    String lastReply()
    {
        return lastReply;
    }
}
