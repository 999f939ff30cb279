/*
 * ns1.c: the reference C driver for the NS-1, the C twin of the built-in Java driver (dev.nicsim.driver.NicDriver).
 * It makes the same device accesses in the same order, so a run through it takes the same simulated time.
 *
 *   probe   identify, reset, MAC, bus mastering, rings and buffers, MSI-X vectors (datasheet §8.1 steps 1-7)
 *   open    checksum start, RX ring and tail, RCTL, TX ring, TCTL, ITR, IMS, unmask (§8.1 steps 8-15)
 *   TX      zero-copy: a slot is a ring position whose buffer the stack writes in place; one doorbell per flush,
 *           RS on the burst's last descriptor only, reclaim of whole bursts on the TX interrupt
 *   RX      NAPI: the RX interrupt masks its vector and schedules a poll; the poll lends frames in place, refills,
 *           writes the tail once and unmasks when it ran out of frames
 *   stop    mask, disable, GIO master disable and wait for DMA to quiesce (§8.3 steps 1-3); remove frees (step 4)
 *   queues  with host->queues > 1 (ABI 2): a ring pair, vectors and a NAPI poll per queue, RSS programmed with the
 *           same key and even table as the Java driver; slot numbers carry their TX queue in bits 16 and up
 *   set_rss ethtool -X (ABI 3): the key and table the host's settings ask for, as the Java driver's setRss
 *   TSO     with host->tso and FEATURES.TSO (ABI 2): per TX queue 8 buffers of 64 KiB + 128; a segment is one
 *           descriptor per 16 KiB, the first with TSE, HDRLEN (CSS) and MSS (special), as the Java driver does
 *
 * NS1_ABI=1 or 2 builds the driver as a driver of that ABI (1: one queue pair, no TSO; 2: no set_rss), to show that
 * older drivers still load.
 *
 * NS1_FAULT (a compile-time constant, 0 in the reference build) makes one deliberate mistake for the broken drivers
 * of the test suite; see the ns1_fault enum.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nicsim_driver.h"
#include "ns1_regs.h"

#ifndef NICSIM_EXPORT
#define NICSIM_EXPORT
#endif

enum ns1_fault {
    FAULT_NONE = 0,
    FAULT_TAIL_BEYOND_RING = 1,    /* RDT written with the ring's size (TAIL_BEYOND_RING) */
    FAULT_NO_BUS_MASTER = 2,       /* DMA without PCI bus mastering (DMA_BUS_MASTER_OFF) */
    FAULT_FREE_OWNED_BUFFERS = 3,  /* RX buffers unmapped and freed while the device owns them (DMA_UNMAPPED) */
    FAULT_MISALIGNED_RING = 4,     /* TX ring 64 bytes past a 128-byte boundary (RING_BASE_MISALIGNED) */
    FAULT_CPU_POINTER_IN_DESC = 5, /* TX descriptors carry the CPU pointer, not the bus address (DMA_UNMAPPED) */
    FAULT_UNMASK_UNPROGRAMMED = 6, /* an MSI-X vector unmasked before its address is programmed (MSIX_UNPROGRAMMED) */
    FAULT_NO_RESET_WAIT = 7,       /* writes IMC while CTRL.RST still reads 1 (WRITE_DURING_RESET) */
    FAULT_RX_FRAME_BAD_ADDRESS = 8, /* lends the stack a CPU pointer for a bus address (host API check) */
    FAULT_TSO_HEADER_LENGTH = 9,   /* TSO descriptors with HDRLEN 4 bytes short (TX_TSO_INVALID) */
    FAULT_RSS_TABLE_BEYOND = 10,   /* RETA entries naming a queue past the device's last (RSS_QUEUE_INVALID) */
    FAULT_QUEUE_VECTORS_MASKED = 11, /* leaves the vectors of queues 1 and up masked: their frames never polled */
};
#ifndef NS1_FAULT
#define NS1_FAULT FAULT_NONE
#endif
#ifndef NS1_ABI
#define NS1_ABI NICSIM_DRIVER_ABI
#endif

#define NS1_MAX_QUEUES 8
#define NS1_TSO_BUFFERS 8
#define NS1_TSO_BUFFER_BYTES (65536 + 128)
#define NS1_TSO_PIECE 16384u   /* bytes per descriptor, as ixgbe's IXGBE_MAX_DATA_PER_TXD */
#define NS1_SLOT_TSO 0x8000
#define NS1_SLOT_QUEUE_SHIFT 16

/* The RSS key the Java driver programs: Microsoft's verification key (a fixed key keeps runs reproducible). */
static const uint8_t rss_key[NS1_RSS_KEY_BYTES] = {
    0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
    0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
    0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa};

struct ns1_ring {
    struct ns1_desc *desc;   /* CPU view of the descriptors */
    nicsim_bus_t desc_bus;   /* what RDBAL/TDBAL get */
    void *desc_block;        /* the dma_alloc block (desc may sit past its start only in the misaligned fault) */
    nicsim_bus_t desc_block_bus;
    uint8_t *buf;            /* buffer i at buf + i * buf_bytes */
    nicsim_bus_t buf_bus;
    uint32_t count;
    uint32_t buf_bytes;
    int buffers_mapped;
};

struct ns1_rxq {
    struct ns1_ring ring;
    uint32_t next;
};

