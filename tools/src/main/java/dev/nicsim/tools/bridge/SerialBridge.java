package dev.nicsim.tools.bridge;

import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.stack.wire.Ipv4Address;
import jssc.SerialPort;
import jssc.SerialPortException;
import jssc.SerialPortTimeoutException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A dev board on the other end of a simulated link, over a serial port (through jssc), SLIP-framed ({@link Slip}).
 * With {@link SerialFraming#IP} (the default, what lwIP's slipif, slattach, Contiki and Arduino SLIP speak) the line
 * carries IPv4 packets and the bridge is the board's point-to-point peer ({@link PointToPointPeer}); with
 * {@link SerialFraming#ETHERNET} (Zephyr's SLIP-TAP) it carries Ethernet frames without FCS and the board is one more
 * station on the wire.
 *
 * <p>A SLIP frame with a bad escape or longer than the line allows (the MTU, or the link's largest frame) is dropped
 * and counted by the decoder; what decodes is then checked like any outside frame.
 *
 * <p>Reads use jssc's blocking read with a timeout on a dedicated thread (never its event listener, which polls and
 * costs a large share of a core). On a pseudo-terminal, jssc's {@code setParams} reports failure because ptys have no
 * modem lines; data flows regardless, so that is tolerated and only noted.
 */
public final class SerialBridge extends FrameBridge
{
    private static final byte[] NOTHING = new byte[0];

    private final SerialPort port;
    private final SerialLine line;
    private final Slip.Decoder decoder;
    private final PointToPointPeer peer;
    private final byte[] plain = new byte[MAX_FRAME];
    private final byte[] encoded = new byte[2 * MAX_FRAME + 2];
    private final boolean parametersApplied;
    /* Bytes read from the line and not yet decoded (a read may end inside the next frame). */
    private byte[] pending = NOTHING;
    private int pendingAt;

    /**
     * Opens the line's port at its baud rate, 8N1, and joins it to {@code end}.
     *
     * @throws IllegalStateException if the port cannot be opened (the message says why: missing, busy, permission)
     */
    public SerialBridge(final Simulator sim, final SerialLine line, final EthernetLink.EthernetPort end)
    {
        super(sim, end, "serial-" + line.port());
        this.line = line;
        final int largestFrame = end.link().config().maxFrameBytes() - 4;
        this.decoder = new Slip.Decoder(line.framing() == SerialFraming.IP ? line.mtu() : largestFrame);
        this.peer = line.framing() == SerialFraming.IP ? new PointToPointPeer(sim, line.boardAddress(), line.mtu(),
            counters, new PeerSides()) : null;
        this.port = new SerialPort(line.port());
        try
        {
            port.openPort();
            parametersApplied = port.setParams(line.baud(), SerialPort.DATABITS_8, SerialPort.STOPBITS_1,
                SerialPort.PARITY_NONE);
        }
        catch (final SerialPortException e)
        {
            throw new IllegalStateException("cannot open serial port " + line.port() + ": " + e.getExceptionType() +
                " (check the device name, that nothing else holds it, and that you may open it)", e);
        }
        start();
    }

    /** The line this bridge speaks on. */
    public SerialLine line()
    {
        return line;
    }

    /** Whether the line parameters were applied (false on a pseudo-terminal, where they do not exist). */
    public boolean parametersApplied()
    {
        return parametersApplied;
    }

    /** SLIP frames from the line that were dropped (bad escape, too long). */
    public long malformed()
    {
        return decoder.dropped();
    }

    /** SLIP frames from the line dropped for a bad escape. */
    public long badEscapes()
    {
        return decoder.badEscapes();
    }

    /** SLIP frames from the line dropped for running past the MTU (IP) or the link's largest frame (Ethernet). */
    public long tooLong()
    {
        return decoder.tooLong();
    }

    @Override
    public String summary()
    {
        final String common = super.summary() + String.format("; SLIP: %d bad escape, %d too long", badEscapes(),
            tooLong());
        if (peer == null)
        {
            return common;
        }
        return common + String.format("; IP line (board %s, MTU %d): %d not IPv4, %d too big for the line, " +
            "%d unresolved, %d ARP requests answered", Ipv4Address.format(line.boardAddress()), line.mtu(),
            counters.notIpv4(), counters.tooBigForLine(), counters.unresolved(), counters.arpAnswered());
    }

    @Override
    protected void fromOutside(final byte[] unit)
    {
        if (peer == null)
        {
            super.fromOutside(unit);
        }
        else
        {
            peer.fromLine(unit);
        }
    }

    @Override
    protected void fromLink(final MemorySegment frame, final int length)
    {
        if (peer == null)
        {
            super.fromLink(frame, length);
        }
        else
        {
            peer.fromLink(frame, length);
        }
    }

    /* The peer's way out to both sides. */
    private final class PeerSides implements PointToPointPeer.Sides
    {
        @Override
        public boolean toLink(final byte[] frame, final int length)
        {
            return putOnLink(frame, length);
        }

        @Override
        public void toLine(final MemorySegment packet, final int length)
        {
            sendOutside(packet, length);
        }
    }

    @Override
    protected void sendOutside(final MemorySegment frame, final int length)
    {
        MemorySegment.copy(frame, ValueLayout.JAVA_BYTE, 0, plain, 0, length);
        final int size = Slip.encode(plain, length, encoded);
        try
        {
            port.writeBytes(Arrays.copyOf(encoded, size));
        }
        catch (final SerialPortException e)
        {
            throw new IllegalStateException("writing to serial port " + port.getPortName() + " failed: " +
                e.getExceptionType(), e);
        }
    }

    @Override
    protected int receiveOutside(final MemorySegment buffer, final int timeoutMillis)
    {
        try
        {
            while (true)
            {
                while (pendingAt < pending.length)
                {
                    final int completed = decoder.accept(pending[pendingAt++]);
                    if (completed > 0)
                    {
                        MemorySegment.copy(decoder.frame(), 0, buffer, ValueLayout.JAVA_BYTE, 0, completed);
                        return completed;
                    }
                }
                final int available = port.getInputBufferBytesCount();
                pending = available > 0 ? port.readBytes(available) : port.readBytes(1, timeoutMillis);
                pendingAt = 0;
            }
        }
        catch (final SerialPortTimeoutException e)
        {
            pending = NOTHING;
            pendingAt = 0;
            return 0;
        }
        catch (final SerialPortException e)
        {
            throw new IllegalStateException("reading serial port " + port.getPortName() + " failed: " +
                e.getExceptionType(), e);
        }
    }

    @Override
    protected void closeOutside()
    {
        try
        {
            port.closePort();
        }
        catch (final SerialPortException e)
        {
            throw new IllegalStateException("closing serial port " + port.getPortName() + " failed: " +
                e.getExceptionType(), e);
        }
    }
}
