package dev.nicsim.hw.pcie;

/** Host software that services one interrupt vector. Runs inside an event, after the host's interrupt latency. */
@FunctionalInterface
public interface InterruptHandler
{
    void handleInterrupt();
}
