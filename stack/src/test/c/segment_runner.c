/*
 * The kernel side of KernelSegmentDifferentialTest: runs one scenario of src/test/resources/kernel/segment-scenarios.txt
 * (compiled by SegmentScript into timed steps) against the real Linux kernel and prints what happened. The Java side
 * runs the same steps on nicsim (NicsimSegmentRunner) and SegmentTrace turns both outputs into the same normalised
 * trace.
 *
 * The program runs inside a fresh network namespace whose tun0 (a TUN device, IP packets without link layer) is
 * 10.0.0.1/24: the kernel's TCP is the system under test on 10.0.0.1, and this program is the scripted peer 10.0.0.2
 * at the other end of tun0. It injects the script's segments (writing them to tun0) and records every TCP segment the
 * kernel sends between the scenario's ports (from a packet socket on tun0, stamped when the kernel sent them), and
 * it makes the kernel's socket calls (non-blocking).
 *
 * Step lines, each at a time in microseconds from the scenario's start:
 *   ports SUT PEER                     the kernel's listening port (0 when it connects) and the peer's port
 *   at US sysctl NAME VALUE            writes /proc/sys/net/ipv4/NAME (per namespace)
 *   at US listen | connect | accept    socket+bind+listen on SUT / connect to 10.0.0.2:PEER / accept4 the connection
 *   at US send N [more|oob] | recv N [oob] | close | shutdown-wr | abort (SO_LINGER 0, close); "more" sends with
 *                                      MSG_MORE, "oob" sends or receives with MSG_OOB
 *   at US setsockopt NAME VALUE        an int option of runner_common.h's table (SO_KEEPALIVE, SO_RCVBUF, TCP_NODELAY,
 *                                      TCP_CORK, TCP_LINGER2, TCP_DEFER_ACCEPT, TCP_NOTSENT_LOWAT, ...)
 *   at US inject ECHO HEX              an IPv4 packet from the peer: its destination port becomes the kernel's port,
 *                                      its ACK number and SACK blocks are relative to the kernel's ISN, with ECHO 1 its TS ecr is
 *                                      the kernel's last TSval; the checksum is computed here
 *   at US end                          the scenario ends (recording stops)
 * Output lines: "sent US HEX" (a segment the kernel sent), "inject US HEX" (as injected),
 * "call US TEXT = RESULT" (a socket call: a count, 0, or the errno's name).
 *
 * usage: segment_runner <steps file>
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/ethernet.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "runner_common.h"

static int tun;
static int tap;
static int listener = -1;
static int sock = -1;
static int sut_port;
static int peer_port;
static uint32_t sut_isn;
static int have_isn;
static uint32_t last_tsval;
static struct timespec start;

static long long now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (t.tv_sec - start.tv_sec) * 1000000LL + (t.tv_nsec - start.tv_nsec) / 1000;
}

static void hex(const uint8_t *bytes, int length, char *text)
{
    for (int i = 0; i < length; i++)
        sprintf(text + 2 * i, "%02x", bytes[i]);
    text[2 * length] = 0;
}

/* Where the TCP header's timestamp option is (offset of TSval from the TCP header), or -1. */
/* Where the TCP option of `kind` starts its value (after kind and length), or -1. */
static int option_offset(const uint8_t *tcp, int kind)
{
    int header = (tcp[12] >> 4) * 4;
    for (int i = 20; i < header;) {
        if (tcp[i] == 0)
            break;
        if (tcp[i] == 1) {
            i++;
            continue;
        }
        if (tcp[i] == kind)
            return i + 2;
        i += tcp[i + 1] < 2 ? 2 : tcp[i + 1];
    }
    return -1;
}

static int timestamp_offset(const uint8_t *tcp)
{
    return option_offset(tcp, 8);
}

