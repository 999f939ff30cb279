/*
 * The kernel side of KernelApiDifferentialTest: runs an expanded socket-API script (ApiScript, generated from
 * src/test/resources/kernel/api-scenarios.txt) against the real Linux kernel and prints one line per step. The Java
 * side runs the same script on nicsim (NicsimApiRunner) and compares the lines scenario by scenario.
 *
 * Two network namespaces joined by a veth pair play the two hosts: A is 10.0.0.1/24, B is 10.0.0.2/24. The program
 * starts in A and switches to B (setns) to make B's sockets: a socket stays in the namespace it was made in.
 *
 * Script lines (one step each; addresses are ip:port):
 *   scenario NAME                         closes every socket of the scenario before
 *   route default|none                    A's default route via 10.0.0.2 (ip route replace/del); not printed
 *   socket VAR a|b tcp|udp [nonblock]     prints "fd" or the errno
 *   bind|connect|sendto ... ADDRESS       listen VAR N    accept VAR NEW [nonblock]  (accept4)
 *   send VAR N [dontwait]                 recv|recvfrom VAR N [dontwait|peek]
 *   recvtext VAR N [FLAGS]                recv that also prints the bytes read, quoted
 *   poll VAR EVENTS TIMEOUT_MS            shutdown VAR rd|wr|rdwr    close VAR
 *   getsockopt VAR OPTION                 setsockopt VAR OPTION VALUE (SO_RCVTIMEO/SO_SNDTIMEO in ms)
 *   getsockname|getpeername VAR           fcntl VAR getfl | fcntl VAR setfl nonblock|block
 *   settle MS                             lets the network run (sleeps)
 * What a scenario sends runs through the alphabet, each send going on where the last one stopped, so that a read shows
 * which bytes it got. Every step prints "<scenario> <step number> <the step's text> = <result>".
 * An ephemeral port (32768 and above) prints as "eph", a descriptor as "fd": both are the kernel's choice, not
 * behaviour.
 *
 * usage: api_runner <netns of A> <netns of B> <script>
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "runner_common.h"

/* The bytes of a congestion control name, NUL included (include/net/tcp.h; not in the uapi headers). */
#define TCP_CA_NAME_MAX 16

#define MAX_VARS 16
#define MAX_TOKENS 8

static int ns_a;
static int ns_b;
static char scenario[200];
static int step;
static struct {
    char name[32];
    int fd;
} vars[MAX_VARS];
static int var_count;
/* Bytes the scenario has sent: where the next send goes on in the alphabet. */
static unsigned sent_so_far;

/* The next n bytes of the scenario's alphabet, and n counted as sent once the call says how many went. */
static const char *next_bytes(int n)
{
    static char out[65536];
    for (int i = 0; i < n && i < (int) sizeof out; i++)
        out[i] = (char) ('a' + (sent_so_far + (unsigned) i) % 26);
    return out;
}

static const struct {
    short value;
    const char *name;
} polls[] = {
    {POLLIN, "POLLIN"}, {POLLPRI, "POLLPRI"}, {POLLOUT, "POLLOUT"}, {POLLERR, "POLLERR"}, {POLLHUP, "POLLHUP"},
    {POLLNVAL, "POLLNVAL"}, {POLLRDNORM, "POLLRDNORM"}, {POLLRDBAND, "POLLRDBAND"}, {POLLWRNORM, "POLLWRNORM"},
    {POLLWRBAND, "POLLWRBAND"}, {POLLRDHUP, "POLLRDHUP"},
};

/* "IN|OUT|RDHUP" to bits; the names without their POLL prefix. */
static short poll_events(const char *text)
{
    short bits = 0;
    char copy[200];
    snprintf(copy, sizeof copy, "%s", text);
    for (char *save, *name = strtok_r(copy, "|", &save); name; name = strtok_r(NULL, "|", &save))
        for (unsigned i = 0; i < sizeof polls / sizeof polls[0]; i++)
            if (strcmp(polls[i].name + 4, name) == 0)
                bits |= polls[i].value;
    return bits;
}

