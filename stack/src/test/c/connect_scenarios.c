/*
 * The connect() scenarios of KernelConformanceTest, run against the real Linux kernel.
 *
 * Two network namespaces joined by a veth pair play nicsim's two hosts: A is 10.0.0.1/24, B is 10.0.0.2/24. The
 * program starts in A and switches to B (setns) to make B's sockets: a socket stays in the namespace it was made
 * in, so one process drives both hosts, as the Java side drives two stacks.
 *
 * Every step prints one line, "<scenario> <step> = <result>", with errno and poll bits by name. The Java side
 * prints the same lines from nicsim and compares them scenario by scenario. Where the kernel's timing decides the
 * answer (a second non-blocking connect may come before or after the handshake completes on a fast link), the line
 * says both answers are possible instead of which one came.
 *
 * usage: connect_scenarios <path of A's netns> <path of B's netns>
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int ns_a;
static int ns_b;

static const char *errno_name(int e)
{
    switch (e) {
    case 0: return "0";
    case EBADF: return "EBADF";
    case EFAULT: return "EFAULT";
    case EINVAL: return "EINVAL";
    case ENOTSOCK: return "ENOTSOCK";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EISCONN: return "EISCONN";
    case EALREADY: return "EALREADY";
    case EINPROGRESS: return "EINPROGRESS";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ECONNABORTED: return "ECONNABORTED";
    case ECONNRESET: return "ECONNRESET";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case EADDRINUSE: return "EADDRINUSE";
    case EACCES: return "EACCES";
    case ENETUNREACH: return "ENETUNREACH";
    case EHOSTUNREACH: return "EHOSTUNREACH";
    case EAGAIN: return "EAGAIN";
    default: return "errno?";
    }
}

/* Poll bits in nicsim's order (SocketConstants.pollBits). */
static void poll_bits(short bits, char *text)
{
    static const short values[] = {POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP, POLLNVAL, POLLRDNORM, POLLRDBAND,
                                   POLLWRNORM, POLLWRBAND, POLLRDHUP};
    static const char *names[] = {"POLLIN", "POLLPRI", "POLLOUT", "POLLERR", "POLLHUP", "POLLNVAL", "POLLRDNORM",
                                  "POLLRDBAND", "POLLWRNORM", "POLLWRBAND", "POLLRDHUP"};
    text[0] = 0;
    for (unsigned i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        if (bits & values[i]) {
            if (text[0])
                strcat(text, "|");
            strcat(text, names[i]);
        }
    }
    if (!text[0])
        strcpy(text, "0");
}

/* Prints "<scenario> <step> = <result>" for a call returning -1/errno or a value. */
static void report(const char *scenario, const char *step, int result)
{
    if (result < 0)
        printf("%s %s = -1 %s\n", scenario, step, errno_name(errno));
    else
        printf("%s %s = %d\n", scenario, step, result);
}

static void enter(int ns)
{
    if (setns(ns, CLONE_NEWNET) != 0) {
        perror("setns");
        exit(2);
    }
}

static struct sockaddr_in address(const char *ip, int port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, ip, &a.sin_addr);
    return a;
}

static int tcp_socket(int ns)
{
    enter(ns);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    enter(ns_a);
    return fd;
}

static int listen_on_b(int port)
{
    int fd = tcp_socket(ns_b);
    struct sockaddr_in at = address("0.0.0.0", port);
    if (bind(fd, (struct sockaddr *) &at, sizeof at) != 0 || listen(fd, 16) != 0) {
        perror("listen on B");
        exit(2);
    }
    return fd;
}

static int so_error(int fd)
{
    int value = -1;
    socklen_t length = sizeof value;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &length);
    return value;
}

static void report_so_error(const char *scenario, int fd)
{
    printf("%s SO_ERROR = %s\n", scenario, errno_name(so_error(fd)));
}

