/* What both kernel-differential runners name the same way: errno values and socket options. */
#ifndef RUNNER_COMMON_H
#define RUNNER_COMMON_H

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* errno values by name, as the runners print them (0 as "0"). */
static const struct {
    int value;
    const char *name;
} errnos[] = {
    {EBADF, "EBADF"}, {EFAULT, "EFAULT"}, {EINVAL, "EINVAL"}, {ENOTSOCK, "ENOTSOCK"},
    {EAFNOSUPPORT, "EAFNOSUPPORT"}, {EISCONN, "EISCONN"}, {EALREADY, "EALREADY"}, {EINPROGRESS, "EINPROGRESS"},
    {ECONNREFUSED, "ECONNREFUSED"}, {ECONNABORTED, "ECONNABORTED"}, {ECONNRESET, "ECONNRESET"},
    {ETIMEDOUT, "ETIMEDOUT"}, {EADDRNOTAVAIL, "EADDRNOTAVAIL"}, {EADDRINUSE, "EADDRINUSE"}, {EACCES, "EACCES"},
    {ENETUNREACH, "ENETUNREACH"}, {EHOSTUNREACH, "EHOSTUNREACH"}, {EAGAIN, "EAGAIN"}, {ENOTCONN, "ENOTCONN"},
    {EPIPE, "EPIPE"}, {EOPNOTSUPP, "EOPNOTSUPP"}, {EDESTADDRREQ, "EDESTADDRREQ"}, {EMSGSIZE, "EMSGSIZE"},
    {ENOPROTOOPT, "ENOPROTOOPT"}, {EPROTONOSUPPORT, "EPROTONOSUPPORT"}, {EDOM, "EDOM"}, {EPERM, "EPERM"},
    {ENOBUFS, "ENOBUFS"}, {EPROTOTYPE, "EPROTOTYPE"}, {ENOENT, "ENOENT"}, {ENOTTY, "ENOTTY"},
};

static const char *errno_name(int e)
{
    if (e == 0)
        return "0";
    for (unsigned i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
        if (errnos[i].value == e)
            return errnos[i].name;
    static char unknown[32];
    snprintf(unknown, sizeof unknown, "errno %d", e);
    return unknown;
}

/* The option named `name`, with its level in *level; exits 2 on a name the table does not have. */
static int option(const char *name, int *level)
{
    static const struct {
        const char *name;
        int level;
        int option;
    } options[] = {
        {"SO_ERROR", SOL_SOCKET, SO_ERROR}, {"SO_TYPE", SOL_SOCKET, SO_TYPE},
        {"SO_REUSEADDR", SOL_SOCKET, SO_REUSEADDR}, {"SO_BROADCAST", SOL_SOCKET, SO_BROADCAST},
        {"SO_SNDBUF", SOL_SOCKET, SO_SNDBUF}, {"SO_RCVBUF", SOL_SOCKET, SO_RCVBUF},
        {"SO_RCVTIMEO", SOL_SOCKET, SO_RCVTIMEO}, {"SO_SNDTIMEO", SOL_SOCKET, SO_SNDTIMEO},
        {"SO_LINGER", SOL_SOCKET, SO_LINGER},
        {"SO_KEEPALIVE", SOL_SOCKET, SO_KEEPALIVE}, {"TCP_NODELAY", IPPROTO_TCP, TCP_NODELAY},
        {"TCP_MAXSEG", IPPROTO_TCP, TCP_MAXSEG}, {"TCP_INFO", IPPROTO_TCP, TCP_INFO},
        {"TCP_KEEPIDLE", IPPROTO_TCP, TCP_KEEPIDLE}, {"TCP_KEEPINTVL", IPPROTO_TCP, TCP_KEEPINTVL},
        {"TCP_KEEPCNT", IPPROTO_TCP, TCP_KEEPCNT}, {"TCP_SYNCNT", IPPROTO_TCP, TCP_SYNCNT},
        {"TCP_USER_TIMEOUT", IPPROTO_TCP, TCP_USER_TIMEOUT}, {"TCP_QUICKACK", IPPROTO_TCP, TCP_QUICKACK},
        {"TCP_CORK", IPPROTO_TCP, TCP_CORK}, {"TCP_LINGER2", IPPROTO_TCP, TCP_LINGER2},
        {"TCP_CONGESTION", IPPROTO_TCP, TCP_CONGESTION},
        {"TCP_DEFER_ACCEPT", IPPROTO_TCP, TCP_DEFER_ACCEPT}, {"TCP_NOTSENT_LOWAT", IPPROTO_TCP, TCP_NOTSENT_LOWAT},
        {"SO_PRIORITY", SOL_SOCKET, SO_PRIORITY}, {"SO_RCVLOWAT", SOL_SOCKET, SO_RCVLOWAT},
        {"SO_SNDLOWAT", SOL_SOCKET, SO_SNDLOWAT}, {"SO_OOBINLINE", SOL_SOCKET, SO_OOBINLINE},
        {"SO_DONTROUTE", SOL_SOCKET, SO_DONTROUTE}, {"SO_REUSEPORT", SOL_SOCKET, SO_REUSEPORT},
        {"UDP_CORK", IPPROTO_UDP, UDP_CORK},
        {"SO_ACCEPTCONN", SOL_SOCKET, SO_ACCEPTCONN},
        {"SO_PROTOCOL", SOL_SOCKET, SO_PROTOCOL}, {"SO_DOMAIN", SOL_SOCKET, SO_DOMAIN},
        {"IP_TOS", IPPROTO_IP, IP_TOS}, {"IP_TTL", IPPROTO_IP, IP_TTL},
    };
    for (unsigned i = 0; i < sizeof options / sizeof options[0]; i++) {
        if (strcmp(options[i].name, name) == 0) {
            *level = options[i].level;
            return options[i].option;
        }
    }
    fprintf(stderr, "unknown socket option %s\n", name);
    exit(2);
}

#endif