struct ns1_txq {
    struct ns1_ring ring;
    uint32_t next;             /* next slot to reserve */
    uint32_t committed_end;    /* slots before it are committed, in order */
    uint32_t tail;             /* last TDT written */
    uint32_t clean;            /* first slot the device may still own */
    uint8_t *committed;        /* committed out of order, not yet contiguous */
    uint32_t *burst_ends;      /* RS descriptors handed over and not reclaimed, oldest first */
    uint32_t burst_head, bursts;
    int blocked;
    /* TSO: the buffers, which one each ring position's segment holds (-1: none), reserved lengths, free ones. */
    uint8_t *tso;
    nicsim_bus_t tso_bus;
    int32_t *tso_of;
    uint32_t *tso_length;
    uint32_t tso_free[NS1_TSO_BUFFERS];
    uint32_t tso_free_count;
};

struct ns1 {
    const struct nicsim_host *h;
    struct nicsim_netdev *dev;
    uint32_t msix_table;
    uint32_t max_frame;
    uint32_t device_rx_queues;
    uint32_t queues;           /* queue pairs in use */
    uint32_t other_vector;
    uint32_t vectors_registered;
    uint32_t itr;
    int link_up;
    int tso;
    uint32_t tx_capacity;
    struct ns1_rxq rx[NS1_MAX_QUEUES];
    struct ns1_txq tx[NS1_MAX_QUEUES];
};

static inline uint32_t rx_vector(const struct ns1 *nic, uint32_t q)
{
    (void)nic;
    return q;
}

static inline uint32_t tx_vector(const struct ns1 *nic, uint32_t q)
{
    return nic->device_rx_queues + q;
}

static void logf_(const struct ns1 *nic, int level, const char *fmt, unsigned long long a, unsigned long long b)
{
    char line[256];
    snprintf(line, sizeof line, fmt, a, b);
    nic->h->log(level, line);
}

static inline uint32_t next_index(const struct ns1_ring *ring, uint32_t i)
{
    return i + 1 == ring->count ? 0 : i + 1;
}

static inline uint32_t previous_index(const struct ns1_ring *ring, uint32_t i)
{
    return i == 0 ? ring->count - 1 : i - 1;
}

static inline uint32_t msix(const struct ns1 *nic, uint32_t entry, uint32_t field)
{
    return nic->msix_table + NS1_MSIX_ENTRY * entry + field;
}

static void mask(const struct ns1 *nic, uint32_t entry)
{
    nic->h->write32(msix(nic, entry, NS1_MSIX_CTRL), NS1_MSIX_MASKED);
}

static void unmask(const struct ns1 *nic, uint32_t entry)
{
    nic->h->write32(msix(nic, entry, NS1_MSIX_CTRL), 0);
}

/* A ring and its buffers from DMA memory, mapped for the device: ring read-write, buffers as the direction needs. */
static int ring_alloc(struct ns1 *nic, struct ns1_ring *ring, uint32_t count, uint32_t buf_bytes, int direction,
                      uint32_t misplace, int map_buffers)
{
    const struct nicsim_host *h = nic->h;
    ring->count = count;
    ring->buf_bytes = buf_bytes;
    ring->desc_block = h->dma_alloc((uint64_t)count * sizeof(struct ns1_desc) + misplace, NS1_RING_ALIGN,
                                    &ring->desc_block_bus);
    ring->buf = h->dma_alloc((uint64_t)count * buf_bytes, 64, &ring->buf_bus);
    if (ring->desc_block == NULL || ring->buf == NULL) {
        return -ENOMEM;
    }
    ring->desc = (struct ns1_desc *)((uint8_t *)ring->desc_block + misplace);
    ring->desc_bus = ring->desc_block_bus + misplace;
    int rc = h->dma_map(ring->desc_block_bus, (uint64_t)count * sizeof(struct ns1_desc) + misplace,
                        NICSIM_DMA_BIDIRECTIONAL);
    if (rc == 0 && map_buffers) {
        rc = h->dma_map(ring->buf_bus, (uint64_t)count * buf_bytes, direction);
        ring->buffers_mapped = rc == 0;
    }
    return rc;
}

static void ring_free(struct ns1 *nic, struct ns1_ring *ring)
{
    const struct nicsim_host *h = nic->h;
    if (ring->desc_block != NULL) {
        h->dma_unmap(ring->desc_block_bus);
        h->dma_free(ring->desc_block);
        ring->desc_block = NULL;
    }
    if (ring->buf != NULL) {
        if (ring->buffers_mapped) {
            h->dma_unmap(ring->buf_bus);
            ring->buffers_mapped = 0;
        }
        h->dma_free(ring->buf);
        ring->buf = NULL;
    }
}

static void program_vector(struct ns1 *nic, uint32_t entry)
{
    uint64_t address;
    uint32_t data;
    if (nic->h->msix_register(entry, &address, &data) != 0) {
        return;
    }
    nic->vectors_registered |= 1u << entry;
    nic->h->write32(msix(nic, entry, NS1_MSIX_ADDR_LO), (uint32_t)address);
    nic->h->write32(msix(nic, entry, NS1_MSIX_ADDR_HI), (uint32_t)(address >> 32));
    nic->h->write32(msix(nic, entry, NS1_MSIX_DATA), data);
}

static void free_vectors(struct ns1 *nic)
{
    for (uint32_t entry = 0; entry < 32; entry++) {
        if (nic->vectors_registered & (1u << entry)) {
            nic->h->msix_free(entry);
        }
    }
    nic->vectors_registered = 0;
}

static void free_queues(struct ns1 *nic)
{
    for (uint32_t q = 0; q < NS1_MAX_QUEUES; q++) {
        struct ns1_txq *tx = &nic->tx[q];
        ring_free(nic, &nic->rx[q].ring);
        ring_free(nic, &tx->ring);
        if (tx->tso != NULL) {
            nic->h->dma_unmap(tx->tso_bus);
            nic->h->dma_free(tx->tso);
            tx->tso = NULL;
        }
    }
}

