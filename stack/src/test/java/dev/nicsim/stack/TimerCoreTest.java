package dev.nicsim.stack;

import dev.nicsim.hw.host.CpuUse;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.context.StackConfig;
import dev.nicsim.stack.device.NetDevice;
import dev.nicsim.stack.posix.Posix;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.nicsim.stack.TwoHosts.B;
import static dev.nicsim.stack.TwoHosts.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connection's timers fire on the core that last ran its protocol work, as Linux's mod_timer queues a timer on the
 * CPU that arms it: a SYN sent by a program on core 1 is retransmitted by a timer on core 1, not on core 0.
 */
class TimerCoreTest
{
    @Test
    void theSynRetransmissionRunsOnTheCoreThatSentTheSyn()
    {
        final TwoHosts hosts = new TwoHosts(StackConfig.defaults(), StackConfig.defaults().withSeed(7),
            NetDevice.FEATURE_TX_CHECKSUM | NetDevice.FEATURE_RX_CHECKSUM, TwoHosts.GATEWAY, 2);
        hosts.firewallTcpToB();
        final List<long[]> stackActivities = new ArrayList<>();
        hosts.a.cpu().setActivityListener((cpu, core, use, start, end) ->
        {
            if (use == CpuUse.STACK)
            {
                stackActivities.add(new long[] {core, start});
            }
        });
        final Posix pa = hosts.pa;
        pa.setCore(1);
        final int client = pa.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM | SocketConstants.SOCK_NONBLOCK,
            0);
        final long sent = hosts.sim.now();
        assertEquals(-1, pa.connect(client, address(pa, B, 80), 16));
        stackActivities.clear();
        hosts.sim.run(sent + Time.S + 100 * Time.MS);

        final List<long[]> retransmissions = stackActivities.stream().filter(a -> a[1] >= sent + Time.S).toList();
        assertEquals(1, retransmissions.size(), "one activity a second after the SYN: its retransmission");
        assertEquals(1, retransmissions.getFirst()[0], "the retransmission timer runs on the SYN's core");
        assertTrue(hosts.a.cpu().busyPs(1, CpuUse.STACK) > 0, "core 1 did the timer's protocol work");
    }
}
