package dev.nicsim.stack.posix;

/**
 * What an event-driven program runs when a watched socket becomes ready (see {@link Posix#watch}). It runs inside a
 * simulation event on the socket's host, after the host's wake-up cost, so it may make any non-blocking Posix call
 * (accept, send, recv, close, connect on a non-blocking socket, and {@code watch} again) but no blocking one.
 *
 * <p>The program creates its handler once and arms it as often as it likes: delivering a watch allocates nothing.
 */
@FunctionalInterface
public interface ReadinessHandler
{
    /**
     * {@code fd} is ready. {@code revents} holds the poll(2) bits set now among those watched, plus POLLERR and
     * POLLHUP, which always count. The watch is already disarmed: arm it again to hear about the next readiness.
     */
    void ready(int fd, int revents);
}
