package dev.nicsim.stack.iface;

import dev.nicsim.hw.sim.Time;
import dev.nicsim.stack.device.FrameReceiver;
import dev.nicsim.stack.wire.Bytes;
import dev.nicsim.stack.wire.Checksum;
import dev.nicsim.stack.wire.TcpSegment;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** GRO's merge and flush rules, frame by frame, and the merged packet's lengths and checksums. */
class GroTest
{
    private static final long US = 0x02_00_00_00_00_02L;
    private static final int A = 0x0A00_0001;
    private static final int B = 0x0A00_0002;
    private static final int MSS = 1448;

    private final MemorySegment frame = Arena.ofAuto().allocate(2048, 8);
    /* The next frame's IPv4 ID, one per frame as Linux's TCP gives them (inet_id), and its DF, TTL and window. */
    private int ipId = 0xFFFE;
    private int fragment = 0x4000;
    private int ttl = 64;
    private int window = 512;
    private int sourcePort = 40000;
    private final List<String> up = new ArrayList<>();
    /* Simulated time, for the jiffy a packet is begun in. */
    private static final long JIFFY_PS = Time.MS;
    private long now = 5 * JIFFY_PS + 1;
    private Gro gro = new Gro(this::deliver, US, () -> now, JIFFY_PS);

    /* What went up: payload bytes, first sequence number, flags, and "invalid" when a length or checksum is wrong. */
    private void deliver(final MemorySegment memory, final long offset, final int length, final int raw)
    {
        final long ip = offset + 14;
        final int tcpLength = length - 34;
        final int pseudo = Checksum.pseudoHeader(A, B, 6, tcpLength);
        final boolean valid = length - 14 == Bytes.u16(memory, ip + 2) &&
            Checksum.verifies(Checksum.sum(memory, ip, 20, 0)) &&
            Checksum.verifies(Checksum.add(pseudo, Checksum.sum(memory, ip + 20, tcpLength, 0))) &&
            (raw == FrameReceiver.NO_CHECKSUM || raw == Checksum.sum(memory, ip, length - 14, 0));
        final int header = (Bytes.u8(memory, ip + 20 + TcpSegment.DATA_OFFSET) >>> 4) * 4;
        up.add((tcpLength - header) + "@" + Bytes.i32(memory, ip + 20 + TcpSegment.SEQUENCE) + "/" +
            Bytes.u8(memory, ip + 20 + TcpSegment.FLAGS) + (valid ? "" : " invalid"));
    }

    /* A frame from A to B with timestamps (TSval tsVal), raw sum as a device reports it. */
    private void receive(final int seq, final int payload, final int flags, final int tsVal)
    {
        final int tcpHeader = 32;
        final int length = 14 + 20 + tcpHeader + payload;
        Bytes.put48(frame, 0, US);
        Bytes.put48(frame, 6, 0x02_00_00_00_00_01L);
        Bytes.put16(frame, 12, 0x0800);
        Bytes.put8(frame, 14, 0x45);
        Bytes.put8(frame, 15, 0);
        Bytes.put16(frame, 16, length - 14);
        Bytes.put16(frame, 18, ipId++ & 0xFFFF);
        Bytes.put16(frame, 20, fragment);
        Bytes.put8(frame, 22, ttl);
        Bytes.put8(frame, 23, 6);
        Bytes.put16(frame, 24, 0);
        Bytes.put32(frame, 26, A);
        Bytes.put32(frame, 30, B);
        Bytes.put16(frame, 24, Checksum.finish(Checksum.sum(frame, 14, 20, 0)));
        final long tcp = 34;
        Bytes.put16(frame, tcp, sourcePort);
        Bytes.put16(frame, tcp + 2, 12866);
        Bytes.put32(frame, tcp + 4, seq);
        Bytes.put32(frame, tcp + 8, 1);
        Bytes.put8(frame, tcp + 12, (tcpHeader / 4) << 4);
        Bytes.put8(frame, tcp + 13, flags);
        Bytes.put16(frame, tcp + 14, window);
        Bytes.put16(frame, tcp + 16, 0);
        Bytes.put16(frame, tcp + 18, 0);
        Bytes.put32(frame, tcp + 20, 0x0101_080A);
        Bytes.put32(frame, tcp + 24, tsVal);
        Bytes.put32(frame, tcp + 28, 7);
        for (int i = 0; i < payload; i++)
        {
            Bytes.put8(frame, tcp + tcpHeader + i, seq + i);
        }
        final int tcpLength = tcpHeader + payload;
        Bytes.put16(frame, tcp + 16, Checksum.finish(Checksum.add(Checksum.pseudoHeader(A, B, 6, tcpLength),
            Checksum.sum(frame, tcp, tcpLength, 0))));
        gro.receive(frame, 0, length, Checksum.sum(frame, 14, length - 14, 0));
    }

