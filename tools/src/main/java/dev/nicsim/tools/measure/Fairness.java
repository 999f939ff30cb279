package dev.nicsim.tools.measure;

/** How evenly a load is shared: Jain's fairness index (Jain, Chiu and Hawe, DEC-TR-301, 1984). */
public final class Fairness
{
    private Fairness()
    {
    }

    /**
     * Jain's index of {@code shares} (frames per queue, say): (sum x)^2 / (n * sum x^2). 1 when every share is equal,
     * 1/n when one takes everything; 1 for no load at all (nobody is treated worse than anybody else).
     */
    public static double jain(final long[] shares)
    {
        double sum = 0;
        double squares = 0;
        for (final long share : shares)
        {
            sum += share;
            squares += (double) share * share;
        }
        return squares == 0 ? 1.0 : sum * sum / (shares.length * squares);
    }
}