/* "dontwait|peek" to send/recv flags: dontwait, peek, oob, trunc, waitall. */
static int msg_flags(const char *text)
{
    static const struct {
        int value;
        const char *name;
    } names[] = {{MSG_DONTWAIT, "dontwait"}, {MSG_PEEK, "peek"}, {MSG_OOB, "oob"}, {MSG_TRUNC, "trunc"},
                 {MSG_WAITALL, "waitall"}, {MSG_DONTROUTE, "dontroute"}, {MSG_MORE, "more"}};
    int flags = 0;
    char copy[200];
    snprintf(copy, sizeof copy, "%s", text);
    for (char *save, *name = strtok_r(copy, "|", &save); name; name = strtok_r(NULL, "|", &save))
        for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
            if (strcmp(names[i].name, name) == 0)
                flags |= names[i].value;
    return flags;
}

/* Poll bits in nicsim's order (SocketConstants.pollBits). */
static void poll_bits(short bits, char *text)
{
    text[0] = 0;
    for (unsigned i = 0; i < sizeof polls / sizeof polls[0]; i++) {
        if (bits & polls[i].value) {
            if (text[0])
                strcat(text, "|");
            strcat(text, polls[i].name);
        }
    }
    if (!text[0])
        strcpy(text, "0");
}

static void enter(int ns)
{
    if (setns(ns, CLONE_NEWNET) != 0) {
        perror("setns");
        exit(2);
    }
}

static struct sockaddr_in parse_address(const char *text)
{
    struct sockaddr_in a;
    char ip[64];
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    const char *colon = strrchr(text, ':');
    if (colon == NULL || (size_t) (colon - text) >= sizeof ip) {
        fprintf(stderr, "bad address %s\n", text);
        exit(2);
    }
    memcpy(ip, text, colon - text);
    ip[colon - text] = 0;
    if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
        fprintf(stderr, "bad address %s\n", text);
        exit(2);
    }
    a.sin_port = htons(atoi(colon + 1));
    return a;
}

static void format_address(const struct sockaddr_in *a, char *text)
{
    char ip[32];
    inet_ntop(AF_INET, &a->sin_addr, ip, sizeof ip);
    int port = ntohs(a->sin_port);
    if (port >= 32768)
        sprintf(text, "%s:eph", ip);
    else
        sprintf(text, "%s:%d", ip, port);
}

static int var_fd(const char *name)
{
    for (int i = 0; i < var_count; i++)
        if (strcmp(vars[i].name, name) == 0)
            return vars[i].fd;
    fprintf(stderr, "%s: unknown socket %s\n", scenario, name);
    exit(2);
}

static void set_var(const char *name, int fd)
{
    for (int i = 0; i < var_count; i++) {
        if (strcmp(vars[i].name, name) == 0) {
            vars[i].fd = fd;
            return;
        }
    }
    if (var_count == MAX_VARS) {
        fprintf(stderr, "too many sockets\n");
        exit(2);
    }
    snprintf(vars[var_count].name, sizeof vars[var_count].name, "%s", name);
    vars[var_count++].fd = fd;
}

static void close_all(void)
{
    for (int i = 0; i < var_count; i++)
        if (vars[i].fd >= 0)
            close(vars[i].fd);
    var_count = 0;
}

