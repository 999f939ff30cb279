package dev.nicsim.driver;

/** The driver refused a device or could not bring it up or down: the message says what was found and what to do. */
public final class DriverException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public DriverException(final String message)
    {
        super(message);
    }
}
