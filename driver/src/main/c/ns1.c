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
};
#ifndef NS1_FAULT
#define NS1_FAULT FAULT_NONE
#endif

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

struct ns1 {
    const struct nicsim_host *h;
    struct nicsim_netdev *dev;
    uint32_t msix_table;
    uint32_t max_frame;
    uint32_t rx_vector, tx_vector, other_vector;
    int vectors_registered;
    uint32_t itr;
    int link_up;

    struct ns1_ring rx;
    uint32_t rx_next;

    struct ns1_ring tx;
    uint32_t tx_capacity;
    uint32_t tx_next;          /* next slot to reserve */
    uint32_t tx_committed_end; /* slots before it are committed, in order */
    uint32_t tx_tail;          /* last TDT written */
    uint32_t tx_clean;         /* first slot the device may still own */
    uint8_t *tx_committed;     /* committed out of order, not yet contiguous */
    uint32_t *burst_ends;      /* RS descriptors handed over and not reclaimed, oldest first */
    uint32_t burst_head, bursts;
    int tx_blocked;
};

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
    nic->vectors_registered |= 1 << entry;
    nic->h->write32(msix(nic, entry, NS1_MSIX_ADDR_LO), (uint32_t)address);
    nic->h->write32(msix(nic, entry, NS1_MSIX_ADDR_HI), (uint32_t)(address >> 32));
    nic->h->write32(msix(nic, entry, NS1_MSIX_DATA), data);
}