    @Test
    void inOrderSegmentsOfAFlowGoUpAsOnePacketWithItsLengthsAndChecksumsRewritten()
    {
        receive(1000, MSS, TcpSegment.ACK, 5);
        receive(1000 + MSS, MSS, TcpSegment.ACK, 5);
        receive(1000 + 2 * MSS, 101, TcpSegment.ACK, 5);
        receive(1000 + 2 * MSS + 101, MSS, TcpSegment.ACK, 5);
        gro.flushAll();

        assertEquals(List.of((2 * MSS + 101) + "@1000/16", MSS + "@" + (1000 + 2 * MSS + 101) + "/16"), up,
            "a segment shorter than the first ends its packet; the next starts another");
        assertEquals(2, gro.merged());
    }

    @Test
    void aGapOtherOptionsOrAStoppingFlagFlushTheHeldPacket()
    {
        receive(1000, MSS, TcpSegment.ACK, 5);
        receive(1000 + 2 * MSS, MSS, TcpSegment.ACK, 5);
        receive(1000 + 3 * MSS, MSS, TcpSegment.ACK, 6);
        receive(1000 + 4 * MSS, MSS, TcpSegment.ACK | TcpSegment.FIN, 6);
        receive(1000 + 5 * MSS + 1, MSS, TcpSegment.ACK | TcpSegment.PSH, 7);
        receive(1000 + 6 * MSS + 1, MSS, TcpSegment.ACK, 7);
        receive(1000 + 7 * MSS + 1, MSS, TcpSegment.ACK | TcpSegment.FIN, 8);
        gro.flushAll();

        assertEquals(List.of(MSS + "@1000/16", MSS + "@" + (1000 + 2 * MSS) + "/16",
            2 * MSS + "@" + (1000 + 3 * MSS) + "/17", MSS + "@" + (1000 + 5 * MSS + 1) + "/24",
            MSS + "@" + (1000 + 6 * MSS + 1) + "/16", MSS + "@" + (1000 + 7 * MSS + 1) + "/17"), up,
            "a gap and another TSval end a packet; a FIN joins the held packet and ends it (tcp_gro_receive ORs FIN " +
            "and PSH into the packet's flags); a PSH or FIN segment that joins nothing goes up alone");
        assertEquals(1, gro.merged());
    }

    @Test
    void aSegmentWithAnotherWindowCwrOrAnIpIdOutOfSequenceStartsANewPacket()
    {
        receive(1000, MSS, TcpSegment.ACK, 5);
        window = 513;
        receive(1000 + MSS, MSS, TcpSegment.ACK, 5);
        receive(1000 + 2 * MSS, MSS, TcpSegment.ACK | 0x80, 5);
        receive(1000 + 3 * MSS, MSS, TcpSegment.ACK, 5);
        ipId++;
        receive(1000 + 4 * MSS, MSS, TcpSegment.ACK, 5);
        ttl = 63;
        receive(1000 + 5 * MSS, MSS, TcpSegment.ACK, 5);
        gro.flushAll();

        assertEquals(List.of(MSS + "@1000/16", MSS + "@" + (1000 + MSS) + "/16",
            MSS + "@" + (1000 + 2 * MSS) + "/144", MSS + "@" + (1000 + 3 * MSS) + "/16",
            MSS + "@" + (1000 + 4 * MSS) + "/16", MSS + "@" + (1000 + 5 * MSS) + "/16"), up,
            "the window is part of tcp_flag_word; a CWR segment goes up alone (Linux 6.18); a skipped IPv4 ID and " +
            "another TTL end a packet (inet_gro_flush)");
    }

    @Test
    void aRetransmissionOrAPureAckFlushesAndDataWithoutAckMergesAsLinux618Does()
    {
        receive(1000, MSS, TcpSegment.ACK, 5);
        receive(1000 + MSS, MSS, TcpSegment.ACK, 5);
        receive(1000 + MSS, MSS, TcpSegment.ACK, 5);
        receive(1000 + 2 * MSS, MSS, TcpSegment.ACK, 5);
        receive(1000 + 3 * MSS, 0, TcpSegment.ACK, 5);
        receive(1000 + 3 * MSS, MSS, 0, 5);
        receive(1000 + 4 * MSS, MSS, 0, 5);
        gro.flushAll();
        assertEquals(List.of(2 * MSS + "@1000/16", 2 * MSS + "@" + (1000 + MSS) + "/16",
            "0@" + (1000 + 3 * MSS) + "/16", 2 * MSS + "@" + (1000 + 3 * MSS) + "/0"), up);
    }

    @Test
    void aPacketStopsBelow64KiBAsOnTheKernel()
    {
        for (int i = 0; i < 47; i++)
        {
            receive(1000 + i * MSS, MSS, TcpSegment.ACK, 5);
        }
        gro.flushAll();
        assertEquals(List.of(45 * MSS + "@1000/16", 2 * MSS + "@" + (1000 + 45 * MSS) + "/16"), up,
            "45 segments of 1448 bytes and 52 bytes of headers are 65,212 bytes; a 46th would pass 65,535 " +
            "(skb_gro_receive's -E2BIG), as Linux 6.18 merged the same 47 frames");
    }

