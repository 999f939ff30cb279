package dev.nicsim.stack.context;

/**
 * What a "soft" ICMP error (network or host unreachable) does to a connection attempt. RFC 9293 §3.9.2.2 (MUST-56)
 * says soft errors must not abort a connection; RFC 5461 §4 documents that Linux and BSD abort during establishment
 * anyway.
 */
public enum IcmpErrorPolicy
{
    /** Linux's {@code tcp_v4_err}: any ICMP error in SYN_SENT or SYN_RECV aborts the attempt with its errno. */
    LINUX_ABORT_WHILE_CONNECTING,
    /** RFC 9293 MUST-56: soft errors are only recorded (SO_ERROR's soft slot, and ETIMEDOUT's replacement). */
    RFC9293_SOFT
}
