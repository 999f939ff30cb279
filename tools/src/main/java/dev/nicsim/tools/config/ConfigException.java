package dev.nicsim.tools.config;

/** A configuration the testbed cannot use; the message says what was wrong and what is accepted. */
public final class ConfigException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public ConfigException(final String message)
    {
        super(message);
    }
}
