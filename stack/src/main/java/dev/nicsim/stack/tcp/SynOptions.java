package dev.nicsim.stack.tcp;

/**
 * What a connection's SYN exchange settled, as Linux keeps it in {@code tcp_options_received} (with
 * {@code ts_off}): the MSS both ways, the options both sides agreed to, this side's timestamp offset and the peer's
 * last timestamp; and the listener's TCP_MAXSEG and TCP_NODELAY, which its connections inherit. A
 * {@link RequestSock} holds one until its socket is made; a {@link Tcb} is one (it extends this class, so the fields
 * its every segment reads stay in the block itself), and takes a request's with {@link #copyOptions}.
 */
public class SynOptions
{
    /** TCP_MAXSEG, or 0. */
    public int userMss;
    /** TCP_NODELAY: like TCP_MAXSEG, a listener's setting its connections inherit. */
    public boolean noDelay;
    /** MSS the peer announced (536 when it announced none). */
    public int peerMss;
    /** MSS this side announced. */
    public int advertisedMss;
    public boolean wscaleOk;
    /** The peer's window-scale shift (RFC 7323 Snd.Wind.Shift), 0 without window scaling. */
    public int sndWscale;
    public boolean timestampsOk;
    public boolean sackOk;
    /** This side's timestamp clock offset (RFC 7323 §5.4). */
    public int tsOffset;
    /** The peer's last timestamp (TS.Recent) and when it was taken. */
    public int tsRecent;
    public long tsRecentStamp;

    /**
     * Keeps, of what the SYN or SYN-ACK {@code seg} offers, the options this side allows ({@code wscale},
     * {@code timestamps}, {@code sack}); a timestamp it carries becomes TS.Recent, taken at {@code now}.
     */
    void agreeTo(final InboundSegment seg, final boolean wscale, final boolean timestamps, final boolean sack,
        final long now)
    {
        peerMss = seg.mss() > 0 ? seg.mss() : TcpLayer.DEFAULT_PEER_MSS;
        wscaleOk = seg.wscale() >= 0 && wscale;
        sndWscale = wscaleOk ? seg.wscale() : 0;
        timestampsOk = seg.hasTimestamps() && timestamps;
        if (timestampsOk)
        {
            tsRecent = seg.tsVal();
            tsRecentStamp = now;
        }
        sackOk = seg.sackPermitted() && sack;
    }

    /** Takes every field of {@code settled}: a request's, for the socket it becomes. */
    void copyOptions(final SynOptions settled)
    {
        userMss = settled.userMss;
        noDelay = settled.noDelay;
        peerMss = settled.peerMss;
        advertisedMss = settled.advertisedMss;
        wscaleOk = settled.wscaleOk;
        sndWscale = settled.sndWscale;
        timestampsOk = settled.timestampsOk;
        sackOk = settled.sackOk;
        tsOffset = settled.tsOffset;
        tsRecent = settled.tsRecent;
        tsRecentStamp = settled.tsRecentStamp;
    }

    /** Back to nothing settled. */
    void clearOptions()
    {
        userMss = 0;
        noDelay = false;
        peerMss = 0;
        advertisedMss = 0;
        wscaleOk = false;
        sndWscale = 0;
        timestampsOk = false;
        sackOk = false;
        tsOffset = 0;
        tsRecent = 0;
        tsRecentStamp = 0;
    }
}