    @Test
    void moreThanEightFlowsAreHeldAtOnceInHashBuckets()
    {
        final int flows = 16;
        for (int segment = 0; segment < 2; segment++)
        {
            for (int flow = 0; flow < flows; flow++)
            {
                sourcePort = 40000 + flow;
                ipId = 100 * flow + segment;
                receive(1000 + segment * MSS, MSS, TcpSegment.ACK, 5);
            }
        }
        gro.flushAll();
        assertEquals(flows, gro.merged(), "16 flows over 8 buckets of 8 (GRO_HASH_BUCKETS, MAX_GRO_SKBS): each " +
            "flow's second segment finds its first held");
        assertEquals(flows, up.size());
    }

    @Test
    void fixedIpIdsMergeWithOrWithoutDfButOthersOutOfSequenceDoNot()
    {
        for (final int[] ids : new int[][] {{7, 7, 7, 0x4000}, {7, 7, 7, 0}, {7, 7, 8, 0x4000}, {7, 50, 90, 0}})
        {
            fragment = ids[3];
            for (int i = 0; i < 3; i++)
            {
                ipId = ids[i];
                receive(1000 + i * MSS, MSS, TcpSegment.ACK, 5);
            }
            gro.flushAll();
        }
        final String one = MSS + "@1000/16";
        final String two = MSS + "@" + (1000 + MSS) + "/16";
        final String three = MSS + "@" + (1000 + 2 * MSS) + "/16";
        assertEquals(List.of(3 * MSS + "@1000/16", 3 * MSS + "@1000/16", 2 * MSS + "@1000/16", three, one, two, three),
            up, "one fixed ID is a sequence, with DF or without (Linux 6.18); fixed then incrementing, or random, " +
            "is not");
    }

    @Test
    void aFrameWithABadChecksumGoesUpAloneForTheStackToDropAndTheHeldPacketStaysHeld()
    {
        receive(1000, MSS, TcpSegment.ACK, 5);
        receive(1000 + MSS, MSS, TcpSegment.ACK, 5);
        Bytes.put8(frame, 100, Bytes.u8(frame, 100) ^ 1);
        gro.receive(frame, 0, 14 + 20 + 32 + MSS, FrameReceiver.NO_CHECKSUM);
        receive(1000 + 2 * MSS, MSS, TcpSegment.ACK, 5);
        Bytes.put8(frame, 22, 1);
        gro.receive(frame, 0, 14 + 20 + 32 + MSS, FrameReceiver.NO_CHECKSUM);
        receive(1000 + 3 * MSS, MSS, TcpSegment.ACK, 5);
        gro.flushAll();
        assertEquals(List.of(MSS + "@" + (1000 + MSS) + "/16 invalid", MSS + "@" + (1000 + 2 * MSS) + "/16 invalid",
            4 * MSS + "@1000/16"), up, "bad TCP and IPv4 header checksums go up as they came (tcp4_gro_receive, " +
            "inet_gro_receive); the flow's packet goes on merging");
        assertEquals(3, gro.merged());
    }

    /**
     * At the end of a poll that used its budget, a packet begun in the current jiffy stays held and grows in the next
     * poll; one begun in an earlier jiffy goes up (__napi_poll's gro_flush_normal(&n->gro, HZ >= 1000)).
     */
    @Test
    void aPollThatUsedItsBudgetKeepsPacketsOfTheCurrentJiffyHeld()
    {
        segment(40000, 0);
        segment(40001, 0);
        now += JIFFY_PS - 2;
        gro.flushOld();
        assertEquals(List.of(), up, "both packets were begun in this jiffy");

        segment(40001, 1);
        now += 1;
        segment(40000, 1);
        gro.flushOld();
        assertEquals(List.of(2 * MSS + "@1000/16", 2 * MSS + "@1000/16"), up,
            "the next jiffy: the packets that grew across the poll go up, merged");

        segment(40002, 0);
        gro.flushAll();
        assertEquals(3, up.size(), "a poll under budget sends up everything");
        assertEquals(2, gro.merged());
    }

    /** Below HZ 1000 the end of a poll that used its budget sends every held packet up, as one under budget does. */
    @Test
    void belowHz1000APollThatUsedItsBudgetFlushesEverything()
    {
        gro = new Gro(this::deliver, US, () -> now, 4 * JIFFY_PS);
        segment(40000, 0);
        segment(40000, 1);
        gro.flushOld();
        assertEquals(List.of(2 * MSS + "@1000/16"), up, "HZ 250: held packets of this jiffy go up too");
    }

    /* Segment k of the flow from {@code port}, with the flow's own IPv4 IDs. */
    private void segment(final int port, final int k)
    {
        sourcePort = port;
        ipId = port + k;
        receive(1000 + k * MSS, MSS, TcpSegment.ACK, 5);
    }
}