static void sleep_ms(int ms)
{
    struct timespec t = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* Runs one step; writes its result (without the "= ") into out. */
static void run(char **t, int n, char *out)
{
    const char *op = t[0];
    int r = 0;
    char text[200];
    struct sockaddr_in a;
    socklen_t length = sizeof a;
    static char data[65536];

#define RESULT(value)                                                                                                \
    do {                                                                                                             \
        r = (value);                                                                                                 \
        if (r < 0)                                                                                                   \
            sprintf(out, "-1 %s", errno_name(errno));                                                                \
        else                                                                                                         \
            sprintf(out, "%d", r);                                                                                   \
    } while (0)

    if (strcmp(op, "settle") == 0) {
        sleep_ms(atoi(t[1]));
        strcpy(out, "0");
    } else if (strcmp(op, "socket") == 0) {
        int type = (strcmp(t[3], "tcp") == 0 ? SOCK_STREAM : SOCK_DGRAM) |
                   (n > 4 && strcmp(t[4], "nonblock") == 0 ? SOCK_NONBLOCK : 0);
        if (t[2][0] == 'b')
            enter(ns_b);
        int fd = socket(AF_INET, type, 0);
        int saved = errno;
        enter(ns_a);
        set_var(t[1], fd);
        errno = saved;
        if (fd < 0)
            sprintf(out, "-1 %s", errno_name(errno));
        else
            strcpy(out, "fd");
    } else if (strcmp(op, "bind") == 0) {
        a = parse_address(t[2]);
        RESULT(bind(var_fd(t[1]), (struct sockaddr *) &a, sizeof a));
    } else if (strcmp(op, "connect") == 0) {
        a = parse_address(t[2]);
        RESULT(connect(var_fd(t[1]), (struct sockaddr *) &a, sizeof a));
    } else if (strcmp(op, "listen") == 0) {
        RESULT(listen(var_fd(t[1]), atoi(t[2])));
    } else if (strcmp(op, "accept") == 0) {
        int fd = accept4(var_fd(t[1]), (struct sockaddr *) &a, &length,
                         n > 3 && strcmp(t[3], "nonblock") == 0 ? SOCK_NONBLOCK : 0);
        set_var(t[2], fd);
        if (fd < 0) {
            sprintf(out, "-1 %s", errno_name(errno));
        } else {
            format_address(&a, text);
            sprintf(out, "fd from %s", text);
        }
    } else if (strcmp(op, "send") == 0) {
        RESULT((int) send(var_fd(t[1]), next_bytes(atoi(t[2])), atoi(t[2]), n > 3 ? msg_flags(t[3]) : 0));
        sent_so_far += r > 0 ? (unsigned) r : 0;
    } else if (strcmp(op, "sendto") == 0) {
        a = parse_address(t[3]);
        RESULT((int) sendto(var_fd(t[1]), next_bytes(atoi(t[2])), atoi(t[2]), n > 4 ? msg_flags(t[4]) : 0,
                            (struct sockaddr *) &a, sizeof a));
        sent_so_far += r > 0 ? (unsigned) r : 0;
    } else if (strcmp(op, "recvtext") == 0) {
        int flags = n > 3 ? msg_flags(t[3]) : 0;
        int size = atoi(t[2]);
        RESULT((int) recv(var_fd(t[1]), data, size, flags));
        if (r >= 0)
            sprintf(out + strlen(out), " \"%.*s\"", (flags & MSG_TRUNC) ? 0 : r < size ? r : size, data);
    } else if (strcmp(op, "recv") == 0 || strcmp(op, "recvfrom") == 0) {
        int flags = n > 3 ? msg_flags(t[3]) : 0;
        memset(&a, 0, sizeof a);
        if (strcmp(op, "recv") == 0) {
            RESULT((int) recv(var_fd(t[1]), data, atoi(t[2]), flags));
        } else {
            RESULT((int) recvfrom(var_fd(t[1]), data, atoi(t[2]), flags, (struct sockaddr *) &a, &length));
            if (r >= 0) {
                if (length == 0 || a.sin_family == AF_UNSPEC) {
                    sprintf(out + strlen(out), " from none");
                } else {
                    format_address(&a, text);
                    sprintf(out + strlen(out), " from %s", text);
                }
            }
        }
    } else if (strcmp(op, "poll") == 0) {
        struct pollfd p = {.fd = var_fd(t[1]), .events = poll_events(t[2])};
        r = poll(&p, 1, atoi(t[3]));
        poll_bits(r == 1 ? p.revents : 0, text);
        sprintf(out, "%d %s", r, text);
    } else if (strcmp(op, "shutdown") == 0) {
        int how = strcmp(t[2], "rd") == 0 ? SHUT_RD : strcmp(t[2], "wr") == 0 ? SHUT_WR : SHUT_RDWR;
        RESULT(shutdown(var_fd(t[1]), how));
    } else if (strcmp(op, "close") == 0) {
        RESULT(close(var_fd(t[1])));
        set_var(t[1], -1);
    } else if (strcmp(op, "getsockopt") == 0) {
        int level;
        int name = option(t[2], &level);
        struct tcp_info info;
        int value = 0;
        int timeval = level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO);
        socklen_t size = name == TCP_INFO && level == IPPROTO_TCP ? sizeof info
                         : name == TCP_CONGESTION && level == IPPROTO_TCP ? TCP_CA_NAME_MAX
                         : name == SO_LINGER && level == SOL_SOCKET ? sizeof(struct linger)
                         : timeval ? sizeof(struct timeval) : sizeof value;
        memset(&info, 0, sizeof info);
        /* struct tcp_info, TCP_CONGESTION's name, struct linger or a timeval is read into info; an int into value. */
        int text = (level == IPPROTO_TCP && (name == TCP_INFO || name == TCP_CONGESTION)) ||
                   (level == SOL_SOCKET && name == SO_LINGER) || timeval;
        r = getsockopt(var_fd(t[1]), level, name, text ? (void *) &info : (void *) &value, &size);
        if (r < 0)
            sprintf(out, "-1 %s", errno_name(errno));
        else if (name == SO_ERROR && level == SOL_SOCKET)
            sprintf(out, "0 %s", errno_name(value));
        else if (name == TCP_CONGESTION && level == IPPROTO_TCP)
            sprintf(out, "0 %.*s", TCP_CA_NAME_MAX, (const char *) &info);
        else if (timeval)
            sprintf(out, "0 %ld %ld", (long) ((struct timeval *) &info)->tv_sec,
                    (long) ((struct timeval *) &info)->tv_usec);
        else if (name == SO_LINGER && level == SOL_SOCKET)
            sprintf(out, "0 %d %d", ((struct linger *) &info)->l_onoff, ((struct linger *) &info)->l_linger);
        else if (name == TCP_INFO && level == IPPROTO_TCP)
            /* What is behaviour, not timing: the state, retransmissions, the RTO in whole 100 ms, the windows. */
            sprintf(out, "0 state=%u retransmits=%u backoff=%u rto=%ux100ms snd_mss=%u snd_cwnd=%u snd_ssthresh=%u",
                    info.tcpi_state, info.tcpi_retransmits, info.tcpi_backoff, info.tcpi_rto / 100000,
                    info.tcpi_snd_mss, info.tcpi_snd_cwnd, info.tcpi_snd_ssthresh);
        else
            sprintf(out, "0 %d", value);
    } else if (strcmp(op, "setsockopt") == 0) {
        int level;
        int name = option(t[2], &level);
        if (level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO)) {
            struct timeval tv = {.tv_sec = atoi(t[3]) / 1000, .tv_usec = (atoi(t[3]) % 1000) * 1000};
            RESULT(setsockopt(var_fd(t[1]), level, name, &tv, sizeof tv));
        } else if (level == SOL_SOCKET && name == SO_LINGER) {
            struct linger l = {.l_onoff = atoi(t[3]), .l_linger = n > 4 ? atoi(t[4]) : 0};
            RESULT(setsockopt(var_fd(t[1]), level, name, &l, sizeof l));
        } else if (level == IPPROTO_TCP && name == TCP_CONGESTION) {
            RESULT(setsockopt(var_fd(t[1]), level, name, t[3], (socklen_t) strlen(t[3])));
        } else {
            int value = atoi(t[3]);
            RESULT(setsockopt(var_fd(t[1]), level, name, &value, sizeof value));
        }
    } else if (strcmp(op, "getsockname") == 0 || strcmp(op, "getpeername") == 0) {
        memset(&a, 0, sizeof a);
        r = (strcmp(op, "getsockname") == 0 ? getsockname : getpeername)(var_fd(t[1]), (struct sockaddr *) &a,
                                                                          &length);
        if (r < 0) {
            sprintf(out, "-1 %s", errno_name(errno));
        } else {
            format_address(&a, text);
            sprintf(out, "0 %s", text);
        }
    } else if (strcmp(op, "fcntl") == 0) {
        int fd = var_fd(t[1]);
        if (strcmp(t[2], "getfl") == 0) {
            r = fcntl(fd, F_GETFL);
            if (r < 0)
                sprintf(out, "-1 %s", errno_name(errno));
            else
                sprintf(out, "%s%s", (r & O_ACCMODE) == O_RDWR ? "O_RDWR" : "O_ACCMODE?",
                        r & O_NONBLOCK ? "|O_NONBLOCK" : "");
        } else {
            int flags = fcntl(fd, F_GETFL);
            flags = strcmp(t[3], "nonblock") == 0 ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
            RESULT(fcntl(fd, F_SETFL, flags < 0 ? 0 : flags));
        }
    } else if (strcmp(op, "ioctl") == 0) {
        /* ioctl s REQUEST [VALUE]: a named request (or a number), with an int argument (VALUE, else 0). */
        static const struct {
            const char *name;
            unsigned long request;
        } requests[] = {{"FIONREAD", FIONREAD}, {"SIOCOUTQ", SIOCOUTQ}, {"SIOCOUTQNSD", SIOCOUTQNSD},
                        {"SIOCATMARK", SIOCATMARK}, {"FIONBIO", FIONBIO}};
        unsigned long request = strtoul(t[2], NULL, 0);
        for (unsigned i = 0; i < sizeof requests / sizeof requests[0]; i++)
            if (strcmp(requests[i].name, t[2]) == 0)
                request = requests[i].request;
        int value = n > 3 ? atoi(t[3]) : 0;
        r = ioctl(var_fd(t[1]), request, &value);
        if (r < 0)
            sprintf(out, "-1 %s", errno_name(errno));
        else
            sprintf(out, "0 %d", value);
    } else {
        fprintf(stderr, "unknown step %s\n", op);
        exit(2);
    }
