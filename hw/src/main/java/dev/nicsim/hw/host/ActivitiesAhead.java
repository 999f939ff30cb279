package dev.nicsim.hw.host;

/**
 * One core's activities that end after the time of the event that ran them: an activity's code consumes time, so it
 * is recorded whole while part of it still lies ahead of the simulator's clock, and a core whose activities wait for
 * one another can hold a queue of them. Busy figures read at a time leave out what lies after it (see
 * {@link HostCpu#busyPs(int)}). Oldest first, in a ring that grows when a queue outgrows it (none or one in the usual
 * case), so recording allocates nothing.
 */
final class ActivitiesAhead
{
    private static final int USES = CpuUse.ALL.length;

    private long[] start = new long[4];
    private long[] end = new long[4];
    private int[] own = new int[4];
    /* Per activity, its time by use, USES entries each. */
    private long[] byUse = new long[4 * USES];
    private int head;
    private int count;

    /**
     * Records an activity of {@code start} to {@code end} whose own use is {@code ownUse}, with {@code elsewherePs}
     * per use charged to other uses, after forgetting those that ended by {@code past} (no later reading can need them).
     */
    void record(final long past, final long activityStart, final long activityEnd, final int ownUse,
        final long awayPs, final long[] elsewherePs)
    {
        while (count > 0 && end[head] <= past)
        {
            head = (head + 1) % start.length;
            count--;
        }
        if (activityEnd <= past)
        {
            return;
        }
        if (count == start.length)
        {
            grow();
        }
        final int slot = (head + count++) % start.length;
        start[slot] = activityStart;
        end[slot] = activityEnd;
        own[slot] = ownUse;
        for (int use = 0; use < USES; use++)
        {
            byUse[slot * USES + use] = use == ownUse ? activityEnd - activityStart - awayPs :
                awayPs > 0 ? elsewherePs[use] : 0;
        }
    }

    /** The recorded time after {@code now}: for one use, or for all when {@code use} is negative. */
    long after(final long now, final int use)
    {
        long ahead = 0;
        for (int i = 0; i < count; i++)
        {
            final int slot = (head + i) % start.length;
            if (end[slot] <= now)
            {
                continue;
            }
            final long length = end[slot] - start[slot];
            final long part = use < 0 ? length : byUse[slot * USES + use];
            if (start[slot] >= now)
            {
                ahead += part;
            }
            else
            {
                ahead += use < 0 ? end[slot] - now : straddling(slot, end[slot] - now, length, use);
            }
        }
        return ahead;
    }

    /* A straddling activity's part after now, by use in proportion; its own use takes the rounding. */
    private long straddling(final int slot, final long after, final long length, final int use)
    {
        if (use != own[slot])
        {
            return share(after, byUse[slot * USES + use], length);
        }
        long others = 0;
        for (int other = 0; other < USES; other++)
        {
            others += other == use ? 0 : share(after, byUse[slot * USES + other], length);
        }
        return after - others;
    }

    private static long share(final long after, final long part, final long length)
    {
        return (long) (after * (double) part / length);
    }

    private void grow()
    {
        final int capacity = start.length * 2;
        final long[] newStart = new long[capacity];
        final long[] newEnd = new long[capacity];
        final int[] newOwn = new int[capacity];
        final long[] newByUse = new long[capacity * USES];
        for (int i = 0; i < count; i++)
        {
            final int slot = (head + i) % start.length;
            newStart[i] = start[slot];
            newEnd[i] = end[slot];
            newOwn[i] = own[slot];
            System.arraycopy(byUse, slot * USES, newByUse, i * USES, USES);
        }
        start = newStart;
        end = newEnd;
        own = newOwn;
        byUse = newByUse;
        head = 0;
    }
}
