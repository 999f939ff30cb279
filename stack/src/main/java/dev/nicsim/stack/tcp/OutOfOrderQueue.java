package dev.nicsim.stack.tcp;

import dev.nicsim.stack.wire.TcpSegment;

/**
 * The sequence ranges a connection has received beyond RCV.NXT (RFC 9293 §3.10.7.4 "seventh": segments beyond the
 * next expected one are kept within the window and delivered when the gap fills). The bytes themselves are already
 * where they belong, in the receive ring after its tail ({@link dev.nicsim.stack.sock.ByteRing#writeAhead}); this
 * queue only remembers which ranges are there, so that filling the gap makes them readable without a copy, and so
 * that ACKs can report them as SACK blocks (RFC 2018), the most recently changed first.
 *
 * <p>At most {@link #CAPACITY} disjoint ranges are held (touching or overlapping ones merge); a segment that would
 * need another is dropped and the sender resends it. Arrays are made once with the connection's block.
 */
public final class OutOfOrderQueue
{
    /** Disjoint ranges held at once. */
    public static final int CAPACITY = 16;

    private final int[] start = new int[CAPACITY];
    private final int[] end = new int[CAPACITY];
    /** When each range last grew: the order SACK blocks are reported in. */
    private final long[] touched = new long[CAPACITY];
    private int count;
    private long clock;

    public boolean isEmpty()
    {
        return count == 0;
    }

    public int ranges()
    {
        return count;
    }

    public void clear()
    {
        count = 0;
    }

    /**
     * Records that {@code [from, to)} is held, merging it with every range it touches. Returns false (and records
     * nothing) when it would need a range beyond {@link #CAPACITY}.
     */
    public boolean add(final int from, final int to)
    {
        int low = from;
        int high = to;
        int i = 0;
        while (i < count)
        {
            if (!Tcb.after(start[i], high) && !Tcb.before(end[i], low))
            {
                low = Tcb.before(start[i], low) ? start[i] : low;
                high = Tcb.after(end[i], high) ? end[i] : high;
                remove(i);
            }
            else
            {
                i++;
            }
        }
        if (count == CAPACITY)
        {
            return false;
        }
        start[count] = low;
        end[count] = high;
        touched[count] = ++clock;
        count++;
        return true;
    }

    /**
     * The part of {@code [from, to)} already held in the range that holds its lowest held byte, as
     * {@code (start << 32) | end}, or -1 when none of it is held: what a D-SACK reports of a segment received again
     * beyond RCV.NXT (tcp_data_queue_ofo: the bits already present, within one run of contiguous data).
     */
    public long heldPart(final int from, final int to)
    {
        long part = -1;
        int lowest = 0;
        for (int i = 0; i < count; i++)
        {
            if (Tcb.before(start[i], to) && Tcb.after(end[i], from))
            {
                final int low = Tcb.after(start[i], from) ? start[i] : from;
                if (part < 0 || Tcb.before(low, lowest))
                {
                    lowest = low;
                    final int high = Tcb.before(end[i], to) ? end[i] : to;
                    part = (long) low << 32 | high & 0xFFFF_FFFFL;
                }
            }
        }
        return part;
    }

    /**
     * RCV.NXT has reached {@code next}: takes every range that now continues the stream and returns the new RCV.NXT
     * (the end of the last range taken, or {@code next} when none continues it).
     */
    public int take(final int next)
    {
        int reached = next;
        boolean progress = true;
        while (progress)
        {
            progress = false;
            for (int i = 0; i < count; i++)
            {
                if (!Tcb.after(start[i], reached))
                {
                    if (Tcb.after(end[i], reached))
                    {
                        reached = end[i];
                    }
                    remove(i);
                    progress = true;
                    break;
                }
            }
        }
        return reached;
    }

    /** Bytes a SACK option with {@code blocks} blocks takes, NOP NOP included (0 for none). */
    public static int sackLength(final int blocks)
    {
        return blocks == 0 ? 0 : 4 + 8 * blocks;
    }

    /**
     * Writes {@code blocks} SACK blocks from {@code at} (from the start of the TCP header, after the option's NOP NOP
     * SACK header), as Linux's {@code tcp_options_write}: the most recently changed range first.
     */
    public void writeSackBlocks(final TcpSegment segment, final int at, final int blocks)
    {
        long below = Long.MAX_VALUE;
        for (int block = 0; block < blocks; block++)
        {
            int newest = -1;
            for (int i = 0; i < count; i++)
            {
                if (touched[i] < below && (newest < 0 || touched[i] > touched[newest]))
                {
                    newest = i;
                }
            }
            segment.writeSackBlock(at + 8 * block, start[newest], end[newest]);
            below = touched[newest];
        }
    }

    private void remove(final int i)
    {
        count--;
        start[i] = start[count];
        end[i] = end[count];
        touched[i] = touched[count];
    }
}