/* Reads what the kernel sent: tun0 is only drained; each packet is taken, with the time the kernel sent it, from the
 * packet socket on tun0 (SO_TIMESTAMPNS stamps it when dev_queue_xmit hands it to the taps, so a runner descheduled
 * for a while on a busy machine still records when the kernel sent it). Records the scenario's TCP segments and
 * learns the kernel's port, ISN and TSval. */
static void receive(void)
{
    uint8_t packet[65536];
    char text[2 * sizeof packet + 1];
    ssize_t n;
    while (read(tun, packet, sizeof packet) > 0) {
    }
    for (;;) {
        struct sockaddr_ll from;
        char control[256];
        struct iovec iov = {.iov_base = packet, .iov_len = sizeof packet};
        struct msghdr msg = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1,
            .msg_control = control, .msg_controllen = sizeof control};
        n = recvmsg(tap, &msg, MSG_DONTWAIT);
        if (n <= 0)
            return;
        if (from.sll_pkttype != PACKET_OUTGOING || n < 40 || (packet[0] >> 4) != 4 || packet[9] != IPPROTO_TCP)
            continue;
        long long sent_us = now_us();
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
                struct timespec t;
                memcpy(&t, CMSG_DATA(c), sizeof t);
                sent_us = (t.tv_sec - start.tv_sec) * 1000000LL + (t.tv_nsec - start.tv_nsec) / 1000;
            }
        }
        const uint8_t *tcp = packet + (packet[0] & 0xF) * 4;
        int source = tcp[0] << 8 | tcp[1];
        int destination = tcp[2] << 8 | tcp[3];
        if (destination != peer_port || (sut_port != 0 && source != sut_port))
            continue;
        sut_port = source;
        if ((tcp[13] & 0x02) && !have_isn) {
            sut_isn = ntohl(*(const uint32_t *) (tcp + 4));
            have_isn = 1;
        }
        int ts = timestamp_offset(tcp);
        if (ts > 0)
            last_tsval = ntohl(*(const uint32_t *) (tcp + ts));
        hex(packet, (int) n, text);
        printf("sent %lld %s\n", sent_us, text);
    }
}

/* Records what the kernel sends until the scenario's clock reaches `until`. */
static void run_until(long long until)
{
    for (;;) {
        receive();
        long long left = until - now_us();
        if (left <= 0)
            return;
        struct pollfd p[2] = {{.fd = tun, .events = POLLIN}, {.fd = tap, .events = POLLIN}};
        poll(p, 2, (int) ((left + 999) / 1000));
    }
}

static uint16_t checksum(const uint8_t *bytes, int length, uint32_t sum)
{
    for (int i = 0; i + 1 < length; i += 2)
        sum += (uint32_t) (bytes[i] << 8 | bytes[i + 1]);
    if (length & 1)
        sum += (uint32_t) bytes[length - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint16_t) ~sum;
}

static void inject(int echo, const char *text)
{
    uint8_t packet[2048];
    int length = (int) strlen(text) / 2;
    for (int i = 0; i < length; i++)
        sscanf(text + 2 * i, "%2hhx", &packet[i]);
    uint8_t *tcp = packet + (packet[0] & 0xF) * 4;
    int tcp_length = length - (packet[0] & 0xF) * 4;
    tcp[2] = (uint8_t) (sut_port >> 8);
    tcp[3] = (uint8_t) sut_port;
    if (tcp[13] & 0x10) {
        uint32_t ack = ntohl(*(uint32_t *) (tcp + 8)) + sut_isn;
        *(uint32_t *) (tcp + 8) = htonl(ack);
        int sack = option_offset(tcp, 5);
        for (int edge = sack; sack > 0 && edge < sack - 2 + tcp[sack - 1]; edge += 4) {
            uint32_t value = ntohl(*(uint32_t *) (tcp + edge)) + sut_isn;
            *(uint32_t *) (tcp + edge) = htonl(value);
        }
    }
    int ts = timestamp_offset(tcp);
    if (echo && ts > 0)
        *(uint32_t *) (tcp + ts + 4) = htonl(last_tsval);
    tcp[16] = tcp[17] = 0;
    uint32_t pseudo = (uint32_t) (packet[12] << 8 | packet[13]) + (uint32_t) (packet[14] << 8 | packet[15]) +
        (uint32_t) (packet[16] << 8 | packet[17]) + (uint32_t) (packet[18] << 8 | packet[19]) + IPPROTO_TCP +
        (uint32_t) tcp_length;
    uint16_t sum = checksum(tcp, tcp_length, pseudo);
    tcp[16] = (uint8_t) (sum >> 8);
    tcp[17] = (uint8_t) sum;
    char out[2 * sizeof packet + 1];
    hex(packet, length, out);
    printf("inject %lld %s\n", now_us(), out);
    if (write(tun, packet, length) != length) {
        perror("write tun0");
        exit(2);
    }
}

