package dev.nicsim.stack.tcp;

import dev.nicsim.stack.wire.TcpSegment;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Received SACK blocks (RFC 2018 §3): parsed as Linux's tcp_parse_options takes them, and checked against the
 * connection as tcp_is_sackblock_valid and tcp_check_dsack do before they mark the scoreboard.
 */
class SackOptionTest
{
    private static final int UNA = 1_000;
    private static final int SND_MAX = 9_000;

    private final MemorySegment memory = Arena.ofAuto().allocate(128);
    private final TcpSegment segment = new TcpSegment();

    @Test
    void blocksAreParsedInTheOrderSent()
    {
        final TcpSegment tcp = withSack(true, 3001, 4001, 5001, 6001, 2001, 2501);
        assertEquals(3, tcp.sackBlocks());
        assertEquals(3001, tcp.sackLeft(0));
        assertEquals(4001, tcp.sackRight(0));
        assertEquals(5001, tcp.sackLeft(1));
        assertEquals(6001, tcp.sackRight(1));
        assertEquals(2001, tcp.sackLeft(2));
        assertEquals(2501, tcp.sackRight(2));
        assertTrue(tcp.hasTimestamps(), "the timestamps beside them still count");
    }

    @Test
    void fourBlocksFitWithoutTimestamps()
    {
        final TcpSegment tcp = withSack(false, 1, 2, 3, 4, 5, 6, 7, 8);
        assertEquals(4, tcp.sackBlocks());
        assertEquals(7, tcp.sackLeft(3));
        assertEquals(8, tcp.sackRight(3));
    }

    @Test
    void aLengthThatIsNotWholeBlocksIsNoSack()
    {
        // NOP NOP SACK length 11: 9 bytes of blocks.
        segment.wrap(memory, 0, 32);
        segment.emit(1, 2, 0, UNA, TcpSegment.ACK, 100, 12);
        memory.set(ValueLayout.JAVA_INT_UNALIGNED, 20, Integer.reverseBytes(0x0101050B));
        assertEquals(0, segment.validate());
        assertEquals(0, segment.sackBlocks());
    }

    @Test
    void aBlockRunningPastTheHeaderEndsParsing()
    {
        // NOP NOP SACK length 18 (two blocks) in a header with room for one.
        segment.wrap(memory, 0, 32);
        segment.emit(1, 2, 0, UNA, TcpSegment.ACK, 100, 12);
        memory.set(ValueLayout.JAVA_INT_UNALIGNED, 20, Integer.reverseBytes(0x01010512));
        assertEquals(0, segment.validate());
        assertEquals(0, segment.sackBlocks());
    }

    @Test
    void theNextSegmentWithoutTheOptionHasNoBlocks()
    {
        withSack(false, 3001, 4001);
        segment.wrap(memory, 0, 20);
        segment.emit(1, 2, 0, UNA, TcpSegment.ACK, 100, 0);
        assertEquals(0, segment.validate());
        assertEquals(0, segment.sackBlocks());
    }

    @Test
    void onlyBlocksAboveTheAckAndWithinWhatWasSentMarkTheScoreboard()
    {
        assertTrue(RetransmitQueue.usableSackBlock(2000, 3000, UNA, SND_MAX));
        assertTrue(RetransmitQueue.usableSackBlock(UNA + 1, SND_MAX, UNA, SND_MAX), "edges included");
        assertFalse(RetransmitQueue.usableSackBlock(UNA, 3000, UNA, SND_MAX), "starting at SND.UNA");
        assertFalse(RetransmitQueue.usableSackBlock(500, 900, UNA, SND_MAX), "below SND.UNA: a D-SACK, not used");
        assertFalse(RetransmitQueue.usableSackBlock(8000, 9001, UNA, SND_MAX), "beyond what was sent");
        assertFalse(RetransmitQueue.usableSackBlock(3000, 2000, UNA, SND_MAX), "reversed");
        assertFalse(RetransmitQueue.usableSackBlock(3000, 3000, UNA, SND_MAX), "empty");
        assertTrue(RetransmitQueue.usableSackBlock(-200, 100, -500, 1000), "across the sequence wrap");
    }

    @Test
    void aFirstBlockBelowTheAckOrInsideTheSecondIsADuplicateReport()
    {
        assertTrue(RetransmitQueue.reportsDuplicate(withSack(false, 500, 900), UNA), "below the ACK (RFC 2883 §4.1)");
        assertTrue(RetransmitQueue.reportsDuplicate(withSack(false, 3001, 4001, 2001, 5001), UNA),
            "inside the second block (RFC 2883 §4.2)");
        assertFalse(RetransmitQueue.reportsDuplicate(withSack(false, 3001, 4001, 5001, 6001), UNA));
        assertFalse(RetransmitQueue.reportsDuplicate(withSack(false, 3001, 4001), UNA));
    }

    /** An ACK of {@link #UNA} with these SACK blocks (left, right pairs), after NOP NOP TS when {@code timestamps}. */
    private TcpSegment withSack(final boolean timestamps, final int... edges)
    {
        final int blocks = edges.length / 2;
        final int timestampLength = timestamps ? TcpSegment.TIMESTAMP_BLOCK : 0;
        final int optionsLength = timestampLength + 4 + 8 * blocks;
        segment.wrap(memory, 0, TcpSegment.HEADER_LENGTH + optionsLength);
        segment.emit(1, 2, 0, UNA, TcpSegment.ACK, 100, optionsLength);
        if (timestamps)
        {
            segment.writeOptions(-1, false, true, 7, 8, -1);
        }
        segment.writeSackHeader(TcpSegment.HEADER_LENGTH + timestampLength, blocks);
        for (int i = 0; i < blocks; i++)
        {
            segment.writeSackBlock(TcpSegment.HEADER_LENGTH + timestampLength + 4 + 8 * i, edges[2 * i],
                edges[2 * i + 1]);
        }
        assertEquals(0, segment.validate());
        return segment;
    }
}
