package dev.nicsim.stack.tcp;

import dev.nicsim.stack.wire.TcpSegment;

import java.util.Arrays;

/**
 * What a SACK connection has in flight, segment by segment: Linux's retransmit queue with its scoreboard (the
 * {@code sacked} bits of {@code tcp_skb_cb}: SACKed, lost, retransmitted; the send time RACK compares). The bytes
 * themselves stay in the socket's send ring; a record holds only a sequence range, its marks and when it was last
 * sent.
 *
 * <p>One store serves every connection of a layer: a connection owns a singly linked list of records in sequence
 * order from SND.UNA ({@link Tcb#sentHead}, {@link Tcb#sentTail}), taken from a shared free list. The arrays double
 * when the free list runs dry and are never given back, so an idle connection holds no record and, once the store
 * has grown to the load, sending and acknowledging segments allocate nothing. The marks' byte totals are kept in the
 * {@link Tcb} (Linux's sacked_out, lost_out, retrans_out, counted in bytes).
 */
final class RetransmitQueue
{
    /** Reported by a SACK block (TCPCB_SACKED_ACKED). */
    static final int SACKED = 1;
    /** Taken for lost, waiting to be sent again or sent again (TCPCB_LOST). */
    static final int LOST = 2;
    /** A retransmission of it is in flight (TCPCB_SACKED_RETRANS). */
    static final int RETRANSMITTED = 4;
    /** It was sent more than once, so its acknowledgement gives no RTT sample (TCPCB_EVER_RETRANS, Karn). */
    static final int EVER_RETRANSMITTED = 8;

    static final int NONE = -1;

    private int[] start = new int[64];
    private int[] end = new int[64];
    private int[] next = new int[64];
    private long[] sentPs = new long[64];
    private byte[] marks = new byte[64];
    /** Records ever made; those below it not in a list are on the free list. */
    private int made;
    private int free = NONE;

    int start(final int record)
    {
        return start[record];
    }

    int end(final int record)
    {
        return end[record];
    }

    int next(final int record)
    {
        return next[record];
    }

    long sentPs(final int record)
    {
        return sentPs[record];
    }

    boolean is(final int record, final int mark)
    {
        return (marks[record] & mark) != 0;
    }

    /**
     * Whether a SACK block {@code [left, right)} can mark the scoreboard (Linux's tcp_is_sackblock_valid): not
     * reversed, not beyond what was sent ({@code sndMax}), and above SND.UNA (after this ACK). A block at or below
     * SND.UNA could only be a D-SACK, which nicsim does not use (no undo), so it is ignored like one out of range.
     */
    static boolean usableSackBlock(final int left, final int right, final int una, final int sndMax)
    {
        return Tcb.before(left, right) && !Tcb.after(right, sndMax) && Tcb.after(left, una);
    }

    /**
     * Whether the segment's first SACK block is a D-SACK (RFC 2883 §4, Linux's tcp_check_dsack): below its ACK, or
     * inside its second block. It reports a duplicate, not data held beyond a gap.
     */
    static boolean reportsDuplicate(final TcpSegment header, final int ack)
    {
        if (header.sackBlocks() == 0)
        {
            return false;
        }
        final int left = header.sackLeft(0);
        final int right = header.sackRight(0);
        return Tcb.before(left, ack) || header.sackBlocks() > 1 && !Tcb.before(left, header.sackLeft(1)) &&
            !Tcb.after(right, header.sackRight(1));
    }

    /** New data {@code [from, to)} went at {@code nowPs}: a record at the tail. */
    void append(final Tcb tcb, final int from, final int to, final long nowPs)
    {
        final int record = take();
        start[record] = from;
        end[record] = to;
        sentPs[record] = nowPs;
        marks[record] = 0;
        next[record] = NONE;
        if (tcb.sentTail == NONE)
        {
            tcb.sentHead = record;
        }
        else
        {
            next[tcb.sentTail] = record;
        }
        tcb.sentTail = record;
    }

    /**
     * {@code [from, to)}, already in flight, went again at {@code nowPs}: the records it covers (split at its edges)
     * are retransmitted now (Linux's tcp_retransmit_skb on each); SACKed ones a go-back sent again keep their mark.
     */
    void resent(final Tcb tcb, final int from, final int to, final long nowPs)
    {
        for (int record = cut(tcb, from); record != NONE && Tcb.before(start[record], to); record = next[record])
        {
            if (is(record, SACKED))
            {
                continue;
            }
            if (Tcb.after(end[record], to))
            {
                split(tcb, record, to);
            }
            if (!is(record, RETRANSMITTED))
            {
                tcb.retransmittedBytes += length(record);
            }
            marks[record] |= RETRANSMITTED | EVER_RETRANSMITTED;
            sentPs[record] = nowPs;
        }
    }

    /**
     * The record that starts at {@code seq}, splitting the one that holds it; NONE when no record reaches it.
     */
    int cut(final Tcb tcb, final int seq)
    {
        for (int record = tcb.sentHead; record != NONE; record = next[record])
        {
            if (Tcb.after(end[record], seq))
            {
                return Tcb.before(start[record], seq) ? split(tcb, record, seq) : record;
            }
        }
        return NONE;
    }

    /** Splits {@code record} at {@code seq} (inside it); the second part, with the same marks and time, is returned. */
    int split(final Tcb tcb, final int record, final int seq)
    {
        final int second = take();
        start[second] = seq;
        end[second] = end[record];
        sentPs[second] = sentPs[record];
        marks[second] = marks[record];
        next[second] = next[record];
        end[record] = seq;
        next[record] = second;
        if (tcb.sentTail == record)
        {
            tcb.sentTail = second;
        }
        return second;
    }

