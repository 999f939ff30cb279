package dev.nicsim.stack.tcp;

import dev.nicsim.stack.wire.TcpSegment;

import java.lang.foreign.MemorySegment;

/**
 * The segment being processed: RFC 9293's SEG.SEQ, SEG.ACK, SEG.LEN, SEG.WND and control bits, its addresses and
 * ports, where its payload lies, and the options its header carries. {@link TcpLayer} unpacks each arriving segment
 * into it once and passes it to every step of the segment's processing. There is one per layer, reused for every
 * segment, so a segment costs no allocation; it is valid only while that segment is processed (the memory is the
 * device's, lent for the call).
 */
final class InboundSegment
{
    /** The wire view: validated, options parsed. */
    final TcpSegment header = new TcpSegment();

    /* Where the payload lies: memory lent by the device for this call. */
    MemorySegment memory;
    long payload;
    /** Payload bytes (SEG.LEN without SYN and FIN: see {@link #span()}). */
    int length;
    int seq;
    int ack;
    int flags;
    /** The window field, not yet scaled. */
    int window;
    int source;
    int destination;
    int sourcePort;
    int destinationPort;
    /** Bytes this ACK newly acknowledged or SACKed on a SACK connection (Linux's newly_acked_sacked). */
    int deliveredBytes;

    /** Reads what processing uses from the validated {@link #header} at {@code offset} in {@code memory}. */
    void unpack(final MemorySegment memory, final long offset, final int source, final int destination)
    {
        this.memory = memory;
        this.payload = offset + header.headerLength();
        this.length = header.payloadLength();
        this.seq = header.sequence();
        this.ack = header.acknowledgment();
        this.flags = header.flags();
        this.window = header.window();
        this.source = source;
        this.destination = destination;
        this.sourcePort = header.sourcePort();
        this.destinationPort = header.destinationPort();
    }

    /** Whether control bit {@code flag} ({@link TcpSegment#SYN}, ...) is set. */
    boolean has(final int flag)
    {
        return (flags & flag) != 0;
    }

    /** SEG.LEN: payload plus one for each of SYN and FIN. */
    int span()
    {
        return length + (has(TcpSegment.SYN) ? 1 : 0) + (has(TcpSegment.FIN) ? 1 : 0);
    }

    /** The MSS option of a SYN, or -1. */
    int mss()
    {
        return header.mss();
    }

    /** The window-scale shift of a SYN (clamped to 14), or -1. */
    int wscale()
    {
        return header.wscale();
    }

    boolean sackPermitted()
    {
        return header.sackPermitted();
    }

    boolean hasTimestamps()
    {
        return header.hasTimestamps();
    }

    int tsVal()
    {
        return header.tsVal();
    }

    int tsEcr()
    {
        return header.tsEcr();
    }
}
