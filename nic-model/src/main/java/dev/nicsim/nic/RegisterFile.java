package dev.nicsim.nic;

import dev.nicsim.hw.pcie.RegisterSpace;
import dev.nicsim.hw.trace.EventTrace;
import dev.nicsim.nic.regs.Counters;
import dev.nicsim.nic.regs.DeviceIdentity;
import dev.nicsim.nic.regs.NicErrors;
import dev.nicsim.nic.regs.NicRegisters;
import dev.nicsim.nic.regs.QueueCounters;
import dev.nicsim.nic.regs.QueueRegisters;
import dev.nicsim.nic.regs.RssRegisters;

/**
 * BAR 0 as software sees it: decodes every access (datasheet §2-3), enforces access types, records a timestamped
 * trace of each access, and hands queue blocks, statistics and the MSI-X table to their blocks.
 */
final class RegisterFile implements RegisterSpace
{
    private static final int RCTL_BITS = NicRegisters.RCTL_EN | NicRegisters.RCTL_UPE | NicRegisters.RCTL_MPE |
        NicRegisters.RCTL_BAM | NicRegisters.RCTL_BSIZE_MASK;
    private static final int TCTL_BITS = NicRegisters.TCTL_EN | NicRegisters.TCTL_PSP;

    private final Nic nic;
    private final int queues;
    private final int linkSpeed;

    RegisterFile(final Nic nic, final int linkSpeedMbps)
    {
        this.nic = nic;
        this.linkSpeed = linkSpeedMbps;
        this.queues = nic.config.txQueues() << DeviceIdentity.QUEUES_TX_SHIFT |
            nic.config.rxQueues() << DeviceIdentity.QUEUES_RX_SHIFT |
            nic.interrupts.vectors() << DeviceIdentity.QUEUES_VECTORS_SHIFT;
    }

    @Override
    public long size()
    {
        return NicRegisters.BAR_SIZE;
    }

    @Override
    public int read32(final long offset)
    {
        final int value = read((int) offset);
        if (nic.trace.enabled())
        {
            nic.trace.add(nic.sim.now(), nic.name, EventTrace.Kind.MMIO, "read  " + NicRegisters.nameOf((int) offset) +
                " = 0x" + Integer.toHexString(value));
        }
        return value;
    }

    @Override
    public void write32(final long offset, final int value)
    {
        final int at = (int) offset;
        if (nic.trace.enabled())
        {
            nic.trace.add(nic.sim.now(), nic.name, EventTrace.Kind.MMIO, "write " + NicRegisters.nameOf(at) +
                " = 0x" + Integer.toHexString(value));
        }
        if (nic.resetting)
        {
            nic.errors.register(NicErrors.WRITE_DURING_RESET, at, value & 0xFFFF_FFFFL,
                "the reset ends " + nic.resetEndsIn() + " ps from now");
            return;
        }
        write(at, value);
    }

    private int read(final int offset)
    {
        return switch (offset)
        {
            case NicRegisters.CTRL -> nic.ctrl | (nic.resetting ? NicRegisters.CTRL_RST : 0);
            case NicRegisters.STATUS -> (nic.port.isUp() ? NicRegisters.STATUS_LU : 0) |
                (nic.masterActive() ? NicRegisters.STATUS_GIO_MASTER_ENABLED : 0);
            case NicRegisters.ICR -> nic.interrupts.readIcr();
            case NicRegisters.ITR -> nic.interrupts.itr();
            case NicRegisters.IMS -> nic.interrupts.ims();
            case NicRegisters.ICS, NicRegisters.IMC -> writeOnly(offset);
            case NicRegisters.RCTL -> nic.rctl;
            case NicRegisters.TCTL -> nic.tctl;
            case NicRegisters.RXCSUM -> nic.rxcsum;
            case NicRegisters.RAL0 -> nic.ral;
            case NicRegisters.RAH0 -> nic.rah;
            case NicRegisters.ID -> DeviceIdentity.ID_VALUE;
            case NicRegisters.VERSION -> DeviceIdentity.VERSION_VALUE;
            case NicRegisters.FEATURES -> DeviceIdentity.FEATURES_VALUE |
                (nic.config.tso() ? DeviceIdentity.FEATURE_TSO : 0);
            case NicRegisters.QUEUES -> queues;
            case NicRegisters.LINK_SPEED -> linkSpeed;
            case NicRegisters.MSIX_TABLE -> NicRegisters.MSIX_TABLE_OFFSET;
            case NicRegisters.MSIX_PBA -> NicRegisters.MSIX_PBA_OFFSET;
            case NicRegisters.MAX_FRAME -> nic.config.maxFrameBytes();
            case NicRegisters.QUEUE_STRIDE -> QueueRegisters.STRIDE;
            case NicRegisters.ERRCODE -> nic.errors.readErrcode();
            case NicRegisters.ERRADDR -> nic.errors.erraddr();
            case RssRegisters.MRQC -> nic.rss.mrqc();
            default -> readBlock(offset);
        };
    }

