package dev.nicsim.stack;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.device.FrameReceiver;
import dev.nicsim.stack.tcp.Tcb;
import dev.nicsim.stack.tcp.TcpSocket;
import dev.nicsim.stack.wire.ArpPacket;
import dev.nicsim.stack.wire.Bytes;
import dev.nicsim.stack.wire.DropReason;
import dev.nicsim.stack.wire.EthernetFrame;
import dev.nicsim.stack.wire.Ipv4Address;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.nicsim.stack.TwoHosts.A;
import static dev.nicsim.stack.TwoHosts.B;
import static dev.nicsim.stack.TwoHosts.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Forged ARP against an established connection, and the Linux neighbour rules that bound its effect: a request for
 * the host's address replaces the sender's MAC (as Linux's {@code neigh_event_ns} does), the entry is then verified
 * by unicast probes and dropped when they go unanswered; a changed MAC within the 1 s locktime is ignored unless
 * gratuitous; unsolicited replies create nothing.
 */
class ArpNeighbourTest
{
    private static final long BOGUS = 0x0266_6666_6666L;

    private final TwoHosts hosts = new TwoHosts();
    private final MemorySegment frame = Arena.ofAuto().allocate(64, 8);
    private long bogusProbes;

    @Test
    void aForgedRequestRedirectsTheConnectionOnlyUntilTheEntryIsVerified()
    {
        hosts.pair.link().addTap((direction, time, bytes, offset, length) ->
        {
            if (Bytes.u16(bytes, offset + EthernetFrame.TYPE) == EthernetFrame.TYPE_ARP &&
                Bytes.u48(bytes, offset) == BOGUS &&
                Bytes.u16(bytes, offset + EthernetFrame.HEADER_LENGTH + ArpPacket.OPERATION) == ArpPacket.REQUEST)
            {
                bogusProbes++;
            }
        });
        final Tcb client = connect();
        hosts.sim.run(hosts.sim.now() + 2 * Time.S);
        arp(ArpPacket.REQUEST, EthernetFrame.BROADCAST, BOGUS, A, B);
        assertEquals(BOGUS, hosts.ethB.arp().cachedMac(A), "a request for B's address replaces A's MAC, as Linux");

        final long start = hosts.sim.now();
        final long data = hosts.pa.memory().allocate(1000);
        assertEquals(1000, hosts.pa.send(3, data, 1000, 0));
        assertTrue(hosts.sim.runUntil(() -> client.sndUna == client.sndMax, start + 60 * Time.S),
            "B's acknowledgments get through again");
        final long elapsed = hosts.sim.now() - start;
        // B's entry is STALE: its first use waits 5 s in DELAY, then 3 unicast probes 1 s apart go unanswered and
        // the entry fails at 8 s; A's retransmission at 12.6 s (RTO 200 ms doubled five times) makes B resolve A
        // again by broadcast, and that ACK arrives.
        assertEquals(3, bogusProbes, "unicast probes to the forged MAC");
        assertTrue(elapsed > 12 * Time.S && elapsed < 13 * Time.S, () -> Time.format(elapsed));
        assertEquals(hosts.ethA.mac(), hosts.ethB.arp().cachedMac(A), "A's real MAC is back");
    }

    @Test
    void aChangedMacWithinTheLocktimeIsIgnoredUnlessGratuitous()
    {
        connect();
        arp(ArpPacket.REPLY, hosts.ethB.mac(), BOGUS, A, B);
        assertEquals(hosts.ethA.mac(), hosts.ethB.arp().cachedMac(A),
            "A's entry changed less than 1 s ago: the different MAC is ignored");
        arp(ArpPacket.REQUEST, EthernetFrame.BROADCAST, BOGUS, A, A);
        assertEquals(BOGUS, hosts.ethB.arp().cachedMac(A), "a gratuitous ARP overrides at once");
    }

    @Test
    void unsolicitedRepliesCreateNoEntry()
    {
        final int stranger = Ipv4Address.parse("10.0.0.77");
        final long ignored = hosts.b.stats().drops(DropReason.ARP_IGNORED);
        arp(ArpPacket.REPLY, hosts.ethB.mac(), BOGUS, stranger, B);
        assertFalse(hosts.ethB.arp().contains(stranger), "arp_accept = 0: no entry from an unsolicited reply");
        assertEquals(ignored + 1, hosts.b.stats().drops(DropReason.ARP_IGNORED));
        arp(ArpPacket.REQUEST, EthernetFrame.BROADCAST, BOGUS, stranger, B);
        assertEquals(BOGUS, hosts.ethB.arp().cachedMac(stranger), "a request for B's address creates one");
    }

    @Test
    void tcpProgressConfirmsTheEntrySoNoProbeIsNeeded()
    {
        connect();
        final long requests = hosts.ethA.arp().requestsSent();
        final long data = hosts.pa.memory().allocate(100);
        final long in = hosts.pb.memory().allocate(100);
        // Every 10 s for a minute (twice the reachable time) A sends and B answers: A's entry for B is used past its
        // reachable time, goes to DELAY, and TCP's acknowledgments confirm it before the 5 s delay ends.
        for (int i = 0; i < 6; i++)
        {
            hosts.sim.run(hosts.sim.now() + 10 * Time.S);
            assertEquals(100, hosts.pa.send(3, data, 100, 0));
            assertEquals(100, hosts.pb.recv(4, in, 100, 0));
        }
        assertEquals(requests, hosts.ethA.arp().requestsSent(), "no ARP request while TCP confirms the neighbour");
    }

    /** B listens, A connects: fd 3 on each side (B's listener is 3, its connection 4). */
    private Tcb connect()
    {
        hosts.listenOnB(80);
        final int fd = hosts.pa.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0);
        TwoHosts.check(hosts.pa.connect(fd, address(hosts.pa, B, 80), 16), hosts.pa);
        TwoHosts.check(hosts.pb.accept(3, 0, 0), hosts.pb);
        return ((TcpSocket) hosts.pa.socketOf(fd)).tcb;
    }

    private void arp(final int operation, final long destination, final long senderMac, final int sender,
        final int target)
    {
        final EthernetFrame ethernet = new EthernetFrame();
        ethernet.wrap(frame, 0, EthernetFrame.HEADER_LENGTH);
        ethernet.emit(destination, senderMac, EthernetFrame.TYPE_ARP);
        final ArpPacket packet = new ArpPacket();
        packet.wrap(frame, EthernetFrame.HEADER_LENGTH, ArpPacket.LENGTH);
        packet.emit(operation, senderMac, sender, 0, target);
        hosts.inject(hosts.ethB, frame, EthernetFrame.HEADER_LENGTH + ArpPacket.LENGTH, FrameReceiver.NO_CHECKSUM);
    }
}
