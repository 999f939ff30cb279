package dev.nicsim.tools.bridge;

import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.sim.Simulator;
import jssc.SerialPort;
import jssc.SerialPortException;
import jssc.SerialPortTimeoutException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A dev board on the other end of a simulated link, over a serial port (through jssc): Ethernet frames without FCS,
 * SLIP-framed ({@link Slip}). The board can run any small IP stack that speaks SLIP-framed Ethernet; the simulated
 * hosts then see it as one more station on the wire.
 *
 * <p>Reads use jssc's blocking read with a timeout on a dedicated thread (never its event listener, which polls and
 * costs a large share of a core). On a pseudo-terminal, jssc's {@code setParams} reports failure because ptys have no
 * modem lines; data flows regardless, so that is tolerated and only noted.
 */
public final class SerialBridge extends FrameBridge
{
    private static final byte[] NOTHING = new byte[0];

    private final SerialPort port;
    private final Slip.Decoder decoder = new Slip.Decoder(MAX_FRAME);
    private final byte[] plain = new byte[MAX_FRAME];
    private final byte[] encoded = new byte[2 * MAX_FRAME + 2];
    private final boolean parametersApplied;
    /* Bytes read from the line and not yet decoded (a read may end inside the next frame). */
    private byte[] pending = NOTHING;
    private int pendingAt;

    /**
     * Opens {@code portName} at {@code baud}, 8N1, and joins it to {@code end}.
     *
     * @throws IllegalStateException if the port cannot be opened (the message says why: missing, busy, permission)
     */
    public SerialBridge(final Simulator sim, final String portName, final int baud, final EthernetLink.EthernetPort end)
    {
        super(sim, end, "serial-" + portName);
        this.port = new SerialPort(portName);
        try
        {
            port.openPort();
            parametersApplied = port.setParams(baud, SerialPort.DATABITS_8, SerialPort.STOPBITS_1,
                SerialPort.PARITY_NONE);
        }
        catch (final SerialPortException e)
        {
            throw new IllegalStateException("cannot open serial port " + portName + ": " + e.getExceptionType() +
                " (check the device name, that nothing else holds it, and that you may open it)", e);
        }
        start();
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