static void release(struct ns1 *nic)
{
    free_vectors(nic);
    free_queues(nic);
    for (uint32_t q = 0; q < NS1_MAX_QUEUES; q++) {
        free(nic->tx[q].committed);
        free(nic->tx[q].burst_ends);
        free(nic->tx[q].tso_of);
        free(nic->tx[q].tso_length);
    }
    free(nic);
}

/* §8.1 steps 1-2: is this an NS-1 of a version we know, with MSI-X? */
static int identify(struct ns1 *nic)
{
    const struct nicsim_host *h = nic->h;
    uint16_t vendor = h->config_read16(PCI_VENDOR_ID);
    uint16_t device = h->config_read16(PCI_DEVICE_ID);
    if (vendor != NS1_VENDOR || device != NS1_DEVICE) {
        logf_(nic, NICSIM_LOG_ERROR, "PCI function is %04llx:%04llx, not an NS-1", vendor, device);
        return -ENODEV;
    }
    h->config_write16(PCI_COMMAND, h->config_read16(PCI_COMMAND) | PCI_COMMAND_MEMORY);
    uint32_t id = h->read32(NS1_ID);
    if (id != NS1_ID_VALUE) {
        logf_(nic, NICSIM_LOG_ERROR, "ID reads 0x%08llx, not 0x%08llx (\"NS01\")", id, NS1_ID_VALUE);
        return -ENODEV;
    }
    uint32_t version = h->read32(NS1_VERSION);
    if (version >> 16 != NS1_VERSION_MAJOR) {
        logf_(nic, NICSIM_LOG_ERROR, "device version %llu.%llu is not supported", version >> 16, version & 0xFFFF);
        return -ENODEV;
    }
    uint32_t features = h->read32(NS1_FEATURES);
    if (!(features & NS1_FEATURE_MSIX)) {
        logf_(nic, NICSIM_LOG_ERROR, "the device lacks MSI-X (FEATURES 0x%llx)%.0llu", features, 0);
        return -ENODEV;
    }
    uint32_t queues = h->read32(NS1_QUEUES);
    uint32_t tx_queues = queues & 0xFF, rx_queues = (queues >> 8) & 0xFF;
    nic->device_rx_queues = rx_queues;
    nic->other_vector = rx_queues + tx_queues;
    nic->queues = 1;
#if NS1_ABI >= 2
    uint32_t wanted = h->queues < 1 ? 1 : h->queues;
    nic->queues = wanted < tx_queues ? wanted : tx_queues;
    nic->queues = nic->queues < rx_queues ? nic->queues : rx_queues;
    nic->queues = nic->queues < NS1_MAX_QUEUES ? nic->queues : NS1_MAX_QUEUES;
    nic->tso = h->tso && (features & NS1_FEATURE_TSO);
    nic->dev->queues = nic->queues;
    nic->dev->tso_max = nic->tso ? NS1_TSO_BUFFER_BYTES : 0;
#endif
    nic->msix_table = h->read32(NS1_MSIX_TABLE);
    nic->max_frame = h->read32(NS1_MAX_FRAME);
    nic->dev->features = ((features & NS1_FEATURE_TX_CSUM) ? NICSIM_FEATURE_TX_CHECKSUM : 0) |
                         ((features & NS1_FEATURE_RX_CSUM) ? NICSIM_FEATURE_RX_CHECKSUM : 0);
#if NS1_ABI >= 2
    nic->dev->features |= nic->tso ? NICSIM_FEATURE_TSO : 0;
#endif
    nic->dev->mtu = nic->max_frame - 14 - 4 - 4;
    if (h->params.rx_buffer_bytes < nic->max_frame - 4) {
        logf_(nic, NICSIM_LOG_ERROR, "RX buffers of %llu bytes cannot hold the device's largest frame (%llu)",
              h->params.rx_buffer_bytes, nic->max_frame - 4);
        return -EINVAL;
    }
    return 0;
}

/* §8.2: write CTRL.RST, poll until it reads 0. */
static int reset(struct ns1 *nic)
{
    const struct nicsim_host *h = nic->h;
    h->write32(NS1_CTRL, NS1_CTRL_RST);
    if (NS1_FAULT == FAULT_NO_RESET_WAIT) {
        h->write32(NS1_IMC, 0xFFFFFFFFu); /* "interrupts off" at once, without waiting for the reset to end */
        return 0;
    }
    uint64_t deadline = h->now_ps() + h->params.reset_timeout_ps;
    uint32_t ctrl;
    while ((ctrl = h->read32(NS1_CTRL)) & NS1_CTRL_RST) {
        if (h->now_ps() > deadline) {
            logf_(nic, NICSIM_LOG_ERROR, "the device did not come out of reset (CTRL 0x%llx)%.0llu", ctrl, 0);
            return -ETIMEDOUT;
        }
    }
    return 0;
}

