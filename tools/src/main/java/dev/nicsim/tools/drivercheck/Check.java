package dev.nicsim.tools.drivercheck;

/** The rules the kit holds a driver to, each with the datasheet section that states it. */
public enum Check
{
    PROBE_ORDER("probe and reset order", "§8.1, §8.2"),
    RING_WRAP("ring wrap-around, TX and RX", "§3.4, §4"),
    TX_BACKPRESSURE("full TX ring as back-pressure", "§4.1, §5.1"),
    RX_STARVATION("RX starvation and recovery", "§3.5 RNBC, §5.2"),
    LINK_FLAP("link down and up during traffic", "§3.1 STATUS.LU, §6 LSC"),
    MODERATION_CHANGE("moderation change at run time", "§5.3 ITR"),
    SHUTDOWN_QUIESCE("shutdown quiesces DMA before unmapping", "§8.3"),
    NO_LEAK("no DMA buffer leaked", "§8.3 step 4"),
    NO_MISUSE("no strict-mode misuse", "§9"),
    QUEUES("queue set-up, RSS and TX queue per flow", "§3.4, §3.5, §3.6, §6"),
    TSO("TSO descriptors", "§4.3"),
    RSS_CONTROL("RSS key and table from the host", "§3.6 (ethtool -X)");

    private final String title;
    private final String section;

    Check(final String title, final String section)
    {
        this.title = title;
        this.section = section;
    }

    public String title()
    {
        return title;
    }

    /** The datasheet section (docs/datasheet.md) whose rule this check enforces. */
    public String section()
    {
        return section;
    }
}
