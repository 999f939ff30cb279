package dev.nicsim.tools.testbed;

import dev.nicsim.hw.host.CpuUse;
import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.nic.NicMisuseException;
import dev.nicsim.nic.regs.NicRegisters;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.tools.config.TestbedParameters;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An exception raised inside the simulation while a program waits in a blocking call reaches that program with its
 * own type and message, and the program's syscall is closed properly (#16: it used to be buried under
 * "A.cpu: end() without begin()" from the blocking call's clean-up).
 */
class BlockingCallErrorTest
{
    @Test
    void strictModeMisuseDuringABlockingConnectReachesTheCaller()
    {
        final Network network = Network.build(TestbedParameters.defaults(), 2);
        final Host a = network.host('A');
        final Posix app = a.newProcess();
        final int fd = app.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0);
        final long to = app.memory().allocate(16);
        app.memory().putSockaddrIn(to, SocketConstants.AF_INET, network.host('B').address(), 13);
        // While connect() waits for the SYN-ACK, a buggy driver path writes the read-only STATUS register.
        network.sim().schedule(new Event("buggy driver", Component.HOST_CPU,
            () -> a.nic().function().bar0().write32(NicRegisters.STATUS, 1)), network.sim().now() + Time.us(5));
        final NicMisuseException misuse = assertThrows(NicMisuseException.class, () -> app.connect(fd, to, 16));
        assertTrue(misuse.getMessage().contains("STATUS"), misuse.getMessage());
        assertTrue(!misuse.getMessage().contains("without begin"), misuse.getMessage());
        // The connect's syscall was closed: its time is booked, and the next call books its own.
        final long booked = a.cpu().busyPs(CpuUse.SYSCALL);
        assertTrue(booked > 0, "the failed connect's syscall time is booked");
        assertEquals(0, app.close(fd));
        assertTrue(a.cpu().busyPs(CpuUse.SYSCALL) > booked, "close() after the exception is booked as a syscall");
    }
}
