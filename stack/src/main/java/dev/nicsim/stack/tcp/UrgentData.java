package dev.nicsim.stack.tcp;

import dev.nicsim.stack.wire.TcpSegment;

import java.lang.foreign.ValueLayout;

/**
 * TCP urgent data (send and recv with MSG_OOB) as Linux keeps it. The urgent pointer points one past the urgent byte,
 * the BSD reading Linux uses unless {@code net.ipv4.tcp_stdurg} is set (RFC 6093 §2), so the last byte of each
 * urgent send is the urgent one.
 *
 * <p>Send side ({@code tp->snd_up}): a send with MSG_OOB marks the end of the data queued so far
 * ({@code tcp_mark_urg}). Until the peer has acknowledged up to the mark, every segment that starts before it carries
 * URG and the distance to it ({@code __tcp_transmit_skb}), pure ACKs and window probes too, so the peer learns of
 * the mark even while the data waits for the window.
 *
 * <p>Receive side ({@code tp->urg_data}, {@code tp->urg_seq}): a URG flag pointing past what was read sets the mark
 * ({@code tcp_check_urg}); the byte is taken when the segment holding it arrives ({@code tcp_urg}). A read stops at
 * the mark and, without SO_OOBINLINE, steps over the urgent byte; recv(MSG_OOB) returns the byte once
 * ({@code tcp_recv_urg}). The byte stays in the receive ring, so the window counts it as Linux's does.
 */
public final class UrgentData
{
    /** No urgent data ({@code urg_data} 0). */
    private static final int NONE = 0;
    /** The mark is known but its byte has not arrived ({@code TCP_URG_NOTYET}). */
    private static final int NOT_YET = 1;
    /** The byte is held for recv(MSG_OOB) ({@code TCP_URG_VALID}). */
    private static final int VALID = 2;
    /** recv(MSG_OOB) took the byte ({@code TCP_URG_READ}); the mark stays until the reader passes it. */
    private static final int READ = 3;
    /** The largest urgent pointer field: a mark further ahead is announced as this ({@code __tcp_transmit_skb}). */
    private static final int MAX_POINTER = 0xFFFF;

    /* Send side: whether a mark is outstanding (Linux's tcp_urg_mode, snd_up != snd_una), and where it is. */
    private boolean sending;
    private int sendMark;

    /* Receive side. */
    private int state = NONE;
    private int mark;
    private byte value;

    /** A send with MSG_OOB queued data up to {@code writeSeq} ({@code tcp_mark_urg}). */
    void markSend(final int writeSeq)
    {
        sending = true;
        sendMark = writeSeq;
    }

    /** SND.UNA advanced to {@code sndUna}: once it reaches the mark, segments carry URG no more. */
    void acknowledged(final int sndUna)
    {
        if (sending && !Tcb.before(sndUna, sendMark))
        {
            sending = false;
        }
    }

    /** Whether a mark is outstanding: a TSO segment's copies would all carry its first frame's pointer. */
    boolean sending()
    {
        return sending;
    }

    /** Whether the mark lies 1 to 65,535 bytes past {@code sndUna}: a window probe then goes twice. */
    boolean markWithinProbe(final int sndUna)
    {
        return sending && Integer.compareUnsigned(sendMark - sndUna - 1, MAX_POINTER - 1) <= 0;
    }

    /**
     * The urgent pointer of a segment starting at {@code seq}, or -1 for none: the distance to the mark, or the
     * largest field when the mark lies further and data up to there is not all sent yet.
     */
    int pointer(final int seq, final int sndNxt)
    {
        if (!sending || !Tcb.before(seq, sendMark))
        {
            return -1;
        }
        if (Tcb.before(sendMark, seq + MAX_POINTER + 1))
        {
            return sendMark - seq;
        }
        return Tcb.after(seq + MAX_POINTER, sndNxt) ? MAX_POINTER : -1;
    }

