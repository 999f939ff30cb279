package dev.nicsim.nic;

import dev.nicsim.hw.pcie.device.MsixTable;
import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.trace.EventTrace;
import dev.nicsim.nic.regs.Counters;
import dev.nicsim.nic.regs.InterruptCauses;
import dev.nicsim.nic.regs.NicErrors;
import dev.nicsim.nic.regs.NicRegisters;

/**
 * Causes, masks, throttling and MSI-X (datasheet §3.1, §5.3, §6).
 *
 * <p>An event sets its cause bit in ICR; if IMS enables the bit, the cause's vector is requested. A vector's throttle
 * sends at once when idle and then holds further requests until EITR × 256 ns have passed, when a held request sends
 * one message. Sending means raising the vector in the MSI-X table, which holds it pending while the vector is masked.
 */
final class InterruptUnit
{
    private final Nic nic;
    private final MsixTable table;
    private final int rxQueues;
    private final int txQueues;
    private final int otherVector;
    private final int validCauses;
    private final int[] eitr;
    private final Throttle[] throttles;
    private int icr;
    private int ims;
    private int itr;

    InterruptUnit(final Nic nic)
    {
        this.nic = nic;
        this.rxQueues = nic.config.rxQueues();
        this.txQueues = nic.config.txQueues();
        final int vectors = InterruptCauses.vectors(rxQueues, txQueues);
        this.table = new MsixTable(vectors, nic.dma);
        this.otherVector = InterruptCauses.otherVector(rxQueues, txQueues);
        int causes = InterruptCauses.OTHER;
        for (int q = 0; q < rxQueues; q++)
        {
            causes |= InterruptCauses.rxQueue(q);
        }
        for (int q = 0; q < txQueues; q++)
        {
            causes |= InterruptCauses.txQueue(q);
        }
        this.validCauses = causes;
        this.eitr = new int[vectors];
        this.throttles = new Throttle[vectors];
        for (int v = 0; v < vectors; v++)
        {
            throttles[v] = new Throttle(v);
        }
    }

    int vectors()
    {
        return throttles.length;
    }

    /** Events happened: their cause bits are set, and enabled ones request their vectors. */
    void cause(final int bits)
    {
        icr |= bits;
        if (nic.signals != null)
        {
            nic.signals.icr.set(nic.sim.now(), icr & 0xFFFF_FFFFL);
        }
        final int enabled = bits & ims;
        if (enabled != 0)
        {
            request(enabled);
        }
    }

    int readIcr()
    {
        final int value = icr;
        icr = 0;
        if (nic.signals != null)
        {
            nic.signals.icr.set(nic.sim.now(), 0);
        }
        return value;
    }

    void clearIcr(final int bits)
    {
        icr &= ~bits;
    }

    void setCauses(final int bits)
    {
        cause(bits & validCauses);
    }

    int ims()
    {
        return ims;
    }

    void setMask(final int bits)
    {
        final int enabled = bits & validCauses & ~ims;
        ims |= bits & validCauses;
        final int waiting = enabled & icr;
        if (waiting != 0)
        {
            request(waiting);
        }
    }

    void clearMask(final int bits)
    {
        ims &= ~bits;
    }

    int itr()
    {
        return itr;
    }

    void setItr(final int value)
    {
        itr = value & NicRegisters.ITR_INTERVAL_MASK;
        java.util.Arrays.fill(eitr, itr);
    }

    int eitr(final int vector)
    {
        return eitr[vector];
    }

    void setEitr(final int vector, final int value)
    {
        eitr[vector] = value & NicRegisters.ITR_INTERVAL_MASK;
    }

    /* MSI-X table and pending bits, as software reaches them through BAR 0. */

    int tableBytes()
    {
        return table.tableBytes();
    }

    int pendingBytes()
    {
        return table.pendingBytes();
    }

    int readTable(final int offset)
    {
        return table.readTable(offset);
    }

    int readPending(final int offset)
    {
        return table.readPending(offset);
    }

    void writeTable(final int offset, final int value)
    {
        final int vector = offset / MsixTable.ENTRY_BYTES;
        final boolean unmask = offset % MsixTable.ENTRY_BYTES == MsixTable.ENTRY_CONTROL &&
            (value & MsixTable.CONTROL_MASK) == 0 && table.isMasked(vector);
        if (unmask && !table.isProgrammed(vector))
        {
            nic.errors.vector(NicErrors.MSIX_UNPROGRAMMED, vector, NicRegisters.MSIX_TABLE_OFFSET + offset, value,
                "program the entry's message address and data first");
            return;
        }
        final boolean sendsPending = unmask && table.isPending(vector);
        table.writeTable(offset, value);
        if (sendsPending)
        {
            sent(vector);
        }
    }

    /** Software reset: causes, masks, intervals and the MSI-X table to their reset values. */
    void reset()
    {
        icr = 0;
        ims = 0;
        itr = 0;
        java.util.Arrays.fill(eitr, 0);
        for (final Throttle throttle : throttles)
        {
            throttle.held = false;
            nic.sim.cancel(throttle);
        }
        table.reset();
    }

    private void request(final int bits)
    {
        if ((bits & InterruptCauses.OTHER) != 0)
        {
            throttles[otherVector].request();
        }
        int rx = (bits >>> 16) & 0xFF;
        while (rx != 0)
        {
            final int queue = Integer.numberOfTrailingZeros(rx);
            rx &= rx - 1;
            throttles[InterruptCauses.rxVector(queue)].request();
        }
        int tx = bits >>> 24;
        while (tx != 0)
        {
            final int queue = Integer.numberOfTrailingZeros(tx);
            tx &= tx - 1;
            throttles[InterruptCauses.txVector(rxQueues, queue)].request();
        }
    }

    private void send(final int vector)
    {
        if (table.isMasked(vector))
        {
            table.raise(vector);
            return;
        }
        if (!table.isProgrammed(vector))
        {
            nic.errors.vector(NicErrors.MSIX_UNPROGRAMMED, vector, NicRegisters.msix(vector, NicRegisters.MSIX_CONTROL),
                0, "the vector is unmasked but its message address was cleared");
            nic.stats.increment(Counters.MSIXDROPS);
            return;
        }
        table.raise(vector);
        sent(vector);
    }

    private void sent(final int vector)
    {
        nic.stats.increment(Counters.INTERRUPTS);
        final long now = nic.sim.now();
        if (nic.signals != null)
        {
            nic.signals.irq[vector].set(now, 1);
            nic.signals.irq[vector].set(now + nic.core.periodPs(), 0);
        }
        final EventTrace trace = nic.trace;
        if (trace.enabled())
        {
            trace.add(now, nic.name, EventTrace.Kind.INTERRUPT, "MSI-X vector " + vector + " sent");
        }
    }

    /** One vector's throttle timer: at most one message per EITR interval. */
    private final class Throttle extends Event
    {
        private final int vector;
        private boolean held;

        Throttle(final int vector)
        {
            super(nic.name + ".itr" + vector, Component.INTERRUPT_MODERATION);
            this.vector = vector;
        }

        void request()
        {
            if (isScheduled())
            {
                held = true;
                return;
            }
            send(vector);
            final long interval = eitr[vector] * NicRegisters.ITR_UNIT_PS;
            if (interval > 0)
            {
                nic.sim.scheduleIn(this, interval);
            }
        }

        @Override
        protected void fire()
        {
            if (!held)
            {
                return;
            }
            held = false;
            send(vector);
            final long interval = eitr[vector] * NicRegisters.ITR_UNIT_PS;
            if (interval > 0)
            {
                nic.sim.scheduleIn(this, interval);
            }
        }
    }
}
