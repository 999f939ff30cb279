package dev.nicsim.tools.cli;

import dev.nicsim.tools.bridge.PtyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The QEMU-style --netdev option and its shorthands on the commands that take them. */
class BridgeOptionsTest
{
    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();
    private final ByteArrayOutputStream out = console.out();
    private final ByteArrayOutputStream err = console.err();

    @Test
    void shouldRejectBadSpecsBeforeRunningWithTheReason()
    {
        assertRejected("netdev 'user,id=n0' must start with tap or serial", "connect", "10.0.0.2:13", "--netdev",
            "user,id=n0");
        assertRejected("needs ifname=NAME", "serve", "13", "--netdev", "tap");
        assertRejected("framing 'slip' must be ip", "serve", "13", "--netdev", "serial,path=/dev/ttyS0,framing=slip");
        assertRejected("mtu 20 must be 68 to 65535", "serve", "13", "--netdev", "serial,path=/dev/ttyS0,mtu=20");
        assertRejected("unknown key 'speed'; known: baud, board, framing, mtu, path", "serve", "13", "--netdev",
            "serial,path=/dev/ttyS0,speed=9600");
        assertRejected("'10.0.0.300' is not an IPv4 address", "serve", "13", "--netdev",
            "serial,path=/dev/ttyS0,board=10.0.0.300");
        assertRejected("--baud goes with --serial", "serve", "13", "--baud", "9600");
    }

    @Test
    void shouldServeOverASerialNetdevAndPrintTheBridgesCountersAtTheEnd(@TempDir final Path dir)
    {
        try (PtyPair pty = PtyPair.open(dir))
        {
            assertEquals(0, Main.run("serve", "13", "--seconds", "1", "--netdev",
                "serial,path=" + pty.line() + ",board=10.0.0.77,mtu=576"), err.toString());
            final String printed = out.toString();
            assertTrue(printed.contains("through serial-" + pty.line()), printed);
            assertTrue(printed.contains("0 frames in, 0 out; dropped: 0 runt, 0 oversized, 0 bad FCS; SLIP: 0 bad " +
                "escape, 0 too long; IP line (board 10.0.0.77, MTU 576)"), printed);
        }
    }

    private void assertRejected(final String reason, final String... args)
    {
        err.reset();
        assertEquals(2, Main.run(args), out.toString());
        assertTrue(err.toString().contains(reason), err.toString());
    }
}