    /**
     * Step six of segment arrival ({@code tcp_urg}): a URG flag may set a new mark; then, while the mark waits for its
     * byte, the byte is taken if this segment holds it (readers learn of it as of any segment: readinessChanged).
     */
    void arrived(final TcpSocket socket, final InboundSegment seg)
    {
        if (seg.has(TcpSegment.URG))
        {
            newPointer(socket, seg.header.urgentPointer(), seg.seq);
        }
        if (state != NOT_YET)
        {
            return;
        }
        // Linux counts from the start of the TCP header (skb->data), unsigned, and so does this.
        final int headerLength = seg.header.headerLength();
        final int at = mark - seg.seq + headerLength;
        if (Integer.compareUnsigned(at, headerLength + seg.length) >= 0)
        {
            return;
        }
        value = seg.memory.get(ValueLayout.JAVA_BYTE, seg.payload - headerLength + at);
        state = VALID;
    }

    /** {@code tcp_check_urg}. */
    private void newPointer(final TcpSocket socket, final int field, final int seq)
    {
        final Tcb tcb = socket.tcb;
        final int pointer = seq + (field == 0 ? 0 : field - 1);
        final int copied = copiedSeq(socket);
        if (Tcb.after(copied, pointer) || Tcb.before(pointer, tcb.rcvNxt))
        {
            // Urgent data already read, or already received: a pointer is not replayed.
            return;
        }
        if (state != NONE && !Tcb.after(pointer, mark))
        {
            return;
        }
        if (mark == copied && state != NONE && !socket.oobInline && !socket.receiveBuffer.isEmpty())
        {
            // The reader stands at the old urgent byte: it is stepped over now, for the new mark replaces the old
            // (Linux tests copied_seq != rcv_nxt, which a received FIN would pass with nothing left to step over).
            socket.receiveBuffer.consume(1);
        }
        state = NOT_YET;
        mark = pointer;
    }

    /** Linux's {@code copied_seq}: the sequence number of the next byte to read (a received FIN is not read). */
    private static int copiedSeq(final TcpSocket socket)
    {
        return socket.tcb.rcvNxt - socket.receiveBuffer.size() - (socket.done ? 1 : 0);
    }

    /**
     * Where the mark is for a read from the head of the receive ring: the bytes before the urgent byte, or -1 when
     * there is no mark ahead.
     */
    public int markOffset(final TcpSocket socket)
    {
        if (state == NONE)
        {
            return -1;
        }
        final int offset = mark - copiedSeq(socket);
        return offset < 0 ? -1 : offset;
    }

    /** Whether the reader stands right before the urgent byte ({@code SIOCATMARK}). */
    public boolean atMark(final TcpSocket socket)
    {
        return state != NONE && mark == copiedSeq(socket);
    }

    /** The reader consumed bytes: once past the mark, there is no urgent data any more. */
    public void read(final TcpSocket socket)
    {
        if (state != NONE && Tcb.after(copiedSeq(socket), mark))
        {
            state = NONE;
        }
    }

    /** Whether the urgent byte waits for recv(MSG_OOB) (POLLPRI). */
    public boolean held()
    {
        return state == VALID;
    }

    /** Whether recv(MSG_OOB) finds no urgent data at all ({@code tcp_recv_urg}'s EINVAL). */
    public boolean noneToRead()
    {
        return state == NONE || state == READ;
    }

    /** The urgent byte, for recv(MSG_OOB); taken for good unless {@code peek}. */
    public byte take(final boolean peek)
    {
        if (!peek)
        {
            state = READ;
        }
        return value;
    }

    /** FIONREAD ({@code tcp_inq}): with a mark ahead and not in line, only the bytes before it. */
    public int readable(final TcpSocket socket)
    {
        final int offset = markOffset(socket);
        final int size = socket.receiveBuffer.size();
        return socket.oobInline || offset < 0 || offset >= size ? size : offset;
    }

    /** 1 when the next byte to read is the urgent one and a read steps over it (not SO_OOBINLINE), else 0. */
    public int hole(final TcpSocket socket)
    {
        return !socket.oobInline && atMark(socket) ? 1 : 0;
    }

    /** For a socket taken afresh from the pool. */
    void reset()
    {
        sending = false;
        sendMark = 0;
        state = NONE;
        mark = 0;
        value = 0;
    }
}
