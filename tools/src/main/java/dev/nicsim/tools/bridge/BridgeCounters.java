package dev.nicsim.tools.bridge;

/**
 * What a bridge carried and what it refused. Nothing from outside may end a run: a frame the simulated link cannot
 * carry, or a line frame that does not decode, is dropped here and counted, and {@link #summary()} says so at the end.
 * Counted on the simulation thread, except the SLIP decoder's, which the bridge's reader thread counts.
 */
public final class BridgeCounters
{
    long framesIn;
    long framesOut;
    long badFcs;
    long runts;
    long oversized;
    long notIpv4;
    long tooBigForLine;
    long unresolved;
    long arpAnswered;

    /** Outside frames put on the simulated link. */
    public long framesIn()
    {
        return framesIn;
    }

    /** Frames sent to the outside. */
    public long framesOut()
    {
        return framesOut;
    }

    /** Frames from the link dropped because their FCS did not match. */
    public long badFcs()
    {
        return badFcs;
    }

    /** Outside frames dropped as shorter than an Ethernet header (14 bytes), or IP packets shorter than 20. */
    public long runts()
    {
        return runts;
    }

    /** Outside frames dropped as longer than the link carries (or than the line's MTU). */
    public long oversized()
    {
        return oversized;
    }

    /** IP-framed line only: packets from the line that are not IPv4, and link frames neither IPv4 nor ARP. */
    public long notIpv4()
    {
        return notIpv4;
    }

    /** IP-framed line only: packets from the link larger than the line's MTU. */
    public long tooBigForLine()
    {
        return tooBigForLine;
    }

    /** IP-framed line only: packets from the line dropped because no simulated host answered ARP for their next hop. */
    public long unresolved()
    {
        return unresolved;
    }

    /** IP-framed line only: ARP requests for the board's address answered with the bridge's MAC (proxy ARP). */
    public long arpAnswered()
    {
        return arpAnswered;
    }

    /** One line for the end of a run. */
    public String summary()
    {
        return String.format("%d frames in, %d out; dropped: %d runt, %d oversized, %d bad FCS", framesIn, framesOut,
            runts, oversized, badFcs);
    }
}
