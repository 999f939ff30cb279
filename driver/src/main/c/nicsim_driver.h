/*
 * nicsim_driver.h: the interface between nicsim and an NS-1 driver written in C.
 *
 * The driver is a shared library that exports one symbol, `nicsim_driver` (struct nicsim_driver_ops). nicsim loads
 * it in process through the JDK's foreign function API and runs it inside the simulation: every call either way
 * happens on the simulation thread at simulated time. Two sides:
 *
 *   struct nicsim_host        what the host gives the driver: PCI configuration space, 32/64-bit MMIO on BAR 0,
 *                             DMA-coherent memory and its IOMMU mapping, MSI-X vectors, time, a log, and the
 *                             stack's receive side. One table per device; every function in it acts on that device.
 *   struct nicsim_driver_ops  what the driver gives the host: probe, open, stop, remove, the zero-copy transmit calls,
 *                             the NAPI poll, the interrupt handler, a timer callback, ITR and counters.
 *
 * Costs: an MMIO read stalls for the PCIe round trip, a write costs its posting (the PCIe model decides both);
 * config accesses stall like MMIO reads; delay_ps() and the host's per-frame driver costs (host.driver_tx_frame_ns
 * per tx_commit, host.driver_rx_frame_ns per rx_frame) are CPU time. Nothing else is charged: the C code itself runs
 * in zero simulated time, as Java driver code does.
 *
 * Errors: functions returning int give 0 (or a count) on success and a negative Linux errno on failure.
 *
 * Failure of the run: if a host call finds the simulation stopped (the device's strict mode caught a misuse, or the
 * driver broke this interface's rules), the call returns at once and so does every later one, as a surprise-removed
 * PCIe device would answer: reads give all ones, allocation gives NULL, now_ps() gives UINT64_MAX so that the driver's
 * own timeouts end its loops. When the driver returns to the host, the host reports the failure.
 *
 * See docs/driver-guide.md for a step-by-step guide and driver/src/main/c/ns1.c for the reference driver.
 */
#ifndef NICSIM_DRIVER_H
#define NICSIM_DRIVER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of the three tables. Each version only appends to them, so the host loads drivers of any version from
 * NICSIM_DRIVER_ABI_MIN on: it fills the host table (and reads the ops and netdev tables) only as far as the driver's
 * version has them, and sets host->abi to the driver's version.
 *   1  one queue pair
 *   2  several queue pairs (RSS, a TX queue per flow, a NAPI poll per RX queue) and TSO: the members marked ABI 2
 *   3  set_rss: the host programs the RSS key and indirection table through the driver (ethtool -X) */
#define NICSIM_DRIVER_ABI 3
#define NICSIM_DRIVER_ABI_MIN 1

/* A bus address: what the device is told (descriptor addresses, ring base registers). */
typedef uint64_t nicsim_bus_t;

/* Directions for dma_map, as Linux's enum dma_data_direction. */
#define NICSIM_DMA_BIDIRECTIONAL 0 /* the device reads and writes (rings) */
#define NICSIM_DMA_TO_DEVICE 1     /* the device only reads (TX buffers) */
#define NICSIM_DMA_FROM_DEVICE 2   /* the device writes (RX buffers) */

/* Log levels. */
#define NICSIM_LOG_ERROR 0
#define NICSIM_LOG_WARN 1
#define NICSIM_LOG_INFO 2
#define NICSIM_LOG_DEBUG 3

/* NetDevice feature bits (features in struct nicsim_netdev). */
#define NICSIM_FEATURE_TX_CHECKSUM 1
#define NICSIM_FEATURE_RX_CHECKSUM 2
#define NICSIM_FEATURE_TSO 4 /* ABI 2: tx_reserve_tso and tx_commit_tso */

/* The driver's parameters, as the host's configuration gives them (driver.* keys). */
struct nicsim_params {
    uint32_t tx_ring_size;       /* descriptors, a multiple of 8 from 8 to 4096 */
    uint32_t rx_ring_size;       /* descriptors, a multiple of 8 from 8 to 4096 */
    uint32_t tx_buffer_bytes;    /* bytes per TX buffer */
    uint32_t rx_buffer_bytes;    /* 256, 512, 1024 or 2048 (RCTL.BSIZE) */
    uint32_t napi_budget;        /* most frames per poll */
    uint32_t itr;                /* initial ITR, 256 ns units */
    uint64_t reset_timeout_ps;   /* how long to poll CTRL.RST */
    uint64_t quiesce_timeout_ps; /* how long to poll STATUS.GIO_MASTER_ENABLED */
};