static void report_poll(const char *scenario, int fd, short events)
{
    struct pollfd p = {.fd = fd, .events = events};
    char text[200];
    int ready = poll(&p, 1, 3000);
    poll_bits(ready == 1 ? p.revents : 0, text);
    printf("%s poll = %s\n", scenario, text);
}

static void set_int(int fd, int level, int option, int value)
{
    setsockopt(fd, level, option, &value, sizeof value);
}

static void closed_port(void)
{
    const char *s = "closed-port";
    struct sockaddr_in to = address("10.0.0.2", 81);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    report(s, "connect", connect(fd, (struct sockaddr *) &to, sizeof to));
    report_poll(s, fd, POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM | POLLRDHUP);
    report_so_error(s, fd);
    report_so_error(s, fd);
    report(s, "connect-again", connect(fd, (struct sockaddr *) &to, sizeof to));
    close(fd);

    int blocking = socket(AF_INET, SOCK_STREAM, 0);
    report(s, "blocking-connect", connect(blocking, (struct sockaddr *) &to, sizeof to));
    close(blocking);
}

static void repeated_connect(void)
{
    const char *s = "repeated-connect";
    int listener = listen_on_b(82);
    struct sockaddr_in to = address("10.0.0.2", 82);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    report(s, "connect", connect(fd, (struct sockaddr *) &to, sizeof to));
    /* Racy on a real link: the handshake may or may not be done already. */
    int second = connect(fd, (struct sockaddr *) &to, sizeof to);
    int done = second == 0;
    printf("%s connect-at-once = %s\n", s, second == 0 || errno == EALREADY ? "0 or -1 EALREADY" : errno_name(errno));
    report_poll(s, fd, POLLOUT);
    report_so_error(s, fd);
    if (!done)
        report(s, "connect-when-writable", connect(fd, (struct sockaddr *) &to, sizeof to));
    else
        printf("%s connect-when-writable = 0\n", s);
    report(s, "connect-after", connect(fd, (struct sockaddr *) &to, sizeof to));
    close(fd);
    close(listener);
}

static void listening_socket(void)
{
    const char *s = "listening-socket";
    int listener = listen_on_b(83);
    struct sockaddr_in to = address("10.0.0.1", 83);
    report(s, "connect", connect(listener, (struct sockaddr *) &to, sizeof to));
    close(listener);
}

static void duplicate_tuple(void)
{
    const char *s = "duplicate-4-tuple";
    int listener = listen_on_b(84);
    struct sockaddr_in local = address("10.0.0.1", 5000);
    struct sockaddr_in to = address("10.0.0.2", 84);
    int first = socket(AF_INET, SOCK_STREAM, 0);
    int second = socket(AF_INET, SOCK_STREAM, 0);
    set_int(first, SOL_SOCKET, SO_REUSEADDR, 1);
    set_int(second, SOL_SOCKET, SO_REUSEADDR, 1);
    report(s, "bind-first", bind(first, (struct sockaddr *) &local, sizeof local));
    report(s, "bind-second", bind(second, (struct sockaddr *) &local, sizeof local));
    report(s, "connect-first", connect(first, (struct sockaddr *) &to, sizeof to));
    report(s, "connect-second", connect(second, (struct sockaddr *) &to, sizeof to));
    close(first);
    close(second);
    close(listener);
}

static void bind_conflict(void)
{
    const char *s = "bind-conflict";
    int listener = listen_on_b(85);
    int fd = tcp_socket(ns_b);
    struct sockaddr_in any = address("0.0.0.0", 85);
    struct sockaddr_in b = address("10.0.0.2", 85);
    report(s, "bind", bind(fd, (struct sockaddr *) &any, sizeof any));
    set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1);
    report(s, "bind-reuseaddr", bind(fd, (struct sockaddr *) &b, sizeof b));
    close(listener);
    report(s, "bind-after-close", bind(fd, (struct sockaddr *) &b, sizeof b));
    close(fd);
}

