package dev.nicsim.stack.context;

import dev.nicsim.stack.wire.DropReason;

/**
 * A stack's counters: packets dropped, by {@link DropReason}, and the traffic and TCP events worth watching in a
 * co-design session. Plain fields, incremented on the fast path without allocation.
 */
public final class StackStats
{
    private final long[] drops = new long[DropReason.COUNT];

    /** Frames received on every interface, and how many of them were processed rather than dropped. */
    public long framesReceived;
    public long framesAccepted;
    public long packetsSent;
    public long segmentsSent;
    public long segmentsReceived;
    public long bytesSent;
    public long bytesReceived;
    public long retransmissions;
    /** Of {@link #retransmissions}: those sent on duplicate ACKs (fast retransmit, RFC 5681 §3.2). */
    public long fastRetransmissions;
    /** Of {@link #retransmissions}: those sent because a retransmission timer expired (RFC 6298 §5). */
    public long timeoutRetransmissions;
    /** Tail loss probes sent (RFC 8985 §7; Linux's TCPLossProbes), new data or a segment again. */
    public long lossProbes;
    /** Segments RACK took for lost (RFC 8985 §6.2; Linux counts them in TCPLostRetransmit and lost_out). */
    public long rackLosses;
    public long resetsSent;
    public long resetsReceived;
    public long challengeAcks;
    public long challengeAcksSuppressed;
    public long timeWaitRecycled;
    /** SYN cookies sent, final ACKs that carried a valid one, and ACKs checked as one that were not ({@code
     *  SyncookiesSent/Recv/Failed}). */
    public long synCookiesSent;
    public long synCookiesReceived;
    public long synCookiesFailed;
    public long datagramsSent;
    public long datagramsReceived;

    /** Counts a dropped packet. */
    public void drop(final int reason)
    {
        drops[reason]++;
    }

    /** Counts a received frame by its outcome: {@link DropReason#ACCEPTED} or a drop reason. */
    public void received(final int outcome)
    {
        framesReceived++;
        if (outcome == DropReason.ACCEPTED)
        {
            framesAccepted++;
        }
        else
        {
            drops[outcome]++;
        }
    }

    /** Received frames dropped, whatever the reason: with {@link #framesAccepted}, every frame received. */
    public long framesDropped()
    {
        long total = 0;
        for (int reason = 0; reason < drops.length; reason++)
        {
            if (DropReason.isFrameOutcome(reason))
            {
                total += drops[reason];
            }
        }
        return total;
    }

    public long drops(final int reason)
    {
        return drops[reason];
    }

    public long totalDrops()
    {
        long total = 0;
        for (final long count : drops)
        {
            total += count;
        }
        return total;
    }

    /** The non-zero drop counters, one "reason=count" per entry, for reports. */
    public String dropSummary()
    {
        final StringBuilder text = new StringBuilder();
        for (int reason = 0; reason < drops.length; reason++)
        {
            if (drops[reason] != 0)
            {
                text.append(text.isEmpty() ? "" : " ").append(DropReason.name(reason)).append('=')
                    .append(drops[reason]);
            }
        }
        return text.toString();
    }
}