    /** Marks {@code record} SACKed: it is neither lost nor in flight any more. */
    void markSacked(final Tcb tcb, final int record)
    {
        unmark(tcb, record, LOST | RETRANSMITTED);
        marks[record] |= SACKED;
        tcb.sackedBytes += length(record);
    }

    /** The first record marked lost and not yet sent again, or {@link #NONE}. */
    int firstToResend(final Tcb tcb)
    {
        if (tcb.lostBytes == 0)
        {
            return NONE;
        }
        for (int record = tcb.sentHead; record != NONE; record = next[record])
        {
            if (is(record, LOST) && !is(record, RETRANSMITTED))
            {
                return record;
            }
        }
        return NONE;
    }

    /**
     * Where a go-back at {@code seq} resumes: past the SACKed records from there on (at most to {@code limit}), or
     * {@code seq} itself when what holds it is not SACKed.
     */
    int pastSacked(final Tcb tcb, final int seq, final int limit)
    {
        int resume = seq;
        for (int record = tcb.sentHead; record != NONE && Tcb.before(resume, limit); record = next[record])
        {
            if (Tcb.after(end[record], resume))
            {
                if (!is(record, SACKED) || Tcb.after(start[record], resume))
                {
                    break;
                }
                resume = end[record];
            }
        }
        return Tcb.after(resume, limit) ? limit : resume;
    }

    /** The start of the first SACKed record after {@code seq}, or {@code limit} when none starts before it. */
    int nextSacked(final Tcb tcb, final int seq, final int limit)
    {
        for (int record = tcb.sentHead; record != NONE && Tcb.before(start[record], limit); record = next[record])
        {
            if (is(record, SACKED) && Tcb.after(start[record], seq))
            {
                return start[record];
            }
        }
        return limit;
    }

    /** Marks every record not SACKed lost (tcp_timeout_mark_lost): the retransmission timer ran out. */
    void markAllLost(final Tcb tcb)
    {
        for (int record = tcb.sentHead; record != NONE; record = next[record])
        {
            if (!is(record, SACKED))
            {
                markLost(tcb, record);
            }
        }
    }

    /** Marks {@code record} lost (tcp_mark_skb_lost): a retransmission of it in flight is lost too. */
    void markLost(final Tcb tcb, final int record)
    {
        if (!is(record, LOST) || is(record, RETRANSMITTED))
        {
            // tcp_sum_lost: a segment newly lost, or a retransmission of one lost again.
            tcb.lossMarks += Math.max(1, (length(record) + tcb.sendMss - 1) / tcb.sendMss);
        }
        unmark(tcb, record, RETRANSMITTED);
        if (!is(record, LOST))
        {
            marks[record] |= LOST;
            tcb.lostBytes += length(record);
        }
    }

    /** The first record of the connection (at SND.UNA), or {@link #NONE}. */
    int head(final Tcb tcb)
    {
        return tcb.sentHead;
    }

    /** The first record is acknowledged whole: it leaves the list. */
    void removeHead(final Tcb tcb)
    {
        final int record = tcb.sentHead;
        unmark(tcb, record, SACKED | LOST | RETRANSMITTED);
        tcb.sentHead = next[record];
        if (tcb.sentHead == NONE)
        {
            tcb.sentTail = NONE;
        }
        give(record);
    }

    /** The first record is acknowledged up to {@code seq} (inside it): it keeps what is left, and its marks. */
    void trimHead(final Tcb tcb, final int seq)
    {
        final int record = tcb.sentHead;
        subtract(tcb, record, SACKED | LOST | RETRANSMITTED, seq - start[record]);
        start[record] = seq;
    }

    /** Gives every record of the connection back (it closed, or starts over). */
    void clear(final Tcb tcb)
    {
        for (int record = tcb.sentHead; record != NONE; )
        {
            final int following = next[record];
            give(record);
            record = following;
        }
        tcb.sentHead = NONE;
        tcb.sentTail = NONE;
        tcb.sackedBytes = 0;
        tcb.lostBytes = 0;
        tcb.retransmittedBytes = 0;
    }

    /** Segments of {@code mss} bytes in the records with {@code mark} (Linux's packet counts, for tcp_info). */
    int segments(final Tcb tcb, final int mark, final int mss)
    {
        int segments = 0;
        for (int record = tcb.sentHead; record != NONE; record = next[record])
        {
            if (is(record, mark))
            {
                segments += (length(record) + mss - 1) / mss;
            }
        }
        return segments;
    }

    private int length(final int record)
    {
        return end[record] - start[record];
    }

    /** Clears the {@code clear} marks of {@code record} that are set, and their bytes from the totals. */
    private void unmark(final Tcb tcb, final int record, final int clear)
    {
        subtract(tcb, record, clear, length(record));
        marks[record] &= (byte) ~clear;
    }

    /** Takes {@code bytes} of {@code record} off the totals of its marks among {@code mask}. */
    private void subtract(final Tcb tcb, final int record, final int mask, final int bytes)
    {
        final int set = marks[record] & mask;
        if ((set & SACKED) != 0)
        {
            tcb.sackedBytes -= bytes;
        }
        if ((set & LOST) != 0)
        {
            tcb.lostBytes -= bytes;
        }
        if ((set & RETRANSMITTED) != 0)
        {
            tcb.retransmittedBytes -= bytes;
        }
    }

    private int take()
    {
        if (free != NONE)
        {
            final int record = free;
            free = next[record];
            return record;
        }
        if (made == start.length)
        {
            final int size = made * 2;
            start = Arrays.copyOf(start, size);
            end = Arrays.copyOf(end, size);
            next = Arrays.copyOf(next, size);
            sentPs = Arrays.copyOf(sentPs, size);
            marks = Arrays.copyOf(marks, size);
        }
        return made++;
    }

    private void give(final int record)
    {
        next[record] = free;
        free = record;
    }
}
