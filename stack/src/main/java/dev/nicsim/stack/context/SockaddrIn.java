package dev.nicsim.stack.context;

import dev.nicsim.stack.wire.Bytes;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct sockaddr_in} in memory, the one place it is encoded and decoded: family in host order (2 bytes),
 * port (2) and address (4) in network order, then 8 bytes of zero padding, {@link SocketConstants#SOCKADDR_IN_SIZE}
 * in all. Static, so reading or writing one allocates nothing.
 */
public final class SockaddrIn
{
    private SockaddrIn()
    {
    }

    /** Writes a whole sockaddr_in, padding included, at {@code offset}. */
    public static void put(final MemorySegment memory, final long offset, final int family, final int address,
        final int port)
    {
        memory.set(ValueLayout.JAVA_SHORT_UNALIGNED, offset, (short) family);
        Bytes.put16(memory, offset + 2, port);
        Bytes.put32(memory, offset + 4, address);
        memory.set(ValueLayout.JAVA_LONG_UNALIGNED, offset + 8, 0L);
    }

    public static int family(final MemorySegment memory, final long offset)
    {
        return memory.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset) & 0xFFFF;
    }

    public static int port(final MemorySegment memory, final long offset)
    {
        return Bytes.u16(memory, offset + 2);
    }

    public static int address(final MemorySegment memory, final long offset)
    {
        return Bytes.i32(memory, offset + 4);
    }
}
