package dev.nicsim.stack.api;

import dev.nicsim.stack.context.Errno;

import java.io.IOException;

/**
 * A socket call failed with an errno, as a C program would see it: {@link #errno()} is the Linux value and the
 * message reads like {@code perror}: {@code "connect: Connection refused (ECONNREFUSED)"}.
 */
public final class ErrnoException extends IOException
{
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String call;

    public ErrnoException(final String call, final int errno)
    {
        super(call + ": " + Errno.strerror(errno) + " (" + Errno.name(errno) + ")");
        this.call = call;
        this.errno = errno;
    }

    /** The Linux errno value, e.g. {@link Errno#ECONNREFUSED}. */
    public int errno()
    {
        return errno;
    }

    /** The call that failed ("connect", "send", ...). */
    public String call()
    {
        return call;
    }
}