    private int readBlock(final int offset)
    {
        final int vector = eitrVector(offset);
        if (vector >= 0)
        {
            return nic.interrupts.eitr(vector);
        }
        final DescriptorRing ring = ring(offset);
        if (ring != null)
        {
            return ring.read(offset % QueueRegisters.STRIDE);
        }
        if (counters(offset))
        {
            return nic.stats.read(offset);
        }
        if (offset >= RssRegisters.RETA_BASE && offset < RssRegisters.reta(RssRegisters.RETA_REGISTERS))
        {
            return nic.rss.readTable((offset - RssRegisters.RETA_BASE) / 4);
        }
        if (offset >= RssRegisters.RSSRK_BASE && offset < RssRegisters.rssrk(RssRegisters.KEY_REGISTERS))
        {
            return nic.rss.readKey((offset - RssRegisters.RSSRK_BASE) / 4);
        }
        if (offset >= NicRegisters.MSIX_TABLE_OFFSET && offset < NicRegisters.MSIX_TABLE_OFFSET +
            nic.interrupts.tableBytes())
        {
            return nic.interrupts.readTable(offset - NicRegisters.MSIX_TABLE_OFFSET);
        }
        if (offset >= NicRegisters.MSIX_PBA_OFFSET && offset < NicRegisters.MSIX_PBA_OFFSET +
            nic.interrupts.pendingBytes())
        {
            return nic.interrupts.readPending(offset - NicRegisters.MSIX_PBA_OFFSET);
        }
        nic.errors.register(NicErrors.REG_UNKNOWN, offset, 0, "read of an offset that holds no register");
        return 0;
    }

    private int writeOnly(final int offset)
    {
        nic.errors.register(NicErrors.REG_WRITE_ONLY, offset, 0, "it reads as 0");
        return 0;
    }

    private void write(final int offset, final int value)
    {
        switch (offset)
        {
            case NicRegisters.CTRL -> nic.writeCtrl(value);
            case NicRegisters.ICR -> nic.interrupts.clearIcr(value);
            case NicRegisters.ITR -> nic.interrupts.setItr(value);
            case NicRegisters.ICS -> nic.interrupts.setCauses(value);
            case NicRegisters.IMS -> nic.interrupts.setMask(value);
            case NicRegisters.IMC -> nic.interrupts.clearMask(value);
            case NicRegisters.RCTL -> nic.rctl = value & RCTL_BITS;
            case NicRegisters.TCTL -> nic.writeTctl(value & TCTL_BITS);
            case NicRegisters.RXCSUM -> nic.rxcsum = value & NicRegisters.RXCSUM_PCSS_MASK;
            case NicRegisters.RAL0 -> nic.ral = value;
            case NicRegisters.RAH0 -> nic.rah = value & (NicRegisters.RAH_AV | 0xFFFF);
            case RssRegisters.MRQC -> nic.rss.writeMrqc(value);
            case NicRegisters.STATUS, NicRegisters.ID, NicRegisters.VERSION, NicRegisters.FEATURES,
                 NicRegisters.QUEUES, NicRegisters.LINK_SPEED, NicRegisters.MSIX_TABLE, NicRegisters.MSIX_PBA,
                 NicRegisters.MAX_FRAME, NicRegisters.QUEUE_STRIDE, NicRegisters.ERRCODE, NicRegisters.ERRADDR ->
                readOnly(offset, value);
            default -> writeBlock(offset, value);
        }
    }

