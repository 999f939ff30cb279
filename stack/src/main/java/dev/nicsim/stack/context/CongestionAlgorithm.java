package dev.nicsim.stack.context;

/** The TCP congestion control each connection runs: Linux's {@code net.ipv4.tcp_congestion_control}. */
public enum CongestionAlgorithm
{
    /** RFC 9438 CUBIC, Linux's default since 2.6.19. */
    CUBIC,
    /** RFC 5681 slow start and congestion avoidance with RFC 6582 fast recovery. */
    NEWRENO
}