/* What the host gives the driver. */
struct nicsim_host {
    uint32_t abi;                 /* NICSIM_DRIVER_ABI */
    uint32_t reserved;
    const char *name;             /* the interface's name, e.g. "A.eth0" */
    struct nicsim_params params;

    /* PCI configuration space (non-posted: the CPU stalls like an MMIO read). */
    uint16_t (*config_read16)(uint32_t offset);
    void (*config_write16)(uint32_t offset, uint16_t value);

    /* BAR 0. 32-bit accesses are the device's; a 64-bit access is two 32-bit ones, low half first (the NS-1's
     * counters latch their high half on the low read). Offsets must be aligned and inside the BAR. */
    uint32_t (*read32)(uint32_t offset);
    void (*write32)(uint32_t offset, uint32_t value);
    uint64_t (*read64)(uint32_t offset);
    void (*write64)(uint32_t offset, uint64_t value);

    /* DMA-coherent memory: zero-filled, `align` a power of two. Returns the CPU pointer and stores the bus address
     * in *bus; NULL when there is no memory (as -ENOMEM). The device cannot reach it until it is mapped. */
    void *(*dma_alloc)(uint64_t size, uint64_t align, nicsim_bus_t *bus);
    /* Frees memory from dma_alloc (by its CPU pointer). -EINVAL if it is not from dma_alloc, -EBUSY if still mapped
     * (the host then stops the run: the device may still be using it). */
    int (*dma_free)(void *cpu);
    /* Maps [bus, bus + length) for the device in the IOMMU; the range must lie in one dma_alloc block. */
    int (*dma_map)(nicsim_bus_t bus, uint64_t length, int direction);
    /* Unmaps the mapping that starts at `bus`. */
    int (*dma_unmap)(nicsim_bus_t bus);

    /* MSI-X: allocates a host interrupt vector whose handler is ops->interrupt(priv, entry), and gives the message
     * (address, data) to program into the device's MSI-X table entry `entry`. */
    int (*msix_register)(uint32_t entry, uint64_t *address, uint32_t *data);
    int (*msix_free)(uint32_t entry);

    /* Simulated time. now_ps() is the driver's current time; delay_ps() busy-waits (CPU time, like udelay);
     * timer_arm() calls ops->timer(priv) after `after_ps` (one timer per device; re-arming moves it). */
    uint64_t (*now_ps)(void);
    void (*delay_ps)(uint64_t ps);
    void (*timer_arm)(uint64_t after_ps);
    void (*timer_cancel)(void);

    /* NAPI: asks for ops->poll(priv, budget) to run after this interrupt handler (napi_schedule). The host polls
     * again while a poll returns its whole budget; a driver that returns less re-enables its interrupt itself. */
    void (*napi_schedule)(void);

    /* The stack's side of the NetDevice contract. rx_frame lends the frame at bus address [bus, bus + length) to
     * the stack for the duration of the call (the host checks that it lies in this driver's DMA memory); rx_done
     * ends a poll's batch; tx_space says slots are free again after tx_reserve found none; link_changed follows LSC. */
    void (*rx_frame)(nicsim_bus_t bus, uint32_t length, uint32_t raw_checksum);
    void (*rx_done)(void);
    void (*tx_space)(void);
    void (*link_changed)(int up);

    /* A line for the run's log (and the failure message, when the driver then returns an error). */
    void (*log)(int level, const char *message);

    /* ---- ABI 2: several queue pairs and TSO ---- */
    uint32_t queues;              /* driver.queues: queue pairs to use, 1 to 8 (use fewer if the device has fewer);
                                   * with more than one, program RSS (datasheet §3.6) */
    uint32_t tso;                 /* nic.tso: 1 to offer TSO (datasheet §4.3) when the device has FEATURES.TSO */
    /* napi_schedule for RX queue `queue`: ops->poll_queue(priv, queue, budget) runs after this handler. */
    void (*napi_schedule_queue)(uint32_t queue);
    /* rx_frame for a frame of RX queue `queue`, and the end of that queue's batch. */
    void (*rx_frame_queue)(nicsim_bus_t bus, uint32_t length, uint32_t raw_checksum, uint32_t queue);
    void (*rx_done_queue)(uint32_t queue);
};

/* What the driver tells the host about the device at probe. */
struct nicsim_netdev {
    void *priv;               /* the driver's own state, passed back to every op */
    uint64_t mac;             /* 48-bit MAC address, first transmitted byte most significant */
    uint32_t mtu;             /* largest IP packet, 1500 for standard Ethernet */
    uint32_t features;        /* NICSIM_FEATURE_* */
    uint32_t tx_capacity;     /* largest frame (no FCS) a TX slot holds */
    int32_t link_up;          /* link state at open; link_changed() reports changes */
    /* ---- ABI 2 ---- */
    uint32_t queues;          /* queue pairs in use (0 counts as 1) */
    uint32_t tso_max;         /* with NICSIM_FEATURE_TSO: the largest segment tx_reserve_tso takes */
};