    private void writeBlock(final int offset, final int value)
    {
        final int vector = eitrVector(offset);
        if (vector >= 0)
        {
            nic.interrupts.setEitr(vector, value);
            return;
        }
        final DescriptorRing ring = ring(offset);
        if (ring != null)
        {
            ring.write(offset, offset % QueueRegisters.STRIDE, value);
            return;
        }
        if (offset >= RssRegisters.RETA_BASE && offset < RssRegisters.reta(RssRegisters.RETA_REGISTERS))
        {
            nic.rss.writeTable(offset, (offset - RssRegisters.RETA_BASE) / 4, value);
            return;
        }
        if (offset >= RssRegisters.RSSRK_BASE && offset < RssRegisters.rssrk(RssRegisters.KEY_REGISTERS))
        {
            nic.rss.writeKey((offset - RssRegisters.RSSRK_BASE) / 4, value);
            return;
        }
        if (counters(offset) || offset >= NicRegisters.MSIX_PBA_OFFSET && offset < NicRegisters.MSIX_PBA_OFFSET +
                nic.interrupts.pendingBytes())
        {
            readOnly(offset, value);
            return;
        }
        if (offset >= NicRegisters.MSIX_TABLE_OFFSET && offset < NicRegisters.MSIX_TABLE_OFFSET +
            nic.interrupts.tableBytes())
        {
            nic.interrupts.writeTable(offset - NicRegisters.MSIX_TABLE_OFFSET, value);
            return;
        }
        nic.errors.register(NicErrors.REG_UNKNOWN, offset, value & 0xFFFF_FFFFL,
            "write to an offset that holds no register");
    }

    /** Whether {@code offset} is in the general or the per-queue statistics block. */
    private static boolean counters(final int offset)
    {
        return offset >= Counters.BASE && offset < Counters.BASE + 8 * Counters.COUNT ||
            offset >= QueueCounters.BASE && offset < QueueCounters.BASE + 8 * QueueCounters.COUNT;
    }

    private void readOnly(final int offset, final int value)
    {
        nic.errors.register(NicErrors.REG_READ_ONLY, offset, value & 0xFFFF_FFFFL, "the write is ignored");
    }

    private int eitrVector(final int offset)
    {
        final int vector = (offset - NicRegisters.EITR_BASE) / 4;
        return offset >= NicRegisters.EITR_BASE && vector < nic.interrupts.vectors() ? vector : -1;
    }

    /** The queue whose block holds {@code offset} at one of its six registers, or null. */
    private DescriptorRing ring(final int offset)
    {
        final DescriptorRing[] rings;
        final int base;
        if (offset >= QueueRegisters.RX_BASE && offset < QueueRegisters.RX_BASE + QueueRegisters.STRIDE *
            nic.rxQueues.length)
        {
            rings = nic.rxQueues;
            base = QueueRegisters.RX_BASE;
        }
        else if (offset >= QueueRegisters.TX_BASE && offset < QueueRegisters.TX_BASE + QueueRegisters.STRIDE *
            nic.txQueues.length)
        {
            rings = nic.txQueues;
            base = QueueRegisters.TX_BASE;
        }
        else
        {
            return null;
        }
        return switch (offset % QueueRegisters.STRIDE)
        {
            case QueueRegisters.BAL, QueueRegisters.BAH, QueueRegisters.LEN, QueueRegisters.HEAD, QueueRegisters.TAIL,
                 QueueRegisters.DCTL -> rings[(offset - base) / QueueRegisters.STRIDE];
            default -> null;
        };
    }
}
