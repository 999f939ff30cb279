package dev.nicsim.stack;

import dev.nicsim.stack.wire.DropReason;

/**
 * A stack's counters: packets dropped, by {@link DropReason}, and the traffic and TCP events worth watching in a
 * co-design session. Plain fields, incremented on the fast path without allocation.
 */
public final class StackStats
{
    private final long[] drops = new long[DropReason.COUNT];

    public long packetsSent;
    public long segmentsSent;
    public long segmentsReceived;
    public long bytesSent;
    public long bytesReceived;
    public long retransmissions;
    public long resetsSent;
    public long resetsReceived;
    public long challengeAcks;
    public long challengeAcksSuppressed;
    public long timeWaitRecycled;
    public long datagramsSent;
    public long datagramsReceived;

    /** Counts a dropped packet. */
    public void drop(final int reason)
    {
        drops[reason]++;
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