/* A TX queue's bookkeeping and (with TSO) its TSO buffers, mapped read-only for the device. */
static int txq_alloc(struct ns1 *nic, struct ns1_txq *tx, uint32_t count)
{
    tx->committed = calloc(count, 1);
    tx->burst_ends = calloc(count, sizeof(uint32_t));
    tx->tso_of = malloc(count * sizeof(int32_t));
    tx->tso_length = calloc(count, sizeof(uint32_t));
    if (tx->committed == NULL || tx->burst_ends == NULL || tx->tso_of == NULL || tx->tso_length == NULL) {
        return -ENOMEM;
    }
    for (uint32_t i = 0; i < count; i++) {
        tx->tso_of[i] = -1;
    }
    if (!nic->tso) {
        return 0;
    }
    tx->tso = nic->h->dma_alloc((uint64_t)NS1_TSO_BUFFERS * NS1_TSO_BUFFER_BYTES, 64, &tx->tso_bus);
    if (tx->tso == NULL) {
        return -ENOMEM;
    }
    for (uint32_t b = 0; b < NS1_TSO_BUFFERS; b++) {
        tx->tso_free[tx->tso_free_count++] = NS1_TSO_BUFFERS - 1 - b;
    }
    return nic->h->dma_map(tx->tso_bus, (uint64_t)NS1_TSO_BUFFERS * NS1_TSO_BUFFER_BYTES, NICSIM_DMA_TO_DEVICE);
}

