package dev.nicsim.nic;

import dev.nicsim.nic.regs.Counters;
import dev.nicsim.nic.regs.QueueCounters;

import java.util.Arrays;

/**
 * The statistics block: 64-bit counters that never clear on read (datasheet §3.5). Reading a counter's low half
 * latches its high half, so a driver's two 32-bit reads give one consistent value even while the counter moves.
 * The per-queue counters ({@link QueueCounters}) follow the general ones in one array.
 */
final class Statistics
{
    private final long[] counts = new long[Counters.COUNT + QueueCounters.COUNT];
    private int latchedCounter = -1;
    private int latchedHigh;

    void increment(final int counter)
    {
        counts[counter]++;
    }

    void add(final int counter, final long amount)
    {
        counts[counter] += amount;
    }

    long get(final int counter)
    {
        return counts[counter];
    }

    /** Counts a frame of {@code octets} on queue {@code queue}: QPRC/QBRC ({@code rx}) or QPTC/QBTC. */
    void queueFrame(final int queue, final boolean rx, final int octets)
    {
        final int at = Counters.COUNT + QueueCounters.PER_QUEUE * queue + (rx ? QueueCounters.QPRC : QueueCounters.QPTC);
        counts[at]++;
        counts[at + 1] += octets;
    }

    long queueCounter(final int queue, final int counter)
    {
        return counts[Counters.COUNT + QueueCounters.PER_QUEUE * queue + counter];
    }

    /** A register read inside the general or the per-queue block; {@code offset} is 4-byte aligned and inside it. */
    int read(final int offset)
    {
        final int counter = offset >= QueueCounters.BASE ? Counters.COUNT + (offset - QueueCounters.BASE) / 8 :
            (offset - Counters.BASE) / 8;
        final long value = counts[counter];
        if ((offset & 4) == 0)
        {
            latchedCounter = counter;
            latchedHigh = (int) (value >>> 32);
            return (int) value;
        }
        return latchedCounter == counter ? latchedHigh : (int) (value >>> 32);
    }

    void reset()
    {
        Arrays.fill(counts, 0);
        latchedCounter = -1;
    }
}
