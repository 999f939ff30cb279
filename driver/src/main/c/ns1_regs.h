/*
 * ns1_regs.h: the NS-1's register map and descriptor layouts for C drivers (docs/datasheet.md §2-4; the Java
 * mirror is dev.nicsim.nic.regs). Offsets are into BAR 0.
 */
#ifndef NS1_REGS_H
#define NS1_REGS_H

/* PCI configuration space (§1). */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4
#define NS1_VENDOR 0x4E53
#define NS1_DEVICE 0x0001

/* General registers (§3.1). */
#define NS1_CTRL 0x0000
#define NS1_STATUS 0x0008
#define NS1_ICR 0x00C0
#define NS1_ITR 0x00C4
#define NS1_IMS 0x00D0
#define NS1_IMC 0x00D8
#define NS1_RCTL 0x0100
#define NS1_TCTL 0x0400
#define NS1_RXCSUM 0x5000
#define NS1_RAL0 0x5400
#define NS1_RAH0 0x5404

#define NS1_CTRL_GIO_MASTER_DISABLE (1u << 2)
#define NS1_CTRL_RST (1u << 26)
#define NS1_STATUS_LU (1u << 1)
#define NS1_STATUS_GIO_MASTER_ENABLED (1u << 19)
#define NS1_RCTL_EN (1u << 1)
#define NS1_RCTL_BAM (1u << 15)
#define NS1_RCTL_BSIZE_2048 (0u << 16)
#define NS1_RCTL_BSIZE_1024 (1u << 16)
#define NS1_RCTL_BSIZE_512 (2u << 16)
#define NS1_RCTL_BSIZE_256 (3u << 16)
#define NS1_TCTL_EN (1u << 1)
#define NS1_TCTL_PSP (1u << 3)
#define NS1_RAH_AV (1u << 31)

/* Identification header (§3.2) and error capture (§3.3). */
#define NS1_ID 0x0F00
#define NS1_VERSION 0x0F04
#define NS1_FEATURES 0x0F08
#define NS1_QUEUES 0x0F0C
#define NS1_MSIX_TABLE 0x0F14
#define NS1_MAX_FRAME 0x0F1C
#define NS1_ERRCODE 0x0F40
#define NS1_ID_VALUE 0x4E533031u /* "NS01" */
#define NS1_VERSION_MAJOR 1
#define NS1_FEATURE_TX_CSUM (1u << 0)
#define NS1_FEATURE_RX_CSUM (1u << 1)
#define NS1_FEATURE_MSIX (1u << 2)
#define NS1_FEATURE_TSO (1u << 6)

/* Queue blocks (§3.4): queue q at base + 0x100 * q. */
#define NS1_RXQ(q) (0x2800 + 0x100 * (q))
#define NS1_TXQ(q) (0x3800 + 0x100 * (q))
#define NS1_Q_BAL 0x00
#define NS1_Q_BAH 0x04
#define NS1_Q_LEN 0x08
#define NS1_Q_TAIL 0x18
#define NS1_Q_DCTL 0x28
#define NS1_DCTL_ENABLE (1u << 25)
#define NS1_RING_ALIGN 128

/* Receive-side scaling (§3.6). */
#define NS1_MRQC 0x5818
#define NS1_RETA(n) (0x5C00 + 4 * (n))
#define NS1_RSSRK(n) (0x5C80 + 4 * (n))
#define NS1_RETA_ENTRIES 128
#define NS1_RSS_KEY_BYTES 40
#define NS1_MRQC_RSS 0x1u
#define NS1_MRQC_TCPIPV4 (1u << 16)
#define NS1_MRQC_IPV4 (1u << 17)
#define NS1_MRQC_UDPIPV4 (1u << 22)

/* Statistics (§3.5): 64-bit counter n at 0x4000 + 8n, low half first (it latches the high half). */
#define NS1_COUNTER(n) (0x4000 + 8 * (n))
#define NS1_COUNTERS 22

/* Interrupt causes (ICR/IMS/IMC) and vectors (§6). */
#define NS1_CAUSE_LSC (1u << 2)
#define NS1_CAUSE_DERR (1u << 15)
#define NS1_CAUSE_RXQ(q) (1u << (16 + (q)))
#define NS1_CAUSE_TXQ(q) (1u << (24 + (q)))
#define NS1_MSIX_ENTRY 16
#define NS1_MSIX_ADDR_LO 0x0
#define NS1_MSIX_ADDR_HI 0x4
#define NS1_MSIX_DATA 0x8
#define NS1_MSIX_CTRL 0xC
#define NS1_MSIX_MASKED 1u

/*
 * Descriptors (§4), 16 bytes, little-endian.
 *   TX: buffer address | length 15:0, CSO 23:16, CMD 31:24, STA 35:32, CSS 47:40, special 63:48
 *   RX: buffer address | length 15:0, checksum 31:16, status 39:32, errors 47:40, special 63:48
 */
struct ns1_desc {
    uint64_t address;
    uint64_t fields;
};
#define NS1_TX_CMD_EOP 0x01u
#define NS1_TX_CMD_IFCS 0x02u
#define NS1_TX_CMD_IC 0x04u
#define NS1_TX_CMD_RS 0x08u
#define NS1_TX_CMD_TSE 0x10u /* §4.3: HDRLEN in CSS, MSS in special */
#define NS1_TX_STA_DD 0x1u
#define NS1_RX_STA_DD 0x1u

#endif /* NS1_REGS_H */
