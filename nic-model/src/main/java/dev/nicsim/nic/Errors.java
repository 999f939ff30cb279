package dev.nicsim.nic;

import dev.nicsim.hw.mem.DmaFault;
import dev.nicsim.hw.pcie.device.DmaFaultListener;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.trace.EventTrace;
import dev.nicsim.nic.regs.Counters;
import dev.nicsim.nic.regs.InterruptCauses;
import dev.nicsim.nic.regs.NicErrors;
import dev.nicsim.nic.regs.NicRegisters;

/**
 * The device's checker of how it is driven (datasheet §9). In strict mode an error stops the simulation with a
 * {@link NicMisuseException} whose message names what was touched, the value, the rule and the time. In silicon mode
 * the error is captured in ERRCODE/ERRADDR (the first one since the last read), counted and signalled with cause DERR,
 * and the caller carries on as hardware would.
 *
 * <p>It also hears of every refused DMA. Blocks say what a transfer is for before issuing it
 * ({@link #dmaContext}), so a fault names the queue and descriptor instead of just an address.
 */
final class Errors implements DmaFaultListener
{
    private final Nic nic;
    private final boolean strict;
    private int errcode;
    private int erraddr;

    private String dmaPurpose = "DMA";
    private DescriptorRing dmaRing;
    private int dmaIndex;
    private boolean refused;

    Errors(final Nic nic)
    {
        this.nic = nic;
        this.strict = nic.config.misuseMode() == MisuseMode.STRICT;
    }

    /** A register was accessed against the rules. Returns only in silicon mode. */
    void register(final int code, final int offset, final long value, final String context)
    {
        fail(code, 0, false, offset, NicRegisters.nameOf(offset), value, context);
    }

    /** A register of a queue block was accessed against the rules. Returns only in silicon mode. */
    void queueRegister(final int code, final DescriptorRing ring, final int offset, final long value,
        final String context)
    {
        fail(code, ring.queue, ring.tx, offset, NicRegisters.nameOf(offset), value, context);
    }

    /** A descriptor's field breaks the rules. Returns only in silicon mode. */
    void descriptor(final int code, final DescriptorRing ring, final int index, final String field, final long value,
        final String context)
    {
        final long address = ring.base() + (long) index * 16;
        fail(code, ring.queue, ring.tx, (int) address, ring.label + " descriptor " + index + " (at bus address 0x" +
            Long.toHexString(address) + ") field " + field, value, context);
    }

    /** An MSI-X vector was used against the rules. Returns only in silicon mode. */
    void vector(final int code, final int vector, final int offset, final long value, final String context)
    {
        fail(code, vector, false, offset, "MSI-X vector " + vector + " (" + NicRegisters.nameOf(offset) + ")", value,
            context);
    }

    /** Says what the next DMA is for, so that a fault can name it. Costs three field writes. */
    void dmaContext(final String purpose, final DescriptorRing ring, final int index)
    {
        dmaPurpose = purpose;
        dmaRing = ring;
        dmaIndex = index;
        refused = false;
    }

    /** Whether the DMA issued since the last {@link #dmaContext} was refused (silicon mode only gets here). */
    boolean refused()
    {
        return refused;
    }

    @Override
    public void dmaFault(final DmaFault fault)
    {
        refused = true;
        final int code;
        if (!nic.slot.config().busMasterEnabled())
        {
            code = NicErrors.DMA_BUS_MASTER_OFF;
        }
        else if (nic.slot.root().barOwnerAt(fault.busAddress()) != null)
        {
            code = NicErrors.DMA_TO_BAR;
        }
        else
        {
            code = NicErrors.DMA_UNMAPPED;
        }
        final DescriptorRing ring = dmaRing;
        final String subject = (ring == null ? "" : ring.label + " ") + dmaPurpose + " at descriptor " + dmaIndex +
            ": " + (fault.write() ? "write" : "read") + " of " + fault.length() + " bytes at bus address";
        if (strict)
        {
            throw new NicMisuseException(code, fault.time(), message(code, subject, fault.busAddress(),
                fault.reason()));
        }
        nic.stats.increment(Counters.DMAFAULTS);
        capture(code, ring == null ? 0 : ring.queue, ring != null && ring.tx, (int) fault.busAddress());
        trace(code, subject, fault.busAddress());
    }

    /** ERRCODE is read-to-clear: returns the first error since the last read and clears it and ERRADDR. */
    int readErrcode()
    {
        final int value = errcode;
        errcode = 0;
        erraddr = 0;
        return value;
    }

    int erraddr()
    {
        return erraddr;
    }

    void reset()
    {
        errcode = 0;
        erraddr = 0;
        dmaRing = null;
    }

    private void fail(final int code, final int queue, final boolean tx, final int address, final String subject,
        final long value, final String context)
    {
        if (strict)
        {
            throw new NicMisuseException(code, nic.sim.now(), message(code, subject, value, context));
        }
        nic.stats.increment(Counters.MISUSE);
        capture(code, queue, tx, address);
        trace(code, subject, value);
    }

    private void capture(final int code, final int queue, final boolean tx, final int address)
    {
        if (errcode == 0)
        {
            errcode = code | queue << NicRegisters.ERRCODE_QUEUE_SHIFT | (tx ? NicRegisters.ERRCODE_TX : 0);
            erraddr = address;
        }
        nic.interrupts.cause(InterruptCauses.DERR);
    }

    private void trace(final int code, final String subject, final long value)
    {
        final EventTrace trace = nic.trace;
        if (trace.enabled())
        {
            trace.add(nic.sim.now(), nic.name, EventTrace.Kind.NOTE, NicErrors.name(code) + ": " + subject + " = 0x" +
                Long.toHexString(value) + " (silicon mode: handled as hardware would)");
        }
    }

    private String message(final int code, final String subject, final long value, final String context)
    {
        return nic.name + ": " + NicErrors.name(code) + " at " + Time.format(nic.sim.now()) + " (" + nic.sim.now() +
            " ps): " + subject + " = 0x" + Long.toHexString(value) + " (" + value + ") breaks the rule: " +
            NicErrors.rule(code) + (context == null || context.isEmpty() ? "" : "; " + context) + ".";
    }
}
