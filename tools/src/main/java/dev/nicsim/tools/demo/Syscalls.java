package dev.nicsim.tools.demo;

import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.posix.Posix;

/** Turns a failed system call of a demo program into an exception that names the call, errno and its meaning. */
final class Syscalls
{
    private Syscalls()
    {
    }

    /** Returns {@code result} when it is not negative; otherwise throws with the process's errno. */
    static int check(final Posix posix, final String call, final int result)
    {
        if (result < 0)
        {
            throw new SyscallException(call, posix.errno());
        }
        return result;
    }

    /** A system call that failed: {@code connect: ECONNREFUSED (Connection refused)}. */
    static final class SyscallException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        private final int errno;

        SyscallException(final String call, final int errno)
        {
            super(call + ": " + Errno.name(errno) + " (" + Errno.strerror(errno) + ")");
            this.errno = errno;
        }

        int errno()
        {
            return errno;
        }
    }
}
