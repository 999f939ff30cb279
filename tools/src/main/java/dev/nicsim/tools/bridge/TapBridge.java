package dev.nicsim.tools.bridge;

import dev.nicsim.hw.eth.EthernetLink;
import dev.nicsim.hw.sim.Simulator;

import java.lang.foreign.MemorySegment;

/** The real Linux kernel on the other end of a simulated link, through a {@link LinuxTap} interface. */
public final class TapBridge extends FrameBridge
{
    private final LinuxTap tap;

    public TapBridge(final Simulator sim, final LinuxTap tap, final EthernetLink.EthernetPort end)
    {
        super(sim, end, "tap-" + tap.name());
        this.tap = tap;
        start();
    }

    /** The TAP interface's name. */
    public String ifname()
    {
        return tap.name();
    }

    @Override
    protected void sendOutside(final MemorySegment frame, final int length)
    {
        tap.write(frame, length);
    }

    @Override
    protected int receiveOutside(final MemorySegment buffer, final int timeoutMillis)
    {
        return tap.read(buffer, timeoutMillis);
    }

    @Override
    protected void closeOutside()
    {
        tap.close();
    }
}
