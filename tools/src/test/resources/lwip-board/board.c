/*
 * A dev board for nicsim's serial bridge test: stock lwIP (Debian's liblwip-dev, its TCP/IP thread and sockets API)
 * with a SLIP network interface written here (RFC 1055, IP packets) on a pseudo-terminal.
 *
 *   board PTY BOARD_IP PEER_IP
 *
 * Serves daytime (port 13) and a checksum sink (port 5001: reads to EOF, answers the byte count and CRC-32, 4 bytes
 * each, big-endian). As a client of PEER_IP it pings 10 times, fetches daytime 20 times and sends 1 MiB to the peer's
 * sink. Half-way through the upload it also writes what no SLIP line should carry (a bad escape, a frame longer than
 * the MTU, a runt, an IPv6 packet) between its frames. Prints one line per result, then "client done", and serves
 * until its standard input closes.
 */
#include <lwip/tcpip.h>
#include <lwip/netif.h>
#include <lwip/pbuf.h>
#include <lwip/ip4_addr.h>
#include <lwip/inet_chksum.h>
#include <lwip/sockets.h>
#include <lwip/prot/icmp.h>
#include <lwip/prot/ip4.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define END 0xC0
#define ESC 0xDB
#define ESC_END 0xDC
#define ESC_ESC 0xDD
#define MTU 1500
#define UPLOAD (1 << 20)

static int line;
static pthread_mutex_t line_lock = PTHREAD_MUTEX_INITIALIZER;
static struct netif slip;

static void write_all(const unsigned char *bytes, size_t length)
{
    while (length > 0) {
        ssize_t n = write(line, bytes, length);
        if (n <= 0) { perror("write"); exit(3); }
        bytes += n;
        length -= (size_t) n;
    }
}

/* Sends bytes as they are, between other frames (never inside one). */
static void write_raw(const unsigned char *bytes, size_t length)
{
    pthread_mutex_lock(&line_lock);
    write_all(bytes, length);
    pthread_mutex_unlock(&line_lock);
}

static err_t slip_output(struct netif *netif, struct pbuf *p, const ip4_addr_t *next_hop)
{
    static unsigned char frame[2 * MTU + 2];
    size_t n = 0;
    (void) netif; (void) next_hop;
    pthread_mutex_lock(&line_lock);
    frame[n++] = END;
    for (struct pbuf *q = p; q != NULL; q = q->next) {
        const unsigned char *bytes = q->payload;
        for (u16_t i = 0; i < q->len; i++) {
            if (bytes[i] == END) { frame[n++] = ESC; frame[n++] = ESC_END; }
            else if (bytes[i] == ESC) { frame[n++] = ESC; frame[n++] = ESC_ESC; }
            else frame[n++] = bytes[i];
        }
    }
    frame[n++] = END;
    write_all(frame, n);
    pthread_mutex_unlock(&line_lock);
    return ERR_OK;
}

static err_t slip_init(struct netif *netif)
{
    netif->name[0] = 's';
    netif->name[1] = 'l';
    netif->output = slip_output;
    netif->mtu = MTU;
    return ERR_OK;
}

/* Decodes SLIP from the line and hands each IP packet to lwIP's TCP/IP thread. */
static void *slip_reader(void *unused)
{
    static unsigned char packet[MTU];
    unsigned char chunk[4096];
    size_t length = 0;
    int escaped = 0, broken = 0;
    (void) unused;
    for (;;) {
        ssize_t got = read(line, chunk, sizeof chunk);
        if (got <= 0) { return NULL; }
        for (ssize_t i = 0; i < got; i++) {
            unsigned char b = chunk[i];
            if (b == END) {
                if (length > 0 && !broken) {
                    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t) length, PBUF_RAM);
                    if (p != NULL) {
                        pbuf_take(p, packet, (u16_t) length);
                        if (slip.input(p, &slip) != ERR_OK) pbuf_free(p);
                    }
                }
                length = 0; escaped = 0; broken = 0;
                continue;
            }
            if (escaped) { b = b == ESC_END ? END : b == ESC_ESC ? ESC : (broken = 1, b); escaped = 0; }
            else if (b == ESC) { escaped = 1; continue; }
            if (length == sizeof packet) broken = 1; else packet[length++] = b;
        }
    }
}

