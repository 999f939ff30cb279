package dev.nicsim.driver;

/**
 * Interrupt moderation that follows the traffic: Linux's e1000/e1000e/igb "dynamic conservative" mode
 * ({@code InterruptThrottleRate=3}). After each NAPI poll that completes, the packets and bytes seen since the last
 * one classify the receive and transmit traffic as lowest-latency, low-latency or bulk ({@code e1000_update_itr}); the
 * busier class of the two picks an interrupt rate of 70 000, 20 000 or 4 000 per second, and conservative mode never
 * goes above 20 000 ({@code e1000_set_itr}). A rising rate is approached in steps, biasing towards bulk. The driver
 * writes the ITR register only when the rate changes.
 */
final class AdaptiveModeration
{
    private static final int LOWEST_LATENCY = 0;
    private static final int LOW_LATENCY = 1;
    private static final int BULK_LATENCY = 2;
    /** Interrupts per second of each class. */
    private static final int[] RATE = {70_000, 20_000, 4_000};
    /** Where e1000 starts a dynamic mode: 20 000 interrupts per second. */
    static final int INITIAL_RATE = 20_000;

    private int rxClass = LOWEST_LATENCY;
    private int txClass = LOWEST_LATENCY;
    private int rate = INITIAL_RATE;

    /**
     * The traffic since the last call; returns the interrupt rate to program (interrupts per second), which differs
     * from the current one only when the driver must write ITR.
     */
    int update(final long rxPackets, final long rxBytes, final long txPackets, final long txBytes)
    {
        rxClass = classify(rxClass, rxPackets, rxBytes);
        txClass = classify(txClass, txPackets, txBytes);
        int current = Math.max(rxClass, txClass);
        if (current == LOWEST_LATENCY)
        {
            current = LOW_LATENCY; // conservative mode: never the lowest-latency rate
        }
        int target = RATE[current];
        if (target > rate)
        {
            target = Math.min(rate + (target >> 2), target);
        }
        rate = target;
        return rate;
    }

    int rate()
    {
        return rate;
    }

    /** The ITR register value (256 ns units) for {@code interruptsPerSecond}. */
    static int itrUnits(final int interruptsPerSecond)
    {
        return 1_000_000_000 / (interruptsPerSecond * 256);
    }

    /* e1000_update_itr: the thresholds are Intel's, set from wire-speed arithmetic and testing. */
    private static int classify(final int current, final long packets, final long bytes)
    {
        if (packets == 0)
        {
            return current;
        }
        final long perPacket = bytes / packets;
        return switch (current)
        {
            case LOWEST_LATENCY -> perPacket > 8000 ? BULK_LATENCY : packets < 5 && bytes > 512 ? LOW_LATENCY :
                current;
            case LOW_LATENCY ->
            {
                if (bytes > 10_000)
                {
                    if (perPacket > 8000 || packets < 10 || perPacket > 1200)
                    {
                        yield BULK_LATENCY;
                    }
                    yield packets > 35 ? LOWEST_LATENCY : current;
                }
                if (perPacket > 2000)
                {
                    yield BULK_LATENCY;
                }
                yield packets <= 2 && bytes < 512 ? LOWEST_LATENCY : current;
            }
            default -> bytes > 25_000 ? (packets > 35 ? LOW_LATENCY : current) : bytes < 6000 ? LOW_LATENCY : current;
        };
    }
}