static void result(const char *call, long value)
{
    if (value < 0)
        printf("call %lld %s = %s\n", now_us(), call, errno_name(errno));
    else
        printf("call %lld %s = %ld\n", now_us(), call, value);
}

static struct sockaddr_in address(const char *ip, int port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t) port);
    inet_pton(AF_INET, ip, &a.sin_addr);
    return a;
}

/*
 * CUBIC, the congestion control nicsim models (StackConfig's default, Linux's default): a new namespace takes the
 * host's default (tcp_congestion_control is inherited from the initial namespace), which may be another (BBR), and its
 * recovery differs (no ssthresh reduction, its own pacing). An accepted socket inherits the listener's.
 */
static void cubic(int fd)
{
    if (setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, "cubic", strlen("cubic")) != 0) {
        perror("TCP_CONGESTION cubic");
        exit(2);
    }
}

static void call(char *op, char *argument, char *value)
{
    char text[160];
    snprintf(text, sizeof text, "%s%s%s%s%s", op, argument ? " " : "", argument ? argument : "", value ? " " : "",
        value ? value : "");
    if (strcmp(op, "sysctl") == 0) {
        char path[128];
        snprintf(path, sizeof path, "/proc/sys/net/ipv4/%s", argument);
        FILE *f = fopen(path, "w");
        if (f == NULL || fprintf(f, "%s\n", value) < 0 || fclose(f) != 0) {
            perror(path);
            exit(2);
        }
    } else if (strcmp(op, "listen") == 0) {
        listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        cubic(listener);
        int one = 1;
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        struct sockaddr_in a = address("10.0.0.1", sut_port);
        if (bind(listener, (struct sockaddr *) &a, sizeof a) != 0 || listen(listener, 8) != 0) {
            perror("listen");
            exit(2);
        }
        result(text, 0);
    } else if (strcmp(op, "connect") == 0) {
        sock = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        cubic(sock);
        struct sockaddr_in a = address("10.0.0.2", peer_port);
        result(text, connect(sock, (struct sockaddr *) &a, sizeof a));
    } else if (strcmp(op, "accept") == 0) {
        sock = accept4(listener, NULL, NULL, SOCK_NONBLOCK);
        result(text, sock < 0 ? -1 : 0);
    } else if (strcmp(op, "send") == 0) {
        static char data[1 << 20];
        memset(data, 'x', sizeof data);
        int more = value != NULL && strcmp(value, "more") == 0 ? MSG_MORE : 0;
        int oob = value != NULL && strcmp(value, "oob") == 0 ? MSG_OOB : 0;
        result(text, send(sock, data, (size_t) atoi(argument), MSG_NOSIGNAL | more | oob));
    } else if (strcmp(op, "recv") == 0) {
        static char data[1 << 20];
        int oob = value != NULL && strcmp(value, "oob") == 0 ? MSG_OOB : 0;
        result(text, recv(sock, data, (size_t) atoi(argument), oob));
    } else if (strcmp(op, "close") == 0) {
        result(text, close(sock));
        sock = -1;
    } else if (strcmp(op, "abort") == 0) {
        struct linger l = {.l_onoff = 1, .l_linger = 0};
        setsockopt(sock, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        result(text, close(sock));
        sock = -1;
    } else if (strcmp(op, "shutdown-wr") == 0) {
        result(text, shutdown(sock, SHUT_WR));
    } else if (strcmp(op, "setsockopt") == 0) {
        int level;
        int name = option(argument, &level);
        int v = atoi(value);
        result(text, setsockopt(sock >= 0 ? sock : listener, level, name, &v, sizeof v));
    } else if (strcmp(op, "so-error") == 0) {
        int e = 0;
        socklen_t length = sizeof e;
        getsockopt(sock, SOL_SOCKET, SO_ERROR, &e, &length);
        printf("call %lld %s = %s\n", now_us(), text, errno_name(e));
    } else {
        fprintf(stderr, "unknown step %s\n", op);
        exit(2);
    }
}

/*
 * Waits until tun0 carries what the kernel sends: its queue starts working only after the link watcher has seen the
 * carrier come on (when this program attached), which can take a while on a busy machine, and until then the
 * kernel's packets are dropped. UDP datagrams to the discard port go out until one comes through.
 */
static void wait_until_ready(void)
{
    int probe = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in discard = address("10.0.0.2", 9);
    uint8_t packet[2048];
    for (int tries = 0; tries < 500; tries++) {
        sendto(probe, "", 0, 0, (struct sockaddr *) &discard, sizeof discard);
        struct pollfd p = {.fd = tun, .events = POLLIN};
        if (poll(&p, 1, 10) > 0) {
            while (read(tun, packet, sizeof packet) > 0) {
            }
            close(probe);
            return;
        }
    }
    fprintf(stderr, "tun0 never carried a packet\n");
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: segment_runner <steps file>\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    tun = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "tun0");
    if (tun < 0 || ioctl(tun, TUNSETIFF, &ifr) != 0) {
        perror("tun0");
        return 2;
    }
    tap = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK, htons(ETH_P_ALL));
    if (tap < 0 || ioctl(tap, SIOCGIFINDEX, &ifr) != 0) {
        perror("packet socket on tun0");
        return 2;
    }
    struct sockaddr_ll on = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = ifr.ifr_ifindex};
    int one = 1;
    if (bind(tap, (struct sockaddr *) &on, sizeof on) != 0 ||
        setsockopt(tap, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) != 0) {
        perror("packet socket on tun0");
        return 2;
    }
    FILE *steps = fopen(argv[1], "r");
    if (steps == NULL) {
        perror(argv[1]);
        return 2;
    }
    wait_until_ready();
    char line[8192];
    clock_gettime(CLOCK_REALTIME, &start);
    while (fgets(line, sizeof line, steps)) {
        line[strcspn(line, "\n")] = 0;
        char *save;
        char *word = strtok_r(line, " ", &save);
        if (word == NULL)
            continue;
        if (strcmp(word, "ports") == 0) {
            sut_port = atoi(strtok_r(NULL, " ", &save));
            peer_port = atoi(strtok_r(NULL, " ", &save));
            continue;
        }
        long long at = atoll(strtok_r(NULL, " ", &save));
        char *op = strtok_r(NULL, " ", &save);
        run_until(at);
        if (strcmp(op, "end") == 0)
            break;
        if (strcmp(op, "inject") == 0) {
            int echo = atoi(strtok_r(NULL, " ", &save));
            inject(echo, strtok_r(NULL, " ", &save));
            continue;
        }
        char *argument = strtok_r(NULL, " ", &save);
        char *value = strtok_r(NULL, " ", &save);
        call(op, argument, value);
    }
    if (sock >= 0) {
        struct linger l = {.l_onoff = 1, .l_linger = 0};
        setsockopt(sock, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        close(sock);
    }
    return 0;
}
