/*
 * host_api_driver.c: a test driver that does not drive the NIC; it exercises the host side of nicsim_driver.h and
 * logs what it saw, for HostApiTest. Built by the test with the system's gcc. -DFREE_WHILE_MAPPED makes remove free
 * a block it left mapped.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "nicsim_driver.h"

struct state {
    const struct nicsim_host *h;
    void *block;
    nicsim_bus_t bus;
    uint64_t armed_at;
};

static void say(const struct nicsim_host *h, const char *fmt, long long a, long long b)
{
    char line[160];
    snprintf(line, sizeof line, fmt, a, b);
    h->log(NICSIM_LOG_INFO, line);
}

static int probe(const struct nicsim_host *h, struct nicsim_netdev *dev)
{
    struct state *s = calloc(1, sizeof *s);
    s->h = h;
    uint64_t before = h->now_ps();
    h->delay_ps(1000000);
    say(h, "delay %lld ps, tx ring %lld", (long long)(h->now_ps() - before), h->params.tx_ring_size);
    s->block = h->dma_alloc(8192, 4096, &s->bus);
    say(h, "alloc aligned %lld, zeroed %lld", (long long)(s->bus % 4096), ((unsigned char *)s->block)[100]);
    int rc = 0;
    rc = h->dma_free(&rc);
    say(h, "free foreign %lld, map past the block %lld", rc, h->dma_map(s->bus + 8000, 400, 0));
    int mapped = h->dma_map(s->bus, 8192, NICSIM_DMA_BIDIRECTIONAL);
    say(h, "map %lld, map again %lld", mapped, h->dma_map(s->bus, 8192, NICSIM_DMA_BIDIRECTIONAL));
    uint64_t address = 0;
    uint32_t data = 0;
    int registered = h->msix_register(2, &address, &data);
    say(h, "msix %lld, msix again %lld", registered, h->msix_register(2, &address, &data));
    say(h, "msix address in the MSI window %lld, unmap unknown %lld", address >> 20 == 0xFEE, h->dma_unmap(s->bus + 64));
    dev->priv = s;
    dev->mtu = 1500;
    dev->tx_capacity = 64;
    return 0;
}

static int open_(void *priv)
{
    struct state *s = priv;
    s->armed_at = s->h->now_ps();
    s->h->timer_arm(5000000);
    return 0;
}

static void timer(void *priv)
{
    struct state *s = priv;
    say(s->h, "timer after %lld ps%.0lld", (long long)(s->h->now_ps() - s->armed_at), 0);
}

static int stop(void *priv)
{
    (void)priv;
    return 0;
}

static void remove_(void *priv)
{
    struct state *s = priv;
#ifndef FREE_WHILE_MAPPED
    s->h->dma_unmap(s->bus);
#endif
    s->h->dma_free(s->block);
    s->h->msix_free(2);
    free(s);
}

static int tx_reserve(void *priv) { (void)priv; return -ENOSPC; }
static nicsim_bus_t tx_buffer(void *priv, int32_t slot) { (void)priv; (void)slot; return 0; }
static int tx_commit(void *priv, int32_t slot, uint32_t length, int32_t start, int32_t offset)
{
    (void)priv; (void)slot; (void)length; (void)start; (void)offset;
    return -EINVAL;
}
static void tx_flush(void *priv) { (void)priv; }
static int poll(void *priv, int32_t budget) { (void)priv; (void)budget; return 0; }
static void interrupt(void *priv, uint32_t entry) { (void)priv; (void)entry; }
static int set_itr(void *priv, uint32_t units) { (void)priv; (void)units; return 0; }
static uint64_t read_counter(void *priv, uint32_t counter) { (void)priv; return counter; }

const struct nicsim_driver_ops nicsim_driver = {
    .abi = NICSIM_DRIVER_ABI,
    .name = "host-api-test",
    .probe = probe, .open = open_, .stop = stop, .remove = remove_,
    .tx_reserve = tx_reserve, .tx_buffer = tx_buffer, .tx_commit = tx_commit, .tx_flush = tx_flush,
    .poll = poll, .interrupt = interrupt, .timer = timer, .set_itr = set_itr, .read_counter = read_counter,
};