static void broadcast(void)
{
    const char *s = "broadcast";
    struct sockaddr_in to = address("10.0.0.255", 7000);
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    report(s, "udp-connect", connect(udp, (struct sockaddr *) &to, sizeof to));
    set_int(udp, SOL_SOCKET, SO_BROADCAST, 1);
    report(s, "udp-connect-so-broadcast", connect(udp, (struct sockaddr *) &to, sizeof to));
    int tcp = socket(AF_INET, SOCK_STREAM, 0);
    report(s, "tcp-connect", connect(tcp, (struct sockaddr *) &to, sizeof to));
    close(udp);
    close(tcp);
}

static void udp_refused(void)
{
    const char *s = "udp-refused";
    struct sockaddr_in to = address("10.0.0.2", 9999);
    char data[10] = {0};
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    report(s, "connect", connect(fd, (struct sockaddr *) &to, sizeof to));
    report(s, "send", (int) send(fd, data, sizeof data, 0));
    report_poll(s, fd, 0);
    report(s, "send", (int) send(fd, data, sizeof data, 0));
    report(s, "send", (int) send(fd, data, sizeof data, 0));
    close(fd);
}

static void arguments(void)
{
    const char *s = "arguments";
    struct sockaddr_in to = address("10.0.0.2", 86);
    struct sockaddr_in6 inet6;
    int pipes[2];
    if (pipe(pipes) != 0) {
        perror("pipe");
        exit(2);
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    close(fd);
    report(s, "closed-fd", connect(fd, (struct sockaddr *) &to, sizeof to));
    report(s, "null-on-pipe", connect(pipes[0], NULL, sizeof to));
    report(s, "bad-pointer-on-pipe", connect(pipes[0], (struct sockaddr *) 8, sizeof to));
    report(s, "too-long-on-pipe", connect(pipes[0], (struct sockaddr *) &to, 129));
    report(s, "pipe", connect(pipes[0], (struct sockaddr *) &to, sizeof to));
    fd = socket(AF_INET, SOCK_STREAM, 0);
    report(s, "length-negative", connect(fd, (struct sockaddr *) &to, -1));
    report(s, "length-0", connect(fd, (struct sockaddr *) &to, 0));
    report(s, "length-1", connect(fd, (struct sockaddr *) &to, 1));
    report(s, "length-15", connect(fd, (struct sockaddr *) &to, 15));
    memset(&inet6, 0, sizeof inet6);
    inet6.sin6_family = AF_INET6;
    report(s, "af-inet6", connect(fd, (struct sockaddr *) &inet6, sizeof to));
    close(fd);
    close(pipes[0]);
    close(pipes[1]);
}

/* Last: it shrinks A's ephemeral range to two ports for good. */
static void ephemeral_exhaustion(void)
{
    const char *s = "ephemeral-exhaustion";
    FILE *range = fopen("/proc/sys/net/ipv4/ip_local_port_range", "w");
    if (range == NULL || fprintf(range, "40000 40001\n") < 0 || fclose(range) != 0) {
        perror("ip_local_port_range");
        exit(2);
    }
    int listener = listen_on_b(87);
    struct sockaddr_in to = address("10.0.0.2", 87);
    for (int i = 0; i < 3; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        report(s, "connect", connect(fd, (struct sockaddr *) &to, sizeof to));
    }
    close(listener);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s <netns of A> <netns of B>\n", argv[0]);
        return 2;
    }
    ns_a = open(argv[1], O_RDONLY);
    ns_b = open(argv[2], O_RDONLY);
    if (ns_a < 0 || ns_b < 0) {
        perror("open netns");
        return 2;
    }
    enter(ns_a);
    setvbuf(stdout, NULL, _IOLBF, 0);
    closed_port();
    repeated_connect();
    listening_socket();
    duplicate_tuple();
    bind_conflict();
    broadcast();
    udp_refused();
    arguments();
    ephemeral_exhaustion();
    return 0;
}
