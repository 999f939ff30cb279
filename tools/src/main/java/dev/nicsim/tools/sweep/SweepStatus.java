package dev.nicsim.tools.sweep;

/**
 * How far a sweep (or the part of it running here) has got: points done, running, pending, failed, and missing
 * (neither done nor failed, and not queued anywhere we can see: cancelled, or lost with its node).
 */
public record SweepStatus(int total, int done, int running, int pending, int failed, int missing)
{
    /** One line: {@code 7/16 done, 2 running, 6 pending, 1 failed}. */
    public String line()
    {
        final StringBuilder text = new StringBuilder().append(done).append('/').append(total).append(" done, ")
            .append(running).append(" running, ").append(pending).append(" pending, ").append(failed)
            .append(" failed");
        if (missing > 0)
        {
            text.append(", ").append(missing).append(" missing");
        }
        return text.toString();
    }

    /** Whether nothing is left to run or wait for. */
    public boolean finished()
    {
        return running == 0 && pending == 0;
    }
}