#undef RESULT
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s <netns of A> <netns of B> <script>\n", argv[0]);
        return 2;
    }
    ns_a = open(argv[1], O_RDONLY);
    ns_b = open(argv[2], O_RDONLY);
    FILE *script = fopen(argv[3], "r");
    if (ns_a < 0 || ns_b < 0 || script == NULL) {
        perror("open");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    enter(ns_a);
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    char line[400];
    while (fgets(line, sizeof line, script)) {
        line[strcspn(line, "\n")] = 0;
        if (line[0] == 0)
            continue;
        char copy[400];
        strcpy(copy, line);
        char *t[MAX_TOKENS];
        int n = 0;
        for (char *save, *token = strtok_r(copy, " ", &save); token && n < MAX_TOKENS;
             token = strtok_r(NULL, " ", &save))
            t[n++] = token;
        if (strcmp(t[0], "scenario") == 0) {
            close_all();
            snprintf(scenario, sizeof scenario, "%s", t[1]);
            step = 0;
            sent_so_far = 0;
            continue;
        }
        if (strcmp(t[0], "route") == 0) {
            close_all();
            if (system(strcmp(t[1], "default") == 0 ? "ip route replace default via 10.0.0.2"
                                                    : "ip route del default 2>/dev/null; true") != 0) {
                fprintf(stderr, "cannot set the route: %s\n", line);
                return 2;
            }
            continue;
        }
        char out[300];
        run(t, n, out);
        printf("%s %d %s = %s\n", scenario, ++step, line, out);
    }
    close_all();
    return 0;
}
