package dev.nicsim.stack;

import dev.nicsim.hw.eth.FrameStage;
import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.context.StackConfig;
import dev.nicsim.stack.device.NetDevice;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.wire.Bytes;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static dev.nicsim.stack.TwoHosts.B;
import static dev.nicsim.stack.TwoHosts.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connection's TSvals never go back, as Linux's monotonic clock gives: here a segment built in an event that started
 * later (on another core) can read an earlier time than one built just before, whose code ran on past a tick.
 */
class TimestampClockTest
{
    @Test
    void aSegmentBuiltLaterNeverCarriesAnEarlierTsval()
    {
        final TwoHosts hosts = new TwoHosts(StackConfig.defaults(), StackConfig.defaults().withSeed(7),
            NetDevice.FEATURE_TX_CHECKSUM | NetDevice.FEATURE_RX_CHECKSUM, TwoHosts.GATEWAY, 2);
        final Posix pa = hosts.pa;
        final int listener = hosts.listenOnB(80);
        final int client = pa.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0);
        TwoHosts.check(pa.connect(client, address(pa, B, 80), 16), pa);
        TwoHosts.check(hosts.pb.accept(listener, 0, 0), hosts.pb);
        final long one = pa.memory().allocate(4);
        pa.memory().putInt(one, 1);
        TwoHosts.check(pa.setsockopt(client, SocketConstants.IPPROTO_TCP, SocketConstants.TCP_NODELAY, one, 4), pa);
        final long data = pa.memory().allocate(100);
        final List<long[]> sent = new ArrayList<>();
        hosts.pair.link().b().addReceiveFault(new FrameStage()
        {
            @Override
            public void receiveFrame(final MemorySegment frame, final long offset, final int length)
            {
                // Data segments (payload 100) with the 12-byte timestamp block: sequence number and TSval.
                if (length >= 14 + 20 + 32 + 100 && Bytes.u8(frame, offset + 23) == 6)
                {
                    final long tcp = offset + 14 + 20;
                    sent.add(new long[] {Bytes.i32(frame, tcp + 4) & 0xFFFF_FFFFL, Bytes.i32(frame, tcp + 24)});
                }
                forward(frame, offset, length);
            }
        });

        // Core 0's send runs on past a millisecond tick; core 1's, in an event that starts after core 0's, does not.
        final long tick = (hosts.sim.now() / Time.MS + 2) * Time.MS;
        hosts.sim.schedule(new Event("core 0", Component.HOST_CPU, () ->
        {
            pa.setCore(0);
            hosts.sim.consume(12 * Time.US);
            pa.send(client, data, 100, 0);
        }), tick - 10 * Time.US);
        hosts.sim.schedule(new Event("core 1", Component.HOST_CPU, () ->
        {
            pa.setCore(1);
            pa.send(client, data, 100, 0);
        }), tick - 5 * Time.US);
        hosts.sim.run(tick + Time.MS);

        assertEquals(2, sent.size(), "two data segments");
        assertTrue(sent.get(0)[0] < sent.get(1)[0], "in sequence order on the wire");
        assertTrue(sent.get(1)[1] - sent.get(0)[1] >= 0,
            "TSval " + sent.get(1)[1] + " after " + sent.get(0)[1]);
    }
}
