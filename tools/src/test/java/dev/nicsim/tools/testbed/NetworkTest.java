package dev.nicsim.tools.testbed;

import dev.nicsim.stack.wire.Ipv4Address;
import dev.nicsim.tools.config.TestbedParameters;
import dev.nicsim.tools.demo.DaytimeService;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkTest
{
    @Test
    void shouldJoinTwoHostsWithOneCableAndNameEverythingAfterTheHost()
    {
        final Network network = Network.build(TestbedParameters.defaults(), 2);

        assertEquals(1, network.links().size());
        assertEquals("10.0.0.1", network.host('A').addressText());
        assertEquals("10.0.0.2", network.host('b').addressText());
        assertEquals(network.host('B'), network.hostAt(Ipv4Address.parse("10.0.0.2")));
        assertNull(network.hostAt(Ipv4Address.parse("10.0.0.3")));
        assertEquals("A.nic", network.host('A').nic().name());
        assertTrue(network.host('A').driver().isUp(), "the NIC is probed when the host is built");
        assertThrows(IllegalArgumentException.class, () -> network.host('C'));
    }

    @Test
    void shouldStoreAndForwardThroughTheSwitch()
    {
        final Network switched = Network.build(TestbedParameters.defaults().assign("link.switch=true"), 3);
        final List<String> seen = new ArrayList<>();
        final List<Long> firstBytes = new ArrayList<>();
        switched.tap((direction, time, frame, offset, length) ->
        {
            // The SYN: TCP (protocol 6) with only the SYN flag, 78 bytes with options and FCS.
            if (length == 78 && frame.get(ValueLayout.JAVA_BYTE, offset + 23) == 6 &&
                frame.get(ValueLayout.JAVA_BYTE, offset + 47) == 0x02)
            {
                seen.add(direction);
                firstBytes.add(time);
            }
        });
        DaytimeService.start(switched.host('C'), 13, switched.settings());
        DaytimeService.fetch(switched.host('A'), switched.host('C'), 13);

        assertEquals(3, switched.links().size());
        assertEquals(List.of("wireA.a", "wireC.b"), seen, "A's SYN goes only to C: the switch learned C from its ARP");
        // Last bit into the switch (78 bytes after the first, 2 m of cable), 500 ns forwarding, then preamble again.
        assertEquals(78 * 800 + 10_000 + 500_000 + 8 * 800, firstBytes.get(1) - firstBytes.get(0));
    }

    @Test
    void shouldRefuseNetworksItCannotBuild()
    {
        assertThrows(IllegalArgumentException.class, () -> Network.build(TestbedParameters.defaults(), 1));
        final Network direct = Network.build(TestbedParameters.defaults(), 2);
        final IllegalStateException noSwitch = assertThrows(IllegalStateException.class,
            () -> direct.bridgeToKernel("nsim0"));
        assertTrue(noSwitch.getMessage().contains("link.switch=true"), noSwitch.getMessage());
    }
}
