package dev.nicsim.tools.bridge;

import dev.nicsim.tools.config.TestbedParameters;
import dev.nicsim.tools.testbed.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Echo requests larger than the MTU from the real kernel: the kernel sends them in fragments, B reassembles them and
 * must answer in fragments as Linux does, which the kernel reassembles in turn; the reply must carry the request's
 * data back exactly. Sizes just over one MTU, two, and six.
 */
class LargePingTest
{
    private static final String PING = """
        import socket, struct, sys
        def checksum(data):
            if len(data) % 2:
                data += b"\\0"
            total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
            while total > 0xFFFF:
                total = (total & 0xFFFF) + (total >> 16)
            return ~total & 0xFFFF
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        s.setsockopt(socket.IPPROTO_IP, 10, 0)  # IP_MTU_DISCOVER = IP_PMTUDISC_DONT: the kernel fragments
        s.settimeout(3)
        answered = 0
        for sequence, size in enumerate((1473, 3000, 8000), 1):
            data = bytes((i * 7 + sequence) & 0xFF for i in range(size))
            header = struct.pack("!BBHHH", 8, 0, 0, 0x4242, sequence)
            request = struct.pack("!BBHHH", 8, 0, checksum(header + data), 0x4242, sequence) + data
            s.sendto(request, ("10.0.0.2", 0))
            while True:
                reply = s.recv(65535)
                ihl = (reply[0] & 0x0F) * 4
                icmp = reply[ihl:]
                if icmp[0] == 0 and struct.unpack("!HH", icmp[4:8]) == (0x4242, sequence):
                    break
            assert checksum(icmp) == 0, "bad ICMP checksum on the reassembled reply"
            assert icmp[8:] == data, "the reply's data differs"
            answered += 1
        print("answered %d/3" % answered)
        """;

    @Test
    void shouldAnswerEchoRequestsLargerThanTheMtuInFragmentsTheKernelReassembles(@TempDir final Path dir)
    {
        try (KernelNamespace kernel = KernelNamespace.create(dir, "frag"))
        {
            final Network network = Network.build(TestbedParameters.defaults().assign("link.switch=true"), 2);
            try (TapBridge bridge = network.bridgeToKernel(kernel.tapName()))
            {
                kernel.take(1500);
                assertEquals("answered 3/3\n", KernelNamespace.finish(network.sim(),
                    kernel.python("ping.py", PING), 20));
                assertEquals(3, network.host('B').stack().icmp().echoRepliesSent());
                assertTrue(bridge.framesOut() >= 1 + 3 + 6, "at least 1 + 3 + 6 fragments: " + bridge.summary());
            }
        }
    }
}
