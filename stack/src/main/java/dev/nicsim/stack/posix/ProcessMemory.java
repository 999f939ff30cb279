package dev.nicsim.stack.posix;

import dev.nicsim.stack.context.SockaddrIn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A simulated process's address space: one native segment mapped at {@link #BASE}. System calls read and write
 * their arguments here by address, so a bad pointer (NULL, or outside the mapping) is an EFAULT exactly where Linux's
 * {@code copy_from_user} would find it. A bump allocator hands out buffers for programs and tests.
 */
public final class ProcessMemory
{
    /** Where the mapping starts: address 0 (NULL) and the page after it are never valid. */
    public static final long BASE = 0x10000;

    private final MemorySegment segment;
    private final long size;
    private long next;

    public ProcessMemory(final long size)
    {
        if (size < 4096 || size > (1L << 32))
        {
            throw new IllegalArgumentException("process memory must be 4 KiB to 4 GiB, got " + size + " bytes");
        }
        this.segment = Arena.ofAuto().allocate(size, 4096);
        this.size = size;
    }

    /** The backing memory; {@link #offset} turns an address into an index into it. */
    public MemorySegment segment()
    {
        return segment;
    }

    /** True when {@code length} bytes at {@code address} are mapped. */
    public boolean accessible(final long address, final long length)
    {
        return length >= 0 && address >= BASE && address - BASE <= size - length;
    }

    public long offset(final long address)
    {
        return address - BASE;
    }

    /**
     * Allocates {@code length} bytes (16-byte aligned, zeroed) and returns their address.
     *
     * @throws IllegalStateException when the process is out of memory, with the sizes involved
     */
    public long allocate(final int length)
    {
        final long start = (next + 15) & ~15L;
        if (start + length > size)
        {
            throw new IllegalStateException("process memory exhausted: " + length + " bytes asked, " +
                (size - start) + " of " + size + " left; create the process with more memory");
        }
        next = start + length;
        segment.asSlice(start, length).fill((byte) 0);
        return BASE + start;
    }

    /** Writes a {@code struct sockaddr_in}: family in host order, port and address in network order. */
    public void putSockaddrIn(final long address, final int family, final int ip, final int port)
    {
        SockaddrIn.put(segment, offset(address), family, ip, port);
    }

    public int getInt(final long address)
    {
        return segment.get(ValueLayout.JAVA_INT_UNALIGNED, offset(address));
    }

    public void putInt(final long address, final int value)
    {
        segment.set(ValueLayout.JAVA_INT_UNALIGNED, offset(address), value);
    }

    public long getLong(final long address)
    {
        return segment.get(ValueLayout.JAVA_LONG_UNALIGNED, offset(address));
    }

    public void putLong(final long address, final long value)
    {
        segment.set(ValueLayout.JAVA_LONG_UNALIGNED, offset(address), value);
    }

    public short getShort(final long address)
    {
        return segment.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset(address));
    }

    public void putShort(final long address, final short value)
    {
        segment.set(ValueLayout.JAVA_SHORT_UNALIGNED, offset(address), value);
    }

    public byte getByte(final long address)
    {
        return segment.get(ValueLayout.JAVA_BYTE, offset(address));
    }

    public void putByte(final long address, final byte value)
    {
        segment.set(ValueLayout.JAVA_BYTE, offset(address), value);
    }
}
