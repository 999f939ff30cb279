package dev.nicsim.stack.iface;

import dev.nicsim.hw.host.CpuCosts;
import dev.nicsim.hw.host.HostCpu;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.stack.NetworkStack;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.context.StackConfig;
import dev.nicsim.stack.device.FrameReceiver;
import dev.nicsim.stack.device.NetDevice;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.wire.Bytes;
import dev.nicsim.stack.wire.Ipv4Address;
import dev.nicsim.stack.wire.Ipv4Packet;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static dev.nicsim.stack.context.SocketConstants.AF_INET;
import static dev.nicsim.stack.context.SocketConstants.SOCKADDR_IN_SIZE;
import static dev.nicsim.stack.context.SocketConstants.SOCK_DGRAM;
import static dev.nicsim.stack.context.SocketConstants.SOCK_NONBLOCK;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Frames that find their TX queue's ring full wait in the stack, as in Linux's per-queue qdisc (mq): they go out on
 * the queue their flow's hash picked, in order, and a full ring stops only its own queue. Sending a waiting frame on
 * another queue reorders the flow on the wire (the receiver then sees a gap and the sender's duplicate ACKs count
 * fire a spurious fast retransmit), and holding every queue behind one full ring funnels all flows into it. A UDP
 * socket's datagrams take their flow's queue as TCP segments do.
 */
class TransmitHoldTest
{
    private static final int US = Ipv4Address.parse("10.0.0.1");
    private static final int PEER = Ipv4Address.parse("10.0.0.2");
    private static final int PEER_PORT = 9;
    private static final int SLOTS_PER_QUEUE = 2;

    private final Simulator sim = new Simulator();
    private final NetworkStack stack = new NetworkStack(sim, new HostCpu(sim, CpuCosts.defaults(), "cpu"),
        StackConfig.defaults(), "host");
    private final TwoQueueDevice device = new TwoQueueDevice();
    private final NetworkInterface eth0 = stack.addInterface(device, US, 24);
    private final TxClaim claim = new TxClaim();

    /* A datagram of flow {@code flow} (its hash: even flows map to queue 0, odd ones to queue 1) marked {@code mark}. */
    private int send(final int flow, final int mark)
    {
        final int begun = stack.ipv4().claim(claim, 0, PEER, Ipv4Packet.PROTOCOL_UDP, 8, flow, 0,
            SocketConstants.DEFAULT_TTL);
        if (begun == 0)
        {
            Bytes.put8(claim.memory(), claim.transportOffset(), flow);
            Bytes.put8(claim.memory(), claim.transportOffset() + 1, mark);
            stack.ipv4().commit(claim, -1);
        }
        return begun;
    }

    /* A TSO segment of flow 1 with {@code frames} frames of {@code mss} bytes of payload, marked {@code mark}. */
    private int sendTso(final int mark, final int frames, final int mss)
    {
        final int header = 20;
        final int begun = stack.ipv4().claimTso(claim, 0, PEER, header + frames * mss, 1, mss, 0,
            SocketConstants.DEFAULT_TTL);
        if (begun == 0)
        {
            Bytes.put8(claim.memory(), claim.transportOffset(), 1);
            Bytes.put8(claim.memory(), claim.transportOffset() + 1, mark);
            stack.ipv4().commitTso(claim, 16, header);
        }
        return begun;
    }

    @Test
    void aTsoSegmentThatFindsItsRingFullWaitsWholeAndLeavesAsOneSegment()
    {
        eth0.arp().put(PEER, 0x02_00_00_00_00_02L);
        assertEquals(0, send(1, 1));
        assertEquals(0, send(1, 2));
        assertEquals(0, sendTso(3, 2, 1000), "held, not refused (refused, TCP would cut it into MSS-sized frames)");
        assertEquals(List.of("q1 flow1 #1", "q1 flow1 #2"), device.committed);

        device.complete(1);
        assertEquals(List.of("q1 flow1 #1", "q1 flow1 #2", "q1 flow1 #3 tso 2054 B mss 1000 headers 54"),
            device.committed, "the device gets the segment whole, to cut as TSO does");
    }

    @Test
    void aFlowsIpv4IdsFollowOnAcrossTsoSegmentsWhateverOtherFlowsSend()
    {
        eth0.arp().put(PEER, 0x02_00_00_00_00_02L);
        assertEquals(0, sendTso(1, 2, 1000));
        device.complete(1);
        assertEquals(0, send(3, 1));
        assertEquals(0, send(1, 2));
        assertEquals(0, sendTso(3, 3, 1000));
        device.complete(1);
        assertEquals(0, send(1, 4));
        assertEquals(List.of(0, 0, 2, 3, 6), device.ids, "flow 1: a segment of 2 frames takes IDs 0 and 1 (the " +
            "device numbers its frames), one of 3 frames 3 to 5 (ip_select_ident_segs with gso_segs); flow 3 counts " +
            "apart (inet_id per socket)");
    }

    @Test
    void aWaitingFrameGoesOutOnItsFlowsQueueInOrderAndAFullRingHoldsBackOnlyItsQueue()
    {
        eth0.arp().put(PEER, 0x02_00_00_00_00_02L);
        for (int mark = 1; mark <= 4; mark++)
        {
            assertEquals(0, send(1, mark), "flow 1's frame " + mark + " is taken (two in the ring, two waiting)");
        }
        assertEquals(List.of("q1 flow1 #1", "q1 flow1 #2"), device.committed, "queue 1's ring is full");

        assertEquals(0, send(2, 1));
        assertEquals("q0 flow2 #1", device.committed.getLast(),
            "queue 0 has room: flow 2 does not wait behind queue 1's backlog");

        device.complete(1);
        assertEquals(List.of("q1 flow1 #1", "q1 flow1 #2", "q0 flow2 #1", "q1 flow1 #3", "q1 flow1 #4"),
            device.committed, "flow 1's waiting frames leave on its own queue, in order");
    }