/* What the driver gives the host. Export one: `const struct nicsim_driver_ops nicsim_driver = { ... };` */
struct nicsim_driver_ops {
    uint32_t abi;             /* NICSIM_DRIVER_ABI */
    uint32_t reserved;
    const char *name;         /* the driver's name, for messages */

    /* Identify, reset and set up the device (datasheet §8.1 steps 1-7), fill *dev. The host table stays valid until
     * remove returns. */
    int (*probe)(const struct nicsim_host *host, struct nicsim_netdev *dev);
    /* Bring queues and interrupts up (§8.1 steps 8-15). */
    int (*open)(void *priv);
    /* Bring the device down with DMA quiesced (§8.3 steps 1-3). */
    int (*stop)(void *priv);
    /* Release everything probe and open took (§8.3 step 4); the host checks that no DMA memory is left. */
    void (*remove)(void *priv);

    /* Zero-copy transmit, the NetDevice contract: reserve a slot (or -ENOSPC when the ring is full: call tx_space()
     * later), the stack writes the frame at tx_buffer(slot), commit gives its length and optional checksum offsets
     * (csum_offset < 0: none), flush hands everything committed to the device with one doorbell. */
    int (*tx_reserve)(void *priv);
    nicsim_bus_t (*tx_buffer)(void *priv, int32_t slot);
    int (*tx_commit)(void *priv, int32_t slot, uint32_t length, int32_t csum_start, int32_t csum_offset);
    void (*tx_flush)(void *priv);

    /* NAPI poll: hand up to `budget` frames to rx_frame, refill, and return how many. */
    int (*poll)(void *priv, int32_t budget);
    /* The handler of MSI-X table entry `entry` (as given to msix_register). */
    void (*interrupt)(void *priv, uint32_t entry);
    /* The timer armed with timer_arm expired. */
    void (*timer)(void *priv);

    /* Run-time controls: the throttling interval (256 ns units) and a 64-bit device counter. */
    int (*set_itr)(void *priv, uint32_t units);
    uint64_t (*read_counter)(void *priv, uint32_t counter);

    /* ---- ABI 2 ---- */
    /* tx_reserve on TX queue `queue` (0 to dev->queues - 1). Slot numbers are the driver's: tx_buffer, tx_commit and
     * tx_commit_tso take them as they are, and tx_flush rings one doorbell per queue with something new. The host
     * picks a flow's queue as Linux's core does (skb_tx_hash: the flow hash scaled onto the queues). */
    int (*tx_reserve_queue)(void *priv, uint32_t queue);
    /* TSO: a slot whose buffer (tx_buffer) holds one TCP/IPv4 segment of `length` bytes, at most dev->tso_max;
     * -ENOSPC when the ring or the TSO buffers are short. */
    int (*tx_reserve_tso)(void *priv, uint32_t queue, uint32_t length);
    /* Hands the written segment to the device as a descriptor chain (CMD.TSE, HDRLEN in CSS, MSS in special). */
    int (*tx_commit_tso)(void *priv, int32_t slot, uint32_t length, uint32_t header_length, uint32_t mss);
    /* NAPI poll of RX queue `queue`, asked for with napi_schedule_queue. */
    int (*poll_queue)(void *priv, uint32_t queue, int32_t budget);

    /* ---- ABI 3 ---- */
    /* Linux's ethtool set_rxfh (ethtool -X), called after open when the run's settings ask for an RSS key
     * (driver.rss_key) or table (driver.rss_table): program the `key_bytes`-byte Toeplitz key and the
     * `table_entries`-entry indirection table (entry i names the RX queue for hash values whose low bits are i), each
     * NULL to keep the one in use. -EINVAL when a size is not the device's (NS-1: 40 bytes, 128 entries) or an entry
     * names a queue the driver does not use; program nothing then (the host stops the run, naming the settings). Write
     * the key before the table, as ns1.c and the Java driver do. `key` and `table` are valid only during the call.
     * NULL here: the driver programs only its own RSS, and the host refuses those settings before the run. */
    int (*set_rss)(void *priv, const uint8_t *key, uint32_t key_bytes, const uint32_t *table, uint32_t table_entries);
};

#ifdef __cplusplus
}
#endif

#endif /* NICSIM_DRIVER_H */