static int ns1_probe(const struct nicsim_host *h, struct nicsim_netdev *dev)
{
    if (h->abi != NS1_ABI) {
        return -EINVAL;
    }
    struct ns1 *nic = calloc(1, sizeof *nic);
    if (nic == NULL) {
        return -ENOMEM;
    }
    nic->h = h;
    nic->dev = dev;
    nic->itr = h->params.itr;
    int rc = identify(nic);
    if (rc == 0) {
        rc = reset(nic);
    }
    if (rc != 0) {
        release(nic);
        return rc;
    }
    uint32_t ral = h->read32(NS1_RAL0);
    uint32_t rah = h->read32(NS1_RAH0);
    uint64_t mac = 0;
    for (int i = 0; i < 4; i++) {
        mac = mac << 8 | ((ral >> (8 * i)) & 0xFF);
    }
    for (int i = 0; i < 2; i++) {
        mac = mac << 8 | ((rah >> (8 * i)) & 0xFF);
    }
    if (!(h->read32(NS1_RAH0) & NS1_RAH_AV) || mac == 0) {
        h->log(NICSIM_LOG_ERROR, "the device has no valid MAC address in RAL0/RAH0 (AV clear)");
        release(nic);
        return -ENODEV;
    }
    dev->mac = mac;
    if (NS1_FAULT != FAULT_NO_BUS_MASTER) {
        h->config_write16(PCI_COMMAND, h->config_read16(PCI_COMMAND) | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    }
    const struct nicsim_params *p = &h->params;
    for (uint32_t q = 0; q < nic->queues && rc == 0; q++) {
        struct ns1_ring *rx = &nic->rx[q].ring;
        rc = ring_alloc(nic, rx, p->rx_ring_size, p->rx_buffer_bytes, NICSIM_DMA_FROM_DEVICE, 0, 1);
        if (rc == 0) {
            rc = ring_alloc(nic, &nic->tx[q].ring, p->tx_ring_size, p->tx_buffer_bytes, NICSIM_DMA_TO_DEVICE,
                            NS1_FAULT == FAULT_MISALIGNED_RING ? 64 : 0, 1);
        }
        if (rc == 0) {
            rc = txq_alloc(nic, &nic->tx[q], p->tx_ring_size);
        }
        for (uint32_t i = 0; rc == 0 && i < rx->count; i++) {
            rx->desc[i].address = rx->buf_bus + (uint64_t)i * rx->buf_bytes;
            rx->desc[i].fields = 0;
        }
    }
    if (rc != 0) {
        release(nic);
        return rc;
    }
    nic->tx_capacity = p->tx_buffer_bytes < nic->max_frame - 4 ? p->tx_buffer_bytes : nic->max_frame - 4;
    dev->tx_capacity = nic->tx_capacity;
    if (NS1_FAULT == FAULT_UNMASK_UNPROGRAMMED) {
        unmask(nic, rx_vector(nic, 0));
    }
    uint32_t wanted_vectors = 1u << nic->other_vector;
    for (uint32_t q = 0; q < nic->queues; q++) {
        program_vector(nic, rx_vector(nic, q));
        wanted_vectors |= 1u << rx_vector(nic, q) | 1u << tx_vector(nic, q);
    }
    for (uint32_t q = 0; q < nic->queues; q++) {
        program_vector(nic, tx_vector(nic, q));
    }
    program_vector(nic, nic->other_vector);
    if (nic->vectors_registered != wanted_vectors) {
        h->log(NICSIM_LOG_ERROR, "could not register the MSI-X vectors");
        release(nic);
        return -ENOSPC;
    }
    dev->priv = nic;
    return 0;
}

static void ring_registers(struct ns1 *nic, uint32_t block, const struct ns1_ring *ring)
{
    nic->h->write32(block + NS1_Q_BAL, (uint32_t)ring->desc_bus);
    nic->h->write32(block + NS1_Q_BAH, (uint32_t)(ring->desc_bus >> 32));
    nic->h->write32(block + NS1_Q_LEN, ring->count * (uint32_t)sizeof(struct ns1_desc));
    nic->h->write32(block + NS1_Q_DCTL, NS1_DCTL_ENABLE);
}

static uint32_t buffer_size_bits(uint32_t bytes)
{
    switch (bytes) {
    case 256: return NS1_RCTL_BSIZE_256;
    case 512: return NS1_RCTL_BSIZE_512;
    case 1024: return NS1_RCTL_BSIZE_1024;
    default: return NS1_RCTL_BSIZE_2048;
    }
}

static void write_rss_key(struct ns1 *nic, const uint8_t *key)
{
    for (uint32_t r = 0; r < NS1_RSS_KEY_BYTES / 4; r++) {
        const uint8_t *k = &key[4 * r];
        nic->h->write32(NS1_RSSRK(r), (uint32_t)k[0] | (uint32_t)k[1] << 8 | (uint32_t)k[2] << 16 |
            (uint32_t)k[3] << 24);
    }
}

/* Entry i of `table` names the queue for hash values whose low 7 bits are i; four entries per RETA register. */
static void write_rss_table(struct ns1 *nic, const uint32_t *table)
{
    for (uint32_t r = 0; r < NS1_RETA_ENTRIES / 4; r++) {
        uint32_t value = 0;
        for (uint32_t k = 0; k < 4; k++) {
            value |= table[4 * r + k] << (8 * k);
        }
        nic->h->write32(NS1_RETA(r), value);
    }
}

/* §3.6: the key, the table spreading the queues evenly (entry i names queue i mod n), every IPv4 hash type. */
static void program_rss(struct ns1 *nic)
{
    write_rss_key(nic, rss_key);
    uint32_t n = NS1_FAULT == FAULT_RSS_TABLE_BEYOND ? nic->queues + 1 : nic->queues;
    uint32_t table[NS1_RETA_ENTRIES];
    for (uint32_t i = 0; i < NS1_RETA_ENTRIES; i++) {
        table[i] = i % n;
    }
    write_rss_table(nic, table);
    nic->h->write32(NS1_MRQC, NS1_MRQC_RSS | NS1_MRQC_TCPIPV4 | NS1_MRQC_IPV4 | NS1_MRQC_UDPIPV4);
}

static int ns1_open(void *priv)
{
    struct ns1 *nic = priv;
    const struct nicsim_host *h = nic->h;
    h->write32(NS1_RXCSUM, 14);
    uint32_t causes = NS1_CAUSE_LSC | NS1_CAUSE_DERR;
    for (uint32_t q = 0; q < nic->queues; q++) {
        const struct ns1_ring *rx = &nic->rx[q].ring;
        ring_registers(nic, NS1_RXQ(q), rx);
        h->write32(NS1_RXQ(q) + NS1_Q_TAIL, NS1_FAULT == FAULT_TAIL_BEYOND_RING ? rx->count : rx->count - 1);
        causes |= NS1_CAUSE_RXQ(q) | NS1_CAUSE_TXQ(q);
    }
    if (nic->queues > 1) {
        program_rss(nic);
    }
    h->write32(NS1_RCTL, NS1_RCTL_EN | NS1_RCTL_BAM | buffer_size_bits(nic->rx[0].ring.buf_bytes));
    for (uint32_t q = 0; q < nic->queues; q++) {
        ring_registers(nic, NS1_TXQ(q), &nic->tx[q].ring);
    }
    h->write32(NS1_TCTL, NS1_TCTL_EN | NS1_TCTL_PSP);
    h->write32(NS1_ITR, nic->itr);
    h->write32(NS1_IMS, causes);
    for (uint32_t q = 0; q < nic->queues; q++) {
        if (q == 0 || NS1_FAULT != FAULT_QUEUE_VECTORS_MASKED) {
            unmask(nic, rx_vector(nic, q));
        }
    }
    for (uint32_t q = 0; q < nic->queues; q++) {
        unmask(nic, tx_vector(nic, q));
    }
    unmask(nic, nic->other_vector);
    nic->link_up = (h->read32(NS1_STATUS) & NS1_STATUS_LU) != 0;
    nic->dev->link_up = nic->link_up;
    if (NS1_FAULT == FAULT_FREE_OWNED_BUFFERS) {
        /* The device owns every RX buffer but one now: take them away under it. */
        struct ns1_ring *rx = &nic->rx[0].ring;
        h->dma_unmap(rx->buf_bus);
        rx->buffers_mapped = 0;
        h->dma_free(rx->buf);
        rx->buf = NULL;
    }
    return 0;
}

/* §8.3 steps 1-3. */
static int ns1_stop(void *priv)
{
    struct ns1 *nic = priv;
    const struct nicsim_host *h = nic->h;
    for (uint32_t q = 0; q < nic->queues; q++) {
        mask(nic, rx_vector(nic, q));
        mask(nic, tx_vector(nic, q));
    }
    mask(nic, nic->other_vector);
    h->write32(NS1_IMC, 0xFFFFFFFFu);
    for (uint32_t q = 0; q < nic->queues; q++) {
        h->write32(NS1_RXQ(q) + NS1_Q_DCTL, 0);
        h->write32(NS1_TXQ(q) + NS1_Q_DCTL, 0);
    }
    h->write32(NS1_RCTL, 0);
    h->write32(NS1_TCTL, 0);
    h->write32(NS1_CTRL, NS1_CTRL_GIO_MASTER_DISABLE);
    uint64_t deadline = h->now_ps() + h->params.quiesce_timeout_ps;
    while (h->read32(NS1_STATUS) & NS1_STATUS_GIO_MASTER_ENABLED) {
        if (h->now_ps() > deadline) {
            h->log(NICSIM_LOG_ERROR, "DMA did not quiesce after CTRL.GIO_MASTER_DISABLE; memory stays mapped");
            return -ETIMEDOUT;
        }
    }
    return 0;
}

/* §8.3 step 4: only after stop has seen DMA quiesce. */
static void ns1_remove(void *priv)
{
    struct ns1 *nic = priv;
    const struct nicsim_host *h = nic->h;
    h->timer_cancel();
    free_queues(nic);
    free_vectors(nic);
    h->config_write16(PCI_COMMAND, h->config_read16(PCI_COMMAND) & ~PCI_COMMAND_MASTER);
    release(nic);
}

/* ---- transmit ------------------------------------------------------------------------------------------------- */

static inline uint32_t tx_free(const struct ns1_txq *tx)
{
    uint32_t count = tx->ring.count;
    return count - 1 - (tx->next - tx->clean + count) % count;
}

/* Frees the slots (and TSO buffers) of every completed burst (the device completes in ring order); returns how many. */
static uint32_t tx_reclaim(struct ns1_txq *tx)
{
    uint32_t freed = 0, count = tx->ring.count;
    while (tx->bursts > 0) {
        uint32_t end = tx->burst_ends[tx->burst_head];
        volatile const uint64_t *fields = &tx->ring.desc[end].fields;
        if (!((*fields >> 32) & NS1_TX_STA_DD)) {
            break;
        }
        freed += (end - tx->clean + count) % count + 1;
        for (uint32_t i = tx->clean;; i = next_index(&tx->ring, i)) {
            if (tx->tso_of[i] >= 0) {
                tx->tso_free[tx->tso_free_count++] = (uint32_t)tx->tso_of[i];
                tx->tso_of[i] = -1;
            }
            if (i == end) {
                break;
            }
        }
        tx->clean = next_index(&tx->ring, end);
        tx->burst_head = (tx->burst_head + 1) % count;
        tx->bursts--;
    }
    return freed;
}

/* The TX queue of a slot, or NULL (and a log line) if the slot names none. */
static struct ns1_txq *slot_queue(struct ns1 *nic, int32_t slot)
{
    uint32_t q = (uint32_t)slot >> NS1_SLOT_QUEUE_SHIFT;
    if (slot < 0 || q >= nic->queues) {
        logf_(nic, NICSIM_LOG_ERROR, "TX slot 0x%llx names no queue (%llu in use)", (unsigned long long)slot,
              nic->queues);
        return NULL;
    }
    return &nic->tx[q];
}

static int tx_reserve_on(struct ns1 *nic, uint32_t queue)
{
    if (queue >= nic->queues) {
        return -EINVAL;
    }
    struct ns1_txq *tx = &nic->tx[queue];
    if (tx_free(tx) == 0 && tx_reclaim(tx) == 0) {
        tx->blocked = 1;
        return -ENOSPC;
    }
    uint32_t slot = tx->next;
    tx->next = next_index(&tx->ring, slot);
    return (int)(queue << NS1_SLOT_QUEUE_SHIFT | slot);
}

static int ns1_tx_reserve(void *priv)
{
    return tx_reserve_on(priv, 0);
}

static nicsim_bus_t ns1_tx_buffer(void *priv, int32_t slot)
{
    struct ns1 *nic = priv;
    struct ns1_txq *tx = slot_queue(nic, slot);
    if (tx == NULL) {
        return 0;
    }
    uint32_t index = (uint32_t)slot & 0xFFFF;
    if (index & NS1_SLOT_TSO) {
        index &= ~(uint32_t)NS1_SLOT_TSO;
        int32_t buffer = index < tx->ring.count ? tx->tso_of[index] : -1;
        return buffer < 0 ? 0 : tx->tso_bus + (uint64_t)buffer * NS1_TSO_BUFFER_BYTES;
    }
    return tx->ring.buf_bus + (uint64_t)index * tx->ring.buf_bytes;
}

/* Whether `positions` ring positions from `first` are reserved and not committed. */
static int reserved(const struct ns1 *nic, const struct ns1_txq *tx, uint32_t first, uint32_t positions)
{
    uint32_t count = tx->ring.count;
    if (first >= count || tx->committed[first] ||
        (first - tx->committed_end + count) % count + positions > (tx->next - tx->committed_end + count) % count) {
        logf_(nic, NICSIM_LOG_ERROR, "TX slot %llu is not reserved (next to commit: %llu)", first,
              tx->committed_end);
        return 0;
    }
    return 1;
}

static void mark_committed(struct ns1_txq *tx, uint32_t first, uint32_t positions)
{
    for (uint32_t i = 0, at = first; i < positions; i++, at = next_index(&tx->ring, at)) {
        tx->committed[at] = 1;
    }
    while (tx->committed_end != tx->next && tx->committed[tx->committed_end]) {
        tx->committed[tx->committed_end] = 0;
        tx->committed_end = next_index(&tx->ring, tx->committed_end);
    }
}

static int ns1_tx_commit(void *priv, int32_t slot, uint32_t length, int32_t csum_start, int32_t csum_offset)
{
    struct ns1 *nic = priv;
    struct ns1_txq *tx = slot_queue(nic, slot);
    uint32_t index = (uint32_t)slot & 0xFFFF;
    if (tx == NULL || !reserved(nic, tx, index, 1)) {
        return -EINVAL;
    }
    if (length < 1 || length > nic->tx_capacity) {
        logf_(nic, NICSIM_LOG_ERROR, "TX frame length %llu is not in [1, %llu]", length, nic->tx_capacity);
        return -EINVAL;
    }
    uint32_t cmd = NS1_TX_CMD_EOP | NS1_TX_CMD_IFCS;
    uint32_t cso = 0, css = 0;
    if (csum_offset >= 0) {
        if (csum_start < 0 || (uint32_t)csum_start >= length || (uint32_t)csum_offset + 2 > length ||
            csum_start > 255 || csum_offset > 255) {
            logf_(nic, NICSIM_LOG_ERROR, "checksum start %llu / offset %llu outside the frame or above 255",
                  (unsigned long long)csum_start, (unsigned long long)csum_offset);
            return -EINVAL;
        }
        cmd |= NS1_TX_CMD_IC;
        cso = (uint32_t)csum_offset;
        css = (uint32_t)csum_start;
    }
    struct ns1_desc *desc = &tx->ring.desc[index];
    uint8_t *buffer = tx->ring.buf + (uint64_t)index * tx->ring.buf_bytes;
    desc->address = NS1_FAULT == FAULT_CPU_POINTER_IN_DESC ? (uint64_t)(uintptr_t)buffer :
                    tx->ring.buf_bus + (uint64_t)index * tx->ring.buf_bytes;
    desc->fields = (uint64_t)(length & 0xFFFF) | (uint64_t)(cso & 0xFF) << 16 | (uint64_t)(cmd & 0xFF) << 24 |
                   (uint64_t)(css & 0xFF) << 40;
    mark_committed(tx, index, 1);
    return 0;
}

#if NS1_ABI >= 2
static inline uint32_t tso_pieces(uint32_t length)
{
    return (length + NS1_TSO_PIECE - 1) / NS1_TSO_PIECE;
}

static int ns1_tx_reserve_tso(void *priv, uint32_t queue, uint32_t length)
{
    struct ns1 *nic = priv;
    if (!nic->tso || queue >= nic->queues || length < 1 || length > NS1_TSO_BUFFER_BYTES) {
        return -EINVAL;
    }
    struct ns1_txq *tx = &nic->tx[queue];
    uint32_t pieces = tso_pieces(length);
    if (tx_free(tx) < pieces || tx->tso_free_count == 0) {
        tx_reclaim(tx);
        if (tx_free(tx) < pieces || tx->tso_free_count == 0) {
            tx->blocked = 1;
            return -ENOSPC;
        }
    }
    uint32_t first = tx->next;
    tx->tso_of[first] = (int32_t)tx->tso_free[--tx->tso_free_count];
    tx->tso_length[first] = length;
    for (uint32_t i = 0; i < pieces; i++) {
        tx->next = next_index(&tx->ring, tx->next);
    }
    return (int)(queue << NS1_SLOT_QUEUE_SHIFT | NS1_SLOT_TSO | first);
}

/* One descriptor per 16 KiB; the first carries TSE, HDRLEN in CSS and the MSS in special (§4.3). */
static int ns1_tx_commit_tso(void *priv, int32_t slot, uint32_t length, uint32_t header_length, uint32_t mss)
{
    struct ns1 *nic = priv;
    struct ns1_txq *tx = slot_queue(nic, slot);
    uint32_t first = ((uint32_t)slot & 0xFFFF) & ~(uint32_t)NS1_SLOT_TSO;
    if (tx == NULL || !((uint32_t)slot & NS1_SLOT_TSO) || first >= tx->ring.count || tx->tso_of[first] < 0 ||
        length != tx->tso_length[first] || !reserved(nic, tx, first, tso_pieces(length))) {
        return -EINVAL;
    }
    if (header_length < 54 || header_length > 255 || header_length > length || mss < 1 ||
        header_length + mss > nic->max_frame - 4) {
        logf_(nic, NICSIM_LOG_ERROR, "TSO header length %llu and MSS %llu do not fit a frame", header_length, mss);
        return -EINVAL;
    }
    uint32_t pieces = tso_pieces(length);
    uint32_t hdrlen = NS1_FAULT == FAULT_TSO_HEADER_LENGTH ? header_length - 4 : header_length;
    nicsim_bus_t bus = tx->tso_bus + (uint64_t)tx->tso_of[first] * NS1_TSO_BUFFER_BYTES;
    for (uint32_t i = 0, at = first; i < pieces; i++, at = next_index(&tx->ring, at)) {
        uint32_t offset = i * NS1_TSO_PIECE;
        uint32_t piece = length - offset < NS1_TSO_PIECE ? length - offset : NS1_TSO_PIECE;
        uint64_t cmd = NS1_TX_CMD_IFCS | (i == pieces - 1 ? NS1_TX_CMD_EOP : 0) | (i == 0 ? NS1_TX_CMD_TSE : 0);
        tx->ring.desc[at].address = bus + offset;
        tx->ring.desc[at].fields = (uint64_t)piece | cmd << 24 |
                                   (i == 0 ? (uint64_t)hdrlen << 40 | (uint64_t)mss << 48 : 0);
    }
    mark_committed(tx, first, pieces);
    return 0;
}

#endif

/* Everything committed since the last flush to the device, per queue: RS on the last descriptor, one tail write. */
static void ns1_tx_flush(void *priv)
{
    struct ns1 *nic = priv;
    for (uint32_t q = 0; q < nic->queues; q++) {
        struct ns1_txq *tx = &nic->tx[q];
        if (tx->committed_end == tx->tail) {
            continue;
        }
        uint32_t last = previous_index(&tx->ring, tx->committed_end);
        tx->ring.desc[last].fields |= (uint64_t)NS1_TX_CMD_RS << 24;
        tx->burst_ends[(tx->burst_head + tx->bursts) % tx->ring.count] = last;
        tx->bursts++;
        tx->tail = tx->committed_end;
        nic->h->write32(NS1_TXQ(q) + NS1_Q_TAIL, tx->tail);
    }
}

/* ---- receive and interrupts ----------------------------------------------------------------------------------- */

#if NS1_ABI >= 2
#define RX_FRAME(h, bus, length, sum, q) (h)->rx_frame_queue((bus), (length), (sum), (q))
#define RX_DONE(h, q) (h)->rx_done_queue(q)
#define NAPI_SCHEDULE(h, q) (h)->napi_schedule_queue(q)
#else
#define RX_FRAME(h, bus, length, sum, q) (h)->rx_frame((bus), (length), (sum))
#define RX_DONE(h, q) (h)->rx_done()
#define NAPI_SCHEDULE(h, q) (h)->napi_schedule()
#endif

static int ns1_poll_queue(void *priv, uint32_t q, int32_t budget)
{
    struct ns1 *nic = priv;
    const struct nicsim_host *h = nic->h;
    if (q >= nic->queues) {
        return -EINVAL;
    }
    struct ns1_rxq *rx = &nic->rx[q];
    int done = 0;
    while (done < budget) {
        struct ns1_desc *desc = &rx->ring.desc[rx->next];
        uint64_t fields = *(volatile const uint64_t *)&desc->fields;
        if (!((fields >> 32) & NS1_RX_STA_DD)) {
            break;
        }
        nicsim_bus_t buffer = rx->ring.buf_bus + (uint64_t)rx->next * rx->ring.buf_bytes;
        nicsim_bus_t lent = NS1_FAULT == FAULT_RX_FRAME_BAD_ADDRESS ?
            (nicsim_bus_t)(uintptr_t)(rx->ring.buf + (uint64_t)rx->next * rx->ring.buf_bytes) : buffer;
        RX_FRAME(h, lent, (uint32_t)(fields & 0xFFFF), (uint32_t)(fields >> 16) & 0xFFFF, q);
        desc->address = buffer;
        desc->fields = 0;
        rx->next = next_index(&rx->ring, rx->next);
        done++;
    }
    if (done > 0) {
        h->write32(NS1_RXQ(q) + NS1_Q_TAIL, previous_index(&rx->ring, rx->next));
        RX_DONE(h, q);
    }
    if (done < budget) {
        unmask(nic, rx_vector(nic, q));
    }
    return done;
}

static int ns1_poll(void *priv, int32_t budget)
{
    return ns1_poll_queue(priv, 0, budget);
}

static void ns1_interrupt(void *priv, uint32_t entry)
{
    struct ns1 *nic = priv;
    const struct nicsim_host *h = nic->h;
    if (entry < nic->queues) {
        mask(nic, rx_vector(nic, entry));
        NAPI_SCHEDULE(h, entry);
    } else if (entry >= nic->device_rx_queues && entry - nic->device_rx_queues < nic->queues) {
        struct ns1_txq *tx = &nic->tx[entry - nic->device_rx_queues];
        tx_reclaim(tx);
        if (tx->blocked && tx_free(tx) > 0) {
            tx->blocked = 0;
            h->tx_space();
        }
    } else if (entry == nic->other_vector) {
        uint32_t causes = h->read32(NS1_ICR);
        if (causes & NS1_CAUSE_DERR) {
            logf_(nic, NICSIM_LOG_WARN, "device error: ERRCODE 0x%llx%.0llu", h->read32(NS1_ERRCODE), 0);
        }
        if (causes & NS1_CAUSE_LSC) {
            int up = (h->read32(NS1_STATUS) & NS1_STATUS_LU) != 0;
            if (up != nic->link_up) {
                nic->link_up = up;
                h->link_changed(up);
            }
        }
    }
}

#if NS1_ABI >= 2
static int ns1_tx_reserve_queue(void *priv, uint32_t queue)
{
    return tx_reserve_on(priv, queue);
}
#endif

static int ns1_set_itr(void *priv, uint32_t units)
{
    struct ns1 *nic = priv;
    if (units > 0xFFFF) {
        return -EINVAL;
    }
    nic->itr = units;
    nic->h->write32(NS1_ITR, units);
    return 0;
}

static uint64_t ns1_read_counter(void *priv, uint32_t counter)
{
    struct ns1 *nic = priv;
    return counter < NS1_COUNTERS ? nic->h->read64(NS1_COUNTER(counter)) : 0;
}

#if NS1_ABI >= 3
/* ethtool -X: a key and a table of the device's sizes, each NULL to keep; the table names queues in use only. */
static int ns1_set_rss(void *priv, const uint8_t *key, uint32_t key_bytes, const uint32_t *table,
    uint32_t table_entries)
{
    struct ns1 *nic = priv;
    if ((key != NULL && key_bytes != NS1_RSS_KEY_BYTES) || (table != NULL && table_entries != NS1_RETA_ENTRIES)) {
        return -EINVAL;
    }
    for (uint32_t i = 0; table != NULL && i < table_entries; i++) {
        if (table[i] >= nic->queues) {
            return -EINVAL;
        }
    }
    if (key != NULL) {
        write_rss_key(nic, key);
    }
    if (table != NULL) {
        write_rss_table(nic, table);
    }
    return 0;
}
#endif

NICSIM_EXPORT const struct nicsim_driver_ops nicsim_driver = {
    .abi = NS1_ABI,
    .name = NS1_FAULT == FAULT_NONE ? "ns1" : "ns1-broken",
    .probe = ns1_probe,
    .open = ns1_open,
    .stop = ns1_stop,
    .remove = ns1_remove,
    .tx_reserve = ns1_tx_reserve,
    .tx_buffer = ns1_tx_buffer,
    .tx_commit = ns1_tx_commit,
    .tx_flush = ns1_tx_flush,
    .poll = ns1_poll,
    .interrupt = ns1_interrupt,
    .timer = NULL,
    .set_itr = ns1_set_itr,
    .read_counter = ns1_read_counter,
#if NS1_ABI >= 2
    .tx_reserve_queue = ns1_tx_reserve_queue,
    .tx_reserve_tso = ns1_tx_reserve_tso,
    .tx_commit_tso = ns1_tx_commit_tso,
    .poll_queue = ns1_poll_queue,
#endif
#if NS1_ABI >= 3
    .set_rss = ns1_set_rss,
#endif
};