static void release(struct ns1 *nic)
{
    for (uint32_t entry = 0; entry < 32; entry++) {
        if (nic->vectors_registered & (1 << entry)) {
            nic->h->msix_free(entry);
        }
    }
    ring_free(nic, &nic->rx);
    ring_free(nic, &nic->tx);
    free(nic->tx_committed);
    free(nic->burst_ends);
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
    nic->rx_vector = 0;
    nic->tx_vector = rx_queues;
    nic->other_vector = rx_queues + tx_queues;
    nic->msix_table = h->read32(NS1_MSIX_TABLE);
    nic->max_frame = h->read32(NS1_MAX_FRAME);
    nic->dev->features = ((features & NS1_FEATURE_TX_CSUM) ? NICSIM_FEATURE_TX_CHECKSUM : 0) |
                         ((features & NS1_FEATURE_RX_CSUM) ? NICSIM_FEATURE_RX_CHECKSUM : 0);
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

static int ns1_probe(const struct nicsim_host *h, struct nicsim_netdev *dev)
{
    if (h->abi != NICSIM_DRIVER_ABI) {
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
    rc = ring_alloc(nic, &nic->rx, p->rx_ring_size, p->rx_buffer_bytes, NICSIM_DMA_FROM_DEVICE, 0, 1);
    if (rc == 0) {
        rc = ring_alloc(nic, &nic->tx, p->tx_ring_size, p->tx_buffer_bytes, NICSIM_DMA_TO_DEVICE,
                        NS1_FAULT == FAULT_MISALIGNED_RING ? 64 : 0, 1);
    }
    nic->tx_committed = calloc(p->tx_ring_size, 1);
    nic->burst_ends = calloc(p->tx_ring_size, sizeof(uint32_t));
    if (rc != 0 || nic->tx_committed == NULL || nic->burst_ends == NULL) {
        release(nic);
        return rc != 0 ? rc : -ENOMEM;
    }
    for (uint32_t i = 0; i < nic->rx.count; i++) {
        nic->rx.desc[i].address = nic->rx.buf_bus + (uint64_t)i * nic->rx.buf_bytes;
        nic->rx.desc[i].fields = 0;
    }
    nic->tx_capacity = p->tx_buffer_bytes < nic->max_frame - 4 ? p->tx_buffer_bytes : nic->max_frame - 4;
    dev->tx_capacity = nic->tx_capacity;
    if (NS1_FAULT == FAULT_UNMASK_UNPROGRAMMED) {
        unmask(nic, nic->rx_vector);
    }
    program_vector(nic, nic->rx_vector);
    program_vector(nic, nic->tx_vector);
    program_vector(nic, nic->other_vector);
    if (nic->vectors_registered != (1 << nic->rx_vector | 1 << nic->tx_vector | 1 << nic->other_vector)) {
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

static int ns1_open(void *priv)
{
    struct ns1 *nic = priv;
    const struct nicsim_host *h = nic->h;
    h->write32(NS1_RXCSUM, 14);
    ring_registers(nic, NS1_RXQ(0), &nic->rx);
    h->write32(NS1_RXQ(0) + NS1_Q_TAIL, NS1_FAULT == FAULT_TAIL_BEYOND_RING ? nic->rx.count : nic->rx.count - 1);
    h->write32(NS1_RCTL, NS1_RCTL_EN | NS1_RCTL_BAM | buffer_size_bits(nic->rx.buf_bytes));
    ring_registers(nic, NS1_TXQ(0), &nic->tx);
    h->write32(NS1_TCTL, NS1_TCTL_EN | NS1_TCTL_PSP);
    h->write32(NS1_ITR, nic->itr);
    h->write32(NS1_IMS, NS1_CAUSE_RXQ(0) | NS1_CAUSE_TXQ(0) | NS1_CAUSE_LSC | NS1_CAUSE_DERR);
    unmask(nic, nic->rx_vector);
    unmask(nic, nic->tx_vector);
    unmask(nic, nic->other_vector);
    nic->link_up = (h->read32(NS1_STATUS) & NS1_STATUS_LU) != 0;
    nic->dev->link_up = nic->link_up;
    if (NS1_FAULT == FAULT_FREE_OWNED_BUFFERS) {
        /* The device owns every RX buffer but one now: take them away under it. */
        h->dma_unmap(nic->rx.buf_bus);
        nic->rx.buffers_mapped = 0;
        h->dma_free(nic->rx.buf);
        nic->rx.buf = NULL;
    }
    return 0;
}

/* §8.3 steps 1-3. */
static int ns1_stop(void *priv)
{
    struct ns1 *nic = priv;
    const struct nicsim_host *h = nic->h;
    mask(nic, nic->rx_vector);
    mask(nic, nic->tx_vector);
    mask(nic, nic->other_vector);
    h->write32(NS1_IMC, 0xFFFFFFFFu);
    h->write32(NS1_RXQ(0) + NS1_Q_DCTL, 0);
    h->write32(NS1_TXQ(0) + NS1_Q_DCTL, 0);
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
    ring_free(nic, &nic->rx);
    ring_free(nic, &nic->tx);
    for (uint32_t entry = 0; entry < 32; entry++) {
        if (nic->vectors_registered & (1 << entry)) {
            h->msix_free(entry);
        }
    }
    nic->vectors_registered = 0;
    h->config_write16(PCI_COMMAND, h->config_read16(PCI_COMMAND) & ~PCI_COMMAND_MASTER);
    release(nic);
}

/* ---- transmit ------------------------------------------------------------------------------------------------- */

static inline uint32_t tx_free(const struct ns1 *nic)
{
    uint32_t count = nic->tx.count;
    return count - 1 - (nic->tx_next - nic->tx_clean + count) % count;
}

/* Frees the slots of every completed burst (the device completes in ring order); returns how many. */
static uint32_t tx_reclaim(struct ns1 *nic)
{
    uint32_t freed = 0, count = nic->tx.count;
    while (nic->bursts > 0) {
        uint32_t end = nic->burst_ends[nic->burst_head];
        volatile const uint64_t *fields = &nic->tx.desc[end].fields;
        if (!((*fields >> 32) & NS1_TX_STA_DD)) {
            break;
        }
        freed += (end - nic->tx_clean + count) % count + 1;
        nic->tx_clean = next_index(&nic->tx, end);
        nic->burst_head = (nic->burst_head + 1) % count;
        nic->bursts--;
    }
    return freed;
}

static int ns1_tx_reserve(void *priv)
{
    struct ns1 *nic = priv;
    if (tx_free(nic) == 0 && tx_reclaim(nic) == 0) {
        nic->tx_blocked = 1;
        return -ENOSPC;
    }
    uint32_t slot = nic->tx_next;
    nic->tx_next = next_index(&nic->tx, slot);
    return (int)slot;
}

static nicsim_bus_t ns1_tx_buffer(void *priv, int32_t slot)
{
    struct ns1 *nic = priv;
    return nic->tx.buf_bus + (uint64_t)(uint32_t)slot * nic->tx.buf_bytes;
}

static int ns1_tx_commit(void *priv, int32_t slot, uint32_t length, int32_t csum_start, int32_t csum_offset)
{
    struct ns1 *nic = priv;
    uint32_t count = nic->tx.count;
    if (slot < 0 || (uint32_t)slot >= count || nic->tx_committed[slot] ||
        ((uint32_t)slot - nic->tx_committed_end + count) % count >= (nic->tx_next - nic->tx_committed_end + count) % count) {
        logf_(nic, NICSIM_LOG_ERROR, "TX slot %lld is not reserved (next to commit: %llu)", (long long)slot,
              nic->tx_committed_end);
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
    struct ns1_desc *desc = &nic->tx.desc[slot];
    uint8_t *buffer = nic->tx.buf + (uint64_t)slot * nic->tx.buf_bytes;
    desc->address = NS1_FAULT == FAULT_CPU_POINTER_IN_DESC ? (uint64_t)(uintptr_t)buffer :
                    nic->tx.buf_bus + (uint64_t)slot * nic->tx.buf_bytes;
    desc->fields = (uint64_t)(length & 0xFFFF) | (uint64_t)(cso & 0xFF) << 16 | (uint64_t)(cmd & 0xFF) << 24 |
                   (uint64_t)(css & 0xFF) << 40;
    nic->tx_committed[slot] = 1;
    while (nic->tx_committed_end != nic->tx_next && nic->tx_committed[nic->tx_committed_end]) {
        nic->tx_committed[nic->tx_committed_end] = 0;
        nic->tx_committed_end = next_index(&nic->tx, nic->tx_committed_end);
    }
    return 0;
}

/* Everything committed since the last flush to the device: RS on the last descriptor, one tail write. */
static void ns1_tx_flush(void *priv)
{
    struct ns1 *nic = priv;
    if (nic->tx_committed_end == nic->tx_tail) {
        return;
    }
    uint32_t last = previous_index(&nic->tx, nic->tx_committed_end);
    nic->tx.desc[last].fields |= (uint64_t)NS1_TX_CMD_RS << 24;
    nic->burst_ends[(nic->burst_head + nic->bursts) % nic->tx.count] = last;
    nic->bursts++;
    nic->tx_tail = nic->tx_committed_end;
    nic->h->write32(NS1_TXQ(0) + NS1_Q_TAIL, nic->tx_tail);
}

/* ---- receive and interrupts ----------------------------------------------------------------------------------- */

static int ns1_poll(void *priv, int32_t budget)
{
    struct ns1 *nic = priv;
    const struct nicsim_host *h = nic->h;
    int done = 0;
    while (done < budget) {
        struct ns1_desc *desc = &nic->rx.desc[nic->rx_next];
        uint64_t fields = *(volatile const uint64_t *)&desc->fields;
        if (!((fields >> 32) & NS1_RX_STA_DD)) {
            break;
        }
        nicsim_bus_t buffer = nic->rx.buf_bus + (uint64_t)nic->rx_next * nic->rx.buf_bytes;
        nicsim_bus_t lent = NS1_FAULT == FAULT_RX_FRAME_BAD_ADDRESS ?
            (nicsim_bus_t)(uintptr_t)(nic->rx.buf + (uint64_t)nic->rx_next * nic->rx.buf_bytes) : buffer;
        h->rx_frame(lent, (uint32_t)(fields & 0xFFFF), (uint32_t)(fields >> 16) & 0xFFFF);
        desc->address = buffer;
        desc->fields = 0;
        nic->rx_next = next_index(&nic->rx, nic->rx_next);
        done++;
    }
    if (done > 0) {
        h->write32(NS1_RXQ(0) + NS1_Q_TAIL, previous_index(&nic->rx, nic->rx_next));
        h->rx_done();
    }
    if (done < budget) {
        unmask(nic, nic->rx_vector);
    }
    return done;
}

static void ns1_interrupt(void *priv, uint32_t entry)
{
    struct ns1 *nic = priv;
    const struct nicsim_host *h = nic->h;
    if (entry == nic->rx_vector) {
        mask(nic, nic->rx_vector);
        h->napi_schedule();
    } else if (entry == nic->tx_vector) {
        tx_reclaim(nic);
        if (nic->tx_blocked && tx_free(nic) > 0) {
            nic->tx_blocked = 0;
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

NICSIM_EXPORT const struct nicsim_driver_ops nicsim_driver = {
    .abi = NICSIM_DRIVER_ABI,
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
};
