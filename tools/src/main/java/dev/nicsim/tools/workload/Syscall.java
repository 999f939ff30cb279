package dev.nicsim.tools.workload;

import dev.nicsim.stack.context.Errno;
import dev.nicsim.stack.posix.Posix;

/** A workload's system call that must not fail: a failure means the workload itself is broken, so it throws. */
public final class Syscall
{
    private Syscall()
    {
    }

    /** Returns {@code result} when it is not negative; otherwise throws, naming the call and the process's errno. */
    public static int check(final Posix posix, final String call, final int result)
    {
        if (result < 0)
        {
            throw new IllegalStateException(call + " failed: " + Errno.name(posix.errno()) + " (" +
                Errno.strerror(posix.errno()) + ")");
        }
        return result;
    }
}
