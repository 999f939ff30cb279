package dev.nicsim.stack.context;

/**
 * Whether {@code connect()} may take over a 4-tuple still in TIME_WAIT: Linux's {@code net.ipv4.tcp_tw_reuse}. A
 * takeover also needs timestamps on the old connection and its last timestamp more than 1 s old
 * ({@code tcp_twsk_unique}); the new ISN is then the old SND.NXT + 65537.
 */
public enum TimeWaitReuse
{
    /** 0: never; connect gets EADDRNOTAVAIL. */
    NEVER,
    /** 2 (Linux's default): only for loopback traffic. */
    LOOPBACK_ONLY,
    /** 1: always, when the timestamp conditions hold. */
    ALWAYS
}
