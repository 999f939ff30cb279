package dev.nicsim.tools.bridge;

/** What a serial line carries inside its SLIP frames. */
public enum SerialFraming
{
    /**
     * IPv4 packets (RFC 1055), as lwIP's {@code slipif}, Linux's {@code slattach}, Contiki and the Arduino SLIP
     * libraries send them. The bridge is then the board's point-to-point peer (see {@link PointToPointPeer}).
     */
    IP,
    /** Whole Ethernet frames without FCS, as Zephyr's SLIP-TAP mode sends them: the board is one more station. */
    ETHERNET;

    /** Parses {@code ip} or {@code ethernet}. */
    public static SerialFraming parse(final String text)
    {
        return switch (text)
        {
            case "ip" -> IP;
            case "ethernet" -> ETHERNET;
            default -> throw new IllegalArgumentException("framing '" + text + "' must be ip (IP packets in SLIP, " +
                "as lwIP's slipif and Linux's slattach send) or ethernet (Ethernet frames in SLIP, Zephyr's SLIP-TAP)");
        };
    }
}
