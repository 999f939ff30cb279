package dev.nicsim.nic;

import dev.nicsim.hw.eth.EthernetLink.EthernetPort;
import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.trace.EventTrace;
import dev.nicsim.nic.regs.Counters;
import dev.nicsim.nic.regs.NicRegisters;
import dev.nicsim.nic.regs.TxDescriptor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The transmit MAC and PHY (datasheet §5.1, steps 5-6). A frame complete in the TX FIFO reaches the MAC after the
 * asynchronous FIFO's synchronizer; the MAC pads it (TCTL.PSP), appends the FCS (the JDK's CRC-32) and after its
 * pipeline hands it to the PHY, whose first bit is on the wire a PHY latency later, or when the wire is free. The
 * frame's FIFO room is freed when it has left and the wire is free again.
 */
final class MacTx
{
    private static final int MIN_PAYLOAD = 60;
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final MemorySegment ZEROS = Arena.ofAuto().allocate(MIN_PAYLOAD, 8);

    private final Nic nic;
    private final EthernetPort port;
    private final TxEngine engine;
    private final PacketFifo fifo;
    private final long latency;
    private final Event start;
    private final Event done;
    private final int[] waiting;
    private final long[] readyAt;
    private int head;
    private int count;
    private boolean onWire;
    private int current;

    MacTx(final Nic nic, final EthernetPort port)
    {
        this.nic = nic;
        this.port = port;
        this.engine = nic.txEngine;
        this.fifo = engine.fifo;
        final NicConfig config = nic.config;
        this.latency = nic.mac.cycles(config.fifoSyncCycles() + config.macTxPipelineCycles()) +
            config.phyTxLatencyPs();
        this.start = new Event(nic.name + ".mac-tx", Component.MAC_WIRE, this::startFrame);
        this.done = new Event(nic.name + ".mac-tx-done", Component.MAC_WIRE, this::frameLeft);
        this.waiting = new int[fifo.slots()];
        this.readyAt = new long[fifo.slots()];
    }

    /**
     * A frame is complete in the TX FIFO at {@code complete} (now or later, in the order frames complete); it can
     * start on the wire after the crossing, MAC and PHY.
     */
    void enqueue(final int slot, final long complete)
    {
        final int tail = (head + count) % waiting.length;
        waiting[tail] = slot;
        readyAt[tail] = complete + latency;
        count++;
        next();
    }

    private void next()
    {
        if (count > 0 && !onWire && !start.isScheduled())
        {
            nic.sim.schedule(start, Math.max(nic.sim.now(), readyAt[head]));
        }
    }

    private void startFrame()
    {
        final int slot = waiting[head];
        head = (head + 1) % waiting.length;
        count--;
        if (!port.isUp())
        {
            nic.stats.increment(Counters.TXLINKDOWN);
            engine.release(slot);
            next();
            return;
        }
        final MemorySegment memory = fifo.storage();
        final long at = fifo.offset(slot);
        int bytes = engine.length[slot];
        if ((nic.tctl & NicRegisters.TCTL_PSP) != 0 && bytes < MIN_PAYLOAD)
        {
            MemorySegment.copy(ZEROS, 0, memory, at + bytes, MIN_PAYLOAD - bytes);
            bytes = MIN_PAYLOAD;
        }
        final boolean fcsAppended = (engine.cmd[slot] & TxDescriptor.CMD_IFCS) != 0;
        if (fcsAppended)
        {
            // Computed only when someone will read it (a tap, a fault stage, a switch): a receiving MAC on a plain
            // cable takes the wire's word for it. The CRC-32 of a full-size frame costs ~110 ns of wall time.
            if (port.fcsBytesRead())
            {
                memory.set(LE_INT, at + bytes, fifo.crc32(at, bytes));
            }
            bytes += 4;
        }
        final long now = nic.sim.now();
        final long free = port.transmit(memory, at, bytes, fcsAppended);
        nic.stats.increment(Counters.GPTC);
        nic.stats.add(Counters.GOTC, bytes);
        nic.stats.queueFrame(engine.owner(slot), false, bytes);
        if (nic.trace.enabled())
        {
            nic.trace.add(now, nic.name, EventTrace.Kind.FRAME, "transmit " + bytes + " B, wire free at " + free +
                " ps");
        }
        if (nic.signals != null)
        {
            nic.signals.macTxBusy.set(now, 1);
        }
        onWire = true;
        current = slot;
        nic.sim.schedule(done, free);
    }

    private void frameLeft()
    {
        onWire = false;
        if (nic.signals != null)
        {
            nic.signals.macTxBusy.set(nic.sim.now(), 0);
        }
        engine.release(current);
        final long now = nic.sim.now();
        if (count > 0 && readyAt[head] <= now && nic.sim.nextEventTime() > now)
        {
            // Back to back: the next frame's start event would be the very next to fire, at this time; start it here.
            startFrame();
        }
        else
        {
            next();
        }
    }

    /** Software reset: frames waiting for the MAC are gone (one already on the wire finishes there). */
    void reset()
    {
        nic.sim.cancel(start);
        nic.sim.cancel(done);
        count = 0;
        onWire = false;
        if (nic.signals != null)
        {
            nic.signals.macTxBusy.set(nic.sim.now(), 0);
        }
    }
}