    /**
     * A UDP socket's datagrams leave by the queue its 4-tuple hashes to, as TCP segments do (skb_tx_hash); they all
     * took queue 0 before, so the datagrams of the flow hashed to queue 1 came third and fourth on queue 0's ring of
     * two and the last was held.
     */
    @Test
    void udpDatagramsLeaveByTheQueueTheirFlowHashesTo()
    {
        eth0.arp().put(PEER, 0x02_00_00_00_00_02L);
        final Posix posix = stack.newProcess(4096);
        final long payload = posix.memory().allocate(8);
        final long peer = posix.memory().allocate(SOCKADDR_IN_SIZE);
        posix.memory().putSockaddrIn(peer, AF_INET, PEER, PEER_PORT);
        final int[] sockets = new int[2];
        for (int queue = 0; queue < 2; queue++)
        {
            // A local port whose flow hashes to this queue; bound to any address, so the hash takes the route's source.
            int port = 40000;
            while (device.txQueueFor(FlowHash.of(US, PEER, port, PEER_PORT)) != queue)
            {
                port++;
            }
            sockets[queue] = posix.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
            final long local = posix.memory().allocate(SOCKADDR_IN_SIZE);
            posix.memory().putSockaddrIn(local, AF_INET, 0, port);
            assertEquals(0, posix.bind(sockets[queue], local, SOCKADDR_IN_SIZE));
        }
        for (int round = 0; round < 2; round++)
        {
            for (final int socket : sockets)
            {
                assertEquals(8, posix.sendto(socket, payload, 8, 0, peer, SOCKADDR_IN_SIZE));
            }
        }
        assertEquals(List.of("q0", "q1", "q0", "q1"), device.committed.stream().map(frame -> frame.substring(0, 2))
            .toList());
    }

    /** Two TX queues of two slots each; it records every committed frame's queue, flow and mark. */
    private final class TwoQueueDevice implements NetDevice
    {
        private static final int SLOT_BYTES = 4096;
        private final MemorySegment memory = Arena.ofAuto().allocate(2L * SLOTS_PER_QUEUE * SLOT_BYTES, 64);
        private final int[] used = new int[2];
        private final int[] next = new int[2];
        private final List<String> committed = new ArrayList<>();
        /* Each committed packet's IPv4 ID. */
        private final List<Integer> ids = new ArrayList<>();
        private FrameReceiver receiver;

        @Override
        public String name()
        {
            return "host.eth0";
        }

        @Override
        public long macAddress()
        {
            return 0x02_00_00_00_00_01L;
        }

        @Override
        public int mtu()
        {
            return 1500;
        }

        @Override
        public int features()
        {
            return FEATURE_TSO;
        }

        @Override
        public int tsoMaxBytes()
        {
            return SLOT_BYTES;
        }

        @Override
        public int txReserveTso(final int queue, final int length)
        {
            return txReserveOn(queue);
        }

        @Override
        public void txCommitTso(final int slot, final int length, final int headerLength, final int mss)
        {
            txCommit(slot, length, -1, -1);
            committed.set(committed.size() - 1, committed.getLast() + " tso " + length + " B mss " + mss +
                " headers " + headerLength);
        }

        @Override
        public boolean linkUp()
        {
            return true;
        }

        @Override
        public void setReceiver(final FrameReceiver receiver)
        {
            this.receiver = receiver;
        }

        @Override
        public int txQueues()
        {
            return 2;
        }

        @Override
        public int txQueueFor(final int flowHash)
        {
            return flowHash & 1;
        }

        @Override
        public int txReserve()
        {
            return txReserveOn(0);
        }

        @Override
        public int txReserveOn(final int queue)
        {
            if (used[queue] == SLOTS_PER_QUEUE)
            {
                return NO_SLOT;
            }
            used[queue]++;
            final int slot = queue * SLOTS_PER_QUEUE + next[queue];
            next[queue] = (next[queue] + 1) % SLOTS_PER_QUEUE;
            return slot;
        }

        @Override
        public MemorySegment txMemory()
        {
            return memory;
        }

        @Override
        public long txOffset(final int slot)
        {
            return (long) slot * SLOT_BYTES;
        }

        @Override
        public int txCapacity()
        {
            return SLOT_BYTES;
        }

        @Override
        public void txCommit(final int slot, final int length, final int checksumStart, final int checksumOffset)
        {
            final long udp = txOffset(slot) + Ipv4Layer.HEADERS;
            ids.add(Bytes.u16(memory, txOffset(slot) + 14 + Ipv4Packet.IDENTIFICATION));
            committed.add("q" + slot / SLOTS_PER_QUEUE + " flow" + Bytes.u8(memory, udp) + " #" +
                Bytes.u8(memory, udp + 1));
        }

        @Override
        public void txFlush()
        {
        }

        /* The queue's frames have gone: its slots are free again. */
        void complete(final int queue)
        {
            used[queue] = 0;
            receiver.txSpaceAvailable();
        }
    }
}