static uint32_t crc_table[256];

static void crc_init(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

static uint32_t crc_update(uint32_t crc, const unsigned char *bytes, size_t length)
{
    crc = ~crc;
    for (size_t i = 0; i < length; i++) crc = crc_table[(crc ^ bytes[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

static struct sockaddr_in address_of(const char *ip, int port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = lwip_htons((u16_t) port);
    a.sin_addr.s_addr = ipaddr_addr(ip);
    return a;
}

static int listen_on(int port)
{
    struct sockaddr_in a = address_of("0.0.0.0", port);
    int s = lwip_socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0 || lwip_bind(s, (struct sockaddr *) &a, sizeof a) < 0 || lwip_listen(s, 4) < 0) {
        fprintf(stderr, "listen %d failed\n", port);
        exit(2);
    }
    return s;
}

static void *daytime_server(void *unused)
{
    int s = listen_on(13), served = 0;
    (void) unused;
    for (;;) {
        int c = lwip_accept(s, NULL, NULL);
        if (c < 0) continue;
        char text[64];
        int n = snprintf(text, sizeof text, "lwIP board, day %d\r\n", ++served);
        lwip_write(c, text, (size_t) n);
        lwip_close(c);
    }
    return NULL;
}

/* Reads to EOF and answers the count and the CRC-32 of what came. */
static void *sink_server(void *unused)
{
    int s = listen_on(5001);
    static unsigned char buffer[8192];
    (void) unused;
    for (;;) {
        int c = lwip_accept(s, NULL, NULL);
        if (c < 0) continue;
        uint32_t count = 0, crc = 0;
        ssize_t got;
        while ((got = lwip_read(c, buffer, sizeof buffer)) > 0) {
            crc = crc_update(crc, buffer, (size_t) got);
            count += (uint32_t) got;
        }
        unsigned char answer[8] = {count >> 24, count >> 16, count >> 8, count, crc >> 24, crc >> 16, crc >> 8, crc};
        lwip_write(c, answer, sizeof answer);
        lwip_close(c);
    }
    return NULL;
}

static int ping(const char *peer)
{
    int s = lwip_socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), replies = 0;
    struct timeval timeout = {2, 0};
    struct sockaddr_in to = address_of(peer, 0);
    lwip_setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    for (int seq = 1; seq <= 10; seq++) {
        unsigned char request[64];
        struct icmp_echo_hdr *echo = (struct icmp_echo_hdr *) request;
        memset(request, 0, sizeof request);
        for (size_t i = sizeof *echo; i < sizeof request; i++) request[i] = (unsigned char) i;
        ICMPH_TYPE_SET(echo, ICMP_ECHO);
        echo->id = lwip_htons(0x1055);
        echo->seqno = lwip_htons((u16_t) seq);
        echo->chksum = inet_chksum(request, sizeof request);
        lwip_sendto(s, request, sizeof request, 0, (struct sockaddr *) &to, sizeof to);
        unsigned char reply[256];
        ssize_t got;
        while ((got = lwip_recvfrom(s, reply, sizeof reply, 0, NULL, NULL)) > 0) {
            size_t header = (size_t) (reply[0] & 0x0F) * 4;
            struct icmp_echo_hdr *answer = (struct icmp_echo_hdr *) (reply + header);
            if ((size_t) got >= header + sizeof request && ICMPH_TYPE(answer) == ICMP_ER &&
                answer->id == echo->id && answer->seqno == echo->seqno &&
                memcmp(reply + header + sizeof *echo, request + sizeof *echo, sizeof request - sizeof *echo) == 0) {
                replies++;
                break;
            }
        }
    }
    lwip_close(s);
    return replies;
}

static int daytime(const char *peer)
{
    int ok = 0;
    for (int i = 0; i < 20; i++) {
        struct sockaddr_in to = address_of(peer, 13);
        int s = lwip_socket(AF_INET, SOCK_STREAM, 0);
        char text[128];
        size_t length = 0;
        ssize_t got;
        if (lwip_connect(s, (struct sockaddr *) &to, sizeof to) == 0) {
            while ((got = lwip_read(s, text + length, sizeof text - 1 - length)) > 0) length += (size_t) got;
            text[length] = 0;
            if (strstr(text, "UTC\r\n") != NULL) ok++;
        }
        lwip_close(s);
    }
    return ok;
}

static void hostile(void)
{
    static unsigned char junk[2400];
    const unsigned char bad_escape[] = {END, 0x45, ESC, 0x01, 0x02, END};
    const unsigned char runt[] = {END, 0x45, 0x00, 0x00, 0x14, END};
    unsigned char ipv6[42] = {END, 0x60};
    write_raw(bad_escape, sizeof bad_escape);
    memset(junk, 0x45, sizeof junk);
    junk[0] = END;
    junk[sizeof junk - 1] = END;
    write_raw(junk, sizeof junk);
    write_raw(runt, sizeof runt);
    ipv6[sizeof ipv6 - 1] = END;
    write_raw(ipv6, sizeof ipv6);
}

static int upload(const char *peer, uint32_t *crc_out)
{
    static unsigned char block[8192];
    struct sockaddr_in to = address_of(peer, 5001);
    int s = lwip_socket(AF_INET, SOCK_STREAM, 0);
    uint32_t crc = 0, state = 0x2545F491u;
    if (lwip_connect(s, (struct sockaddr *) &to, sizeof to) != 0) return -1;
    for (size_t sent = 0; sent < UPLOAD; sent += sizeof block) {
        for (size_t i = 0; i < sizeof block; i++) {
            state ^= state << 13; state ^= state >> 17; state ^= state << 5;
            block[i] = (unsigned char) state;
        }
        crc = crc_update(crc, block, sizeof block);
        for (size_t done = 0; done < sizeof block; ) {
            ssize_t n = lwip_write(s, block + done, sizeof block - done);
            if (n <= 0) return -2;
            done += (size_t) n;
        }
        if (sent == UPLOAD / 2) hostile();
    }
    lwip_shutdown(s, SHUT_WR);
    unsigned char answer[8];
    size_t got = 0;
    ssize_t n;
    while (got < sizeof answer && (n = lwip_read(s, answer + got, sizeof answer - got)) > 0) got += (size_t) n;
    lwip_close(s);
    if (got != sizeof answer) return -3;
    *crc_out = crc;
    uint32_t count = (uint32_t) answer[0] << 24 | answer[1] << 16 | answer[2] << 8 | answer[3];
    uint32_t their = (uint32_t) answer[4] << 24 | answer[5] << 16 | answer[6] << 8 | answer[7];
    return count == UPLOAD && their == crc ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc != 4) { fprintf(stderr, "usage: board PTY BOARD_IP PEER_IP\n"); return 2; }
    setvbuf(stdout, NULL, _IOLBF, 0);
    crc_init();
    line = open(argv[1], O_RDWR | O_NOCTTY);
    if (line < 0) { perror(argv[1]); return 2; }
    struct termios raw;
    if (tcgetattr(line, &raw) == 0) { cfmakeraw(&raw); tcsetattr(line, TCSANOW, &raw); }

    tcpip_init(NULL, NULL);
    ip4_addr_t ip, mask, gateway;
    ip4addr_aton(argv[2], &ip);
    ip4addr_aton("255.255.255.0", &mask);
    ip4_addr_set_zero(&gateway);
    LOCK_TCPIP_CORE();
    netif_add(&slip, &ip, &mask, &gateway, NULL, slip_init, tcpip_input);
    netif_set_default(&slip);
    netif_set_link_up(&slip);
    netif_set_up(&slip);
    UNLOCK_TCPIP_CORE();

    pthread_t reader, day, sink;
    pthread_create(&reader, NULL, slip_reader, NULL);
    pthread_create(&day, NULL, daytime_server, NULL);
    pthread_create(&sink, NULL, sink_server, NULL);

    printf("ping %d/10\n", ping(argv[3]));
    printf("daytime %d/20\n", daytime(argv[3]));
    uint32_t crc = 0;
    int uploaded = upload(argv[3], &crc);
    printf("upload %s crc %08x\n", uploaded == 1 ? "matched" : "FAILED", crc);
    printf("client done\n");
    char c;
    while (read(0, &c, 1) > 0) { }
    return 0;
}
