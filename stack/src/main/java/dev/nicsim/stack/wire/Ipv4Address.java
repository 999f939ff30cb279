package dev.nicsim.stack.wire;

/**
 * IPv4 addresses as {@code int}s in network order (first octet most significant): parsing and formatting for
 * people, classification for the routing code.
 */
public final class Ipv4Address
{
    public static final int ANY = 0;
    public static final int BROADCAST = 0xFFFF_FFFF;
    public static final int LOOPBACK = 0x7F00_0001;

    private Ipv4Address()
    {
    }

    /**
     * Parses dotted-quad text ("10.0.0.1").
     *
     * @throws IllegalArgumentException naming the text when it is not four decimal octets
     */
    public static int parse(final String text)
    {
        final String[] parts = text.split("\\.", -1);
        if (parts.length != 4)
        {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address: write four octets, e.g. " +
                "10.0.0.1");
        }
        int address = 0;
        for (final String part : parts)
        {
            final int octet;
            try
            {
                octet = Integer.parseInt(part);
            }
            catch (final NumberFormatException e)
            {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address: '" + part +
                    "' is not a number from 0 to 255", e);
            }
            if (octet < 0 || octet > 255 || part.isEmpty() || part.length() > 3)
            {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address: '" + part +
                    "' is not a number from 0 to 255");
            }
            address = (address << 8) | octet;
        }
        return address;
    }

    public static String format(final int address)
    {
        return (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "." +
            (address & 0xFF);
    }

    /** The netmask of a prefix length 0..32. */
    public static int mask(final int prefixLength)
    {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    public static boolean isMulticast(final int address)
    {
        return (address >>> 28) == 0xE;
    }

    public static boolean isLoopback(final int address)
    {
        return (address >>> 24) == 127;
    }

    /** Class E and 0.0.0.0/8: never a valid source or destination on the wire. */
    public static boolean isReservedOrZeroNet(final int address)
    {
        return (address >>> 28) == 0xF && address != BROADCAST || (address >>> 24) == 0;
    }

    /** A MAC address as {@code 02:00:00:00:00:01}. */
    public static String formatMac(final long mac)
    {
        final StringBuilder text = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8)
        {
            final int octet = (int) (mac >>> shift) & 0xFF;
            text.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xF, 16));
            if (shift > 0)
            {
                text.append(':');
            }
        }
        return text.toString();
    }
}
