package dev.nicsim.stack.tcp;

import dev.nicsim.stack.context.StackStats;

/**
 * RACK loss detection (RFC 8985 §6, Linux's tcp_recovery.c with tcp_recovery=1): a segment is lost once a segment
 * sent after it was delivered and more than that delivery's RTT plus a reordering window has passed since it was
 * sent. It works on a SACK connection's scoreboard ({@link RetransmitQueue}) and keeps its state in the {@link Tcb}.
 */
final class Rack
{
    private Rack()
    {
    }

    /**
     * A segment was delivered (cumulatively ACKed or SACKed), as Linux's tcp_rack_advance: its RTT becomes RACK's,
     * and RACK's newest delivered segment moves to it if it was sent later.
     */
    static void delivered(final Tcb tcb, final RetransmitQueue queue, final int record, final long nowPs)
    {
        final long sentPs = queue.sentPs(record);
        final long rtt = nowPs - sentPs;
        // RFC 8985 §6.2 step 2: for a segment sent more than once, an RTT below the minimum means the delivery was
        // of an earlier transmission: it says nothing about the last one.
        if (queue.is(record, RetransmitQueue.EVER_RETRANSMITTED) && (tcb.minRttPs == 0 || rtt < tcb.minRttPs))
        {
            return;
        }
        tcb.rackAdvanced = true;
        tcb.rackRttPs = rtt;
        if (sentAfter(sentPs, queue.end(record), tcb.rackSentPs, tcb.rackEndSeq))
        {
            tcb.rackSentPs = sentPs;
            tcb.rackEndSeq = queue.end(record);
        }
    }

    /**
     * Marks lost every segment in flight that RACK's newest delivered segment was sent after and that has waited
     * longer than RACK's RTT plus the reordering window (tcp_rack_detect_loss). Returns how much longer the closest
     * of the others has to wait (0 for none): when the reordering timer is due.
     */
    static long detectLoss(final Tcb tcb, final RetransmitQueue queue, final long nowPs, final StackStats stats)
    {
        final long window = reorderingWindow(tcb, queue);
        long wait = 0;
        for (int record = queue.head(tcb); record != RetransmitQueue.NONE; record = queue.next(record))
        {
            // SACKed ones are delivered; lost ones not yet sent again wait for their retransmission.
            if (queue.is(record, RetransmitQueue.SACKED) || queue.is(record, RetransmitQueue.LOST) &&
                !queue.is(record, RetransmitQueue.RETRANSMITTED) ||
                !sentAfter(tcb.rackSentPs, tcb.rackEndSeq, queue.sentPs(record), queue.end(record)))
            {
                continue;
            }
            final long remaining = tcb.rackRttPs + window - (nowPs - queue.sentPs(record));
            if (remaining <= 0)
            {
                queue.markLost(tcb, record);
                stats.rackLosses++;
            }
            else
            {
                wait = Math.max(wait, remaining);
            }
        }
        return wait;
    }

    /**
     * RFC 8985 §6.2 step 4 as Linux's tcp_rack_reo_wnd: a quarter of the minimum RTT (reo_wnd_steps stays 1: no
     * D-SACK widens it), at most SRTT; none while no reordering was seen and either recovery is on or as many
     * segments are SACKed as the reordering degree (the duplicate-ACK threshold, RFC 8985 §6.2 step 4's exception).
     */
    static long reorderingWindow(final Tcb tcb, final RetransmitQueue queue)
    {
        if (!tcb.reorderingSeen && (tcb.inRecovery ||
            queue.segments(tcb, RetransmitQueue.SACKED, tcb.sendMss) >= tcb.reordering))
        {
            return 0;
        }
        return Math.min(tcb.minRttPs / 4, tcb.srttPs);
    }

    /**
     * Reordering seen (tcp_check_sack_reordering): a segment never sent again was delivered below {@code fack}, the
     * highest sequence SACKed before; the degree grows to the distance in segments.
     */
    static void reordered(final Tcb tcb, final int lowSeq, final int fack)
    {
        if (!Tcb.before(lowSeq, fack))
        {
            return;
        }
        final int distance = (fack - lowSeq + tcb.sendMss - 1) / tcb.sendMss;
        tcb.reordering = Math.min(Math.max(tcb.reordering, distance), TcpLayer.MAX_REORDERING);
        tcb.reorderingSeen = true;
    }

    /**
     * Whether a segment sent at {@code t1} ending at {@code seq1} went after one sent at {@code t2} ending at
     * {@code seq2} (tcp_skb_sent_after: the later end breaks a tie).
     */
    private static boolean sentAfter(final long t1, final int seq1, final long t2, final int seq2)
    {
        return t1 > t2 || t1 == t2 && Tcb.after(seq1, seq2);
    }
}
