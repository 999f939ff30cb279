package dev.nicsim.hw.eth;

final class FaultProbability
{
    private FaultProbability()
    {
    }

    static double check(final String fault, final double probability)
    {
        if (!(probability >= 0 && probability <= 1))
        {
            throw new IllegalArgumentException(fault + " probability must be in [0, 1], got " + probability);
        }
        return probability;
    }
}
