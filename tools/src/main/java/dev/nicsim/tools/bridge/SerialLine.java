package dev.nicsim.tools.bridge;

import dev.nicsim.stack.wire.Ipv4Address;

/**
 * A serial line to a dev board and how to speak on it.
 *
 * @param port         the serial device, e.g. {@code /dev/ttyUSB0}
 * @param baud         line speed in bits per second
 * @param framing      what the SLIP frames carry
 * @param boardAddress with IP framing: the board's IPv4 address, which the bridge answers ARP for
 * @param mtu          with IP framing: the largest IP packet either way (RFC 1055 suggests 1006; lwIP's slipif and
 *                     Linux's slattach default to 1500)
 */
public record SerialLine(String port, int baud, SerialFraming framing, int boardAddress, int mtu)
{
    /** Linux's {@code slattach} and lwIP's {@code slipif} MTU. */
    public static final int DEFAULT_MTU = 1500;
    public static final int DEFAULT_BAUD = 115_200;
    /** Where the board sits unless told otherwise: in the testbed's /24, far from the hosts A, B, ... */
    public static final int DEFAULT_BOARD_ADDRESS = Ipv4Address.parse("10.0.0.200");
    /** An IPv4 header is 20 bytes; 68 is IPv4's minimum MTU (RFC 791). */
    private static final int MIN_MTU = 68;
    private static final int MAX_MTU = 65535;

    public SerialLine
    {
        if (port == null || port.isEmpty())
        {
            throw new IllegalArgumentException("a serial line needs a device, e.g. path=/dev/ttyUSB0");
        }
        if (baud < 50 || baud > 16_000_000)
        {
            throw new IllegalArgumentException("baud " + baud + " must be 50 to 16000000");
        }
        if (mtu < MIN_MTU || mtu > MAX_MTU)
        {
            throw new IllegalArgumentException("mtu " + mtu + " must be " + MIN_MTU + " to " + MAX_MTU);
        }
    }

    /** The defaults for {@code port}: 115200 baud, IP framing, board at 10.0.0.200, MTU 1500. */
    public static SerialLine of(final String port)
    {
        return new SerialLine(port, DEFAULT_BAUD, SerialFraming.IP, DEFAULT_BOARD_ADDRESS, DEFAULT_MTU);
    }

    public SerialLine withBaud(final int newBaud)
    {
        return new SerialLine(port, newBaud, framing, boardAddress, mtu);
    }

    public SerialLine withFraming(final SerialFraming newFraming)
    {
        return new SerialLine(port, baud, newFraming, boardAddress, mtu);
    }

    public SerialLine withBoardAddress(final int newAddress)
    {
        return new SerialLine(port, baud, framing, newAddress, mtu);
    }

    public SerialLine withMtu(final int newMtu)
    {
        return new SerialLine(port, baud, framing, boardAddress, newMtu);
    }
}
