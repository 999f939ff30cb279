package dev.nicsim.nic;

import dev.nicsim.nic.regs.NicErrors;

/**
 * A driver broke a rule of the datasheet while the device was in {@link MisuseMode#STRICT}: the simulation stops here.
 * The message names the register or descriptor field, the value, the rule broken and the simulated time.
 */
public final class NicMisuseException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    private final int error;
    private final long time;

    NicMisuseException(final int error, final long time, final String message)
    {
        super(message);
        this.error = error;
        this.time = time;
    }

    /** The error code ({@link NicErrors}). */
    public int error()
    {
        return error;
    }

    /** The error's datasheet name. */
    public String errorName()
    {
        return NicErrors.name(error);
    }

    /** When the device detected it, in simulated picoseconds. */
    public long time()
    {
        return time;
    }
}
