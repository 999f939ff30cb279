package dev.nicsim.stack.tcp;

import java.util.function.Supplier;

/** Pooled minisocks of one kind: built on first use, reused after, so a busy listener allocates nothing. */
final class MiniSockPool<T extends MiniSock>
{
    private final Supplier<T> factory;
    private MiniSock free;
    private int inUse;

    MiniSockPool(final Supplier<T> factory)
    {
        this.factory = factory;
    }

    @SuppressWarnings("unchecked")
    T take()
    {
        MiniSock taken = free;
        if (taken != null)
        {
            free = taken.nextFree;
            taken.nextFree = null;
        }
        else
        {
            taken = factory.get();
        }
        inUse++;
        return (T) taken;
    }

    /** Returns a record whose timer is cancelled and which has left every table. */
    void give(final T record)
    {
        record.resetCommon();
        record.nextFree = free;
        free = record;
        inUse--;
    }

    /** Records taken and not given back. */
    int inUse()
    {
        return inUse;
    }
}
