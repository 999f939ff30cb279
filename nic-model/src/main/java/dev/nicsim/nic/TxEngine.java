package dev.nicsim.nic;

import dev.nicsim.hw.pcie.device.DmaClient;
import dev.nicsim.hw.pcie.device.DmaEngine;
import dev.nicsim.hw.sim.ClockDomain;
import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Reservation;
import dev.nicsim.hw.trace.EventTrace;
import dev.nicsim.nic.regs.Counters;
import dev.nicsim.nic.regs.NicErrors;
import dev.nicsim.nic.regs.NicRegisters;
import dev.nicsim.nic.regs.TxDescriptor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The transmit engine and checksum unit (datasheet §5.1, steps 3-4). On core edges it takes one cached descriptor per
 * {@link NicConfig#descriptorCycles()}, round robin over the TX queues, reserves its bytes in the TX FIFO and reads
 * its buffer there by DMA; a full FIFO stalls it until the MAC frees room. A frame's descriptors fill one FIFO slot.
 * When the last data of a frame (EOP) has arrived, the frame streams through the checksum unit, one datapath width per
 * cycle, gets its checksum inserted and goes to the {@link MacTx}.
 *
 * <p>A descriptor with CMD.TSE starts a TSO packet (datasheet §4.3): its headers are read once into the queue's header
 * store, then each step cuts one frame: the headers are copied from the store into a FIFO slot and updated (IPv4
 * length and ID, TCP sequence number and flags), and the next MSS bytes of payload are read by DMA behind them, from
 * as many descriptors as they span. The checksum unit then computes both checksums of the frame. So the DMA reads
 * every byte of the packet once and the wire carries whole frames.
 *
 * <p>A DMA read's tag carries the FIFO slot and the cache entry of its descriptor. Slots whose queue stopped while a
 * read into them was in flight are orphaned: they are freed only when that read has landed, so stale data never
 * overwrites a newer frame.
 */
final class TxEngine implements DmaClient
{
    private static final int SLOT_BITS = 18;
    private static final int SLOT_MASK = (1 << SLOT_BITS) - 1;

    /* TSO: per queue, what the segmentation unit is doing. */
    private static final int TSO_IDLE = 0;
    private static final int TSO_HEADER = 1;
    private static final int TSO_SEGMENTING = 2;
    private static final int TSO_DROPPING = 3;
    /** Bytes of header store per queue: CSS is 8 bits. */
    private static final int HEADER_STORE = 256;
    private static final int ETH_HEADER = 14;
    private static final int MIN_TSO_HEADER = ETH_HEADER + 20 + 20;
    private static final int TCP_CWR = 0x80;
    private static final int TCP_PSH = 0x08;
    private static final int TCP_FIN = 0x01;
    private static final ValueLayout.OfShort BE_SHORT =
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final Nic nic;
    final PacketFifo fifo;
    private final Event step;
    /*
     * The step's place while no descriptor is cached: such a step would find nothing to do. Twice per frame in a
     * stream (the cycle after taking a descriptor, and the FIFO room freed when the frame has left) the step used to
     * fire only to find that; a descriptor arriving commits the place instead (fetched() wakes the engine).
     */
    private final Reservation idleStep;
    private final String checksumStage;
    private final int maxFrame;
    private final int[] assembling;
    private int nextQueue;
    private long checksumFreeAt;

    /* Per FIFO slot: the frame in it. */
    final int[] length;
    final int[] cmd;
    private final int[] owner;
    private final int[] pending;
    private final boolean[] complete;
    private final boolean[] dropped;
    private final boolean[] orphan;
    private final boolean[] insertChecksum;
    private final int[] css;
    private final int[] cso;
    /** The IPv4 header length of a TSO frame, whose checksums the checksum unit computes; 0 for other frames. */
    private final int[] segmentIpHeader;

    /* Per TX queue and cache entry: DMA reads of its buffer in flight, and whether every byte has been issued. */
    private final int[][] reads;
    private final boolean[][] issuedAll;

    /* Per TX queue: the TSO packet in progress. */
    private final int[] tsoState;
    private final int[] tsoHeaderBytes;
    private final int[] tsoMss;
    private final int[] tsoCmd;
    private final int[] tsoFrame;
    /* The descriptor being consumed: cache entry, ring index, next byte's bus address, bytes left, EOP. */
    private final int[] tsoEntry;
    private final int[] tsoIndex;
    private final long[] tsoAddress;
    private final int[] tsoLeft;
    private final boolean[] tsoEop;
    private final MemorySegment headerStore;
    private final DmaClient headerRead = this::headerRead;

    TxEngine(final Nic nic)
    {
        this.nic = nic;
        final NicConfig config = nic.config;
        this.fifo = new PacketFifo(config.txFifoBytes(), slotBytes(config));
        this.step = new Event(nic.name + ".tx-engine", Component.NIC_PIPELINE, this::step);
        this.idleStep = new Reservation(nic.sim, step);
        this.checksumStage = nic.name + ".checksum";
        this.maxFrame = config.maxFrameBytes() - 4;
        this.assembling = new int[config.txQueues()];
        Arrays.fill(assembling, -1);
        final int slots = fifo.slots();
        length = new int[slots];
        cmd = new int[slots];
        owner = new int[slots];
        pending = new int[slots];
        complete = new boolean[slots];
        dropped = new boolean[slots];
        orphan = new boolean[slots];
        insertChecksum = new boolean[slots];
        css = new int[slots];
        cso = new int[slots];
        segmentIpHeader = new int[slots];
        final int queues = config.txQueues();
        reads = new int[queues][config.descriptorCacheEntries()];
        issuedAll = new boolean[queues][config.descriptorCacheEntries()];
        tsoState = new int[queues];
        tsoHeaderBytes = new int[queues];
        tsoMss = new int[queues];
        tsoCmd = new int[queues];
        tsoFrame = new int[queues];
        tsoEntry = new int[queues];
        tsoIndex = new int[queues];
        tsoAddress = new long[queues];
        tsoLeft = new int[queues];
        tsoEop = new boolean[queues];
        headerStore = Arena.ofAuto().allocate((long) HEADER_STORE * queues, 64);
    }

    /** The TX queue whose frame is in {@code slot}. */
    int owner(final int slot)
    {
        return owner[slot];
    }

    /** FIFO slots hold the largest frame, FCS included, rounded up to a 64-byte line. */
    static int slotBytes(final NicConfig config)
    {
        return (config.maxFrameBytes() + 63) & ~63;
    }

    /** Work may be waiting from {@code at} on (descriptors fetched, FIFO room freed, transmit enabled). */
    void wake(final long at)
    {
        final long time = Math.max(nic.core.nextEdge(at), nic.sim.now());
        if (step.isScheduled() ? step.time() <= time : idleStep.isHeld() && idleStep.time() <= time)
        {
            if (descriptorCached())
            {
                idleStep.commit();
            }
            return;
        }
        stepAt(time);
    }

    /**
     * The next step comes at {@code time}: queued, or only its place held while it would find nothing to do (no
     * descriptor cached, or a TSO frame to cut and no FIFO room for it: once per frame while the wire is the limit).
     */
    private void stepAt(final long time)
    {
        nic.sim.cancel(step);
        if (descriptorCached() && !waitsForRoom(time))
        {
            idleStep.cancel();
            nic.sim.schedule(step, time);
        }
        else
        {
            idleStep.hold(time);
        }
    }

    /**
     * Whether a step at {@code time} would stop at once: the first queue it would serve is cutting a TSO packet whose
     * next frame is ready but does not fit in the FIFO. Room comes only with {@link #release} or
     * {@link #queueStopped}, which commit the step's place.
     */
    private boolean waitsForRoom(final long time)
    {
        final TxQueue[] queues = nic.txQueues;
        for (int k = 0; k < queues.length; k++)
        {
            final int q = (nextQueue + k) % queues.length;
            final TxQueue queue = queues[q];
            if (queue.active() && tsoState[q] != TSO_HEADER)
            {
                return tsoState[q] == TSO_SEGMENTING && segmentReadyAt(queue, time) <= time &&
                    !fifo.fits(tsoHeaderBytes[q] + segmentPayload(queue));
            }
        }
        return false;
    }

    /** Whether any TX queue holds a fetched descriptor the engine has not taken: without one a step does nothing. */
    private boolean descriptorCached()
    {
        final TxQueue[] queues = nic.txQueues;
        for (int q = 0; q < queues.length; q++)
        {
            if (queues[q].nextReadyAt() != Long.MAX_VALUE || tsoState[q] == TSO_SEGMENTING)
            {
                return true;
            }
        }
        return false;
    }

    private void step()
    {
        if (!nic.dmaAllowed() || (nic.tctl & NicRegisters.TCTL_EN) == 0)
        {
            return;
        }
        final long now = nic.sim.now();
        final TxQueue[] queues = nic.txQueues;
        long earliest = Long.MAX_VALUE;
        for (int k = 0; k < queues.length; k++)
        {
            final int q = (nextQueue + k) % queues.length;
            final TxQueue queue = queues[q];
            if (!queue.active() || tsoState[q] == TSO_HEADER)
            {
                continue;
            }
            if (tsoState[q] == TSO_SEGMENTING)
            {
                final long ready = segmentReadyAt(queue, now);
                if (ready <= now)
                {
                    final int cycles = segment(queue);
                    if (cycles > 0)
                    {
                        nextQueue = (q + 1) % queues.length;
                        stepAt(nic.core.edgeAfter(now, cycles));
                    }
                    return;
                }
                if (ready == Long.MAX_VALUE)
                {
                    if (cachedSpan(queue) >= queue.cacheEntries)
                    {
                        // Returns only in silicon mode, with the packet's rest to drop as its descriptors come.
                        refuseFrameSpan(queue);
                        continue;
                    }
                    // The fetch may now take what fits instead of a whole burst (TxQueue.starved).
                    queue.kick(nic.config.fetchIssueCycles());
                }
                earliest = Math.min(earliest, ready);
                continue;
            }
            if (queue.hasDescriptor(now))
            {
                if (take(queue))
                {
                    nextQueue = (q + 1) % queues.length;
                    // Taking may have woken the engine already (a dropped frame freed room): next cycle is what counts.
                    stepAt(nic.core.edgeAfter(now, nic.config.descriptorCycles()));
                }
                return;
            }
            earliest = Math.min(earliest, queue.nextReadyAt());
        }
        if (earliest != Long.MAX_VALUE)
        {
            wake(earliest);
        }
    }

    /** Takes the queue's next descriptor; false (nothing taken) when the FIFO has no room for it. */
    private boolean take(final TxQueue queue)
    {
        final int q = queue.queue;
        final int entry = queue.nextEntry();
        final long fields = queue.fields(entry);
        final int bytes = TxDescriptor.length(fields);
        final int command = TxDescriptor.cmd(fields);
        int slot = assembling[q];
        if (tsoState[q] == TSO_DROPPING)
        {
            queue.issued();
            queue.dataDone(entry);
            if ((command & TxDescriptor.CMD_EOP) != 0)
            {
                tsoDropped(q);
            }
            return true;
        }
        if (slot < 0 && (command & TxDescriptor.CMD_TSE) != 0)
        {
            startTso(queue, entry, fields);
            return true;
        }
        if (slot < 0)
        {
            slot = fifo.allocate();
            if (slot < 0)
            {
                return false;
            }
            newFrame(slot, q, 0);
            assembling[q] = slot;
        }
        final int index = queue.nextRingIndex();
        if (!dropped[slot] && !acceptable(queue, index, slot, bytes, command))
        {
            dropped[slot] = true;
        }
        if (dropped[slot])
        {
            queue.issued();
            queue.dataDone(entry);
        }
        else
        {
            if (!fifo.reserve(bytes))
            {
                return false;
            }
            levelChanged();
            pending[slot]++;
            final long buffer = queue.address(entry);
            if (nic.trace.enabled())
            {
                nic.trace.add(nic.sim.now(), nic.name, EventTrace.Kind.DMA, queue.label + ": descriptor " + index +
                    ", read " + bytes + " B of buffer at 0x" + Long.toHexString(buffer));
            }
            queue.issued();
            reads[q][entry] = 1;
            issuedAll[q][entry] = true;
            nic.errors.dmaContext("buffer read", queue, index);
            nic.dma.read(buffer, bytes, fifo.storage(), fifo.offset(slot) + length[slot], this,
                slot | entry << SLOT_BITS);
            length[slot] += bytes;
        }
        if ((command & TxDescriptor.CMD_EOP) != 0)
        {
            endOfPacket(queue, index, slot, fields);
        }
        return true;
    }

    /** A frame of queue q starts in {@code slot}, {@code bytes} long so far. */
    private void newFrame(final int slot, final int q, final int bytes)
    {
        length[slot] = bytes;
        pending[slot] = 0;
        complete[slot] = false;
        dropped[slot] = false;
        orphan[slot] = false;
        owner[slot] = q;
        segmentIpHeader[slot] = 0;
    }

    private boolean acceptable(final TxQueue queue, final int index, final int slot, final int bytes,
        final int command)
    {
        if ((command & (TxDescriptor.CMD_DEXT | TxDescriptor.CMD_VLE)) != 0)
        {
            nic.errors.descriptor(NicErrors.TX_DESCRIPTOR_UNSUPPORTED, queue, index, "CMD", command,
                "DEXT (0x20) and VLE (0x40) must be clear");
            return false;
        }
        if (bytes == 0)
        {
            nic.errors.descriptor(NicErrors.TX_LENGTH_ZERO, queue, index, "length", 0, "");
            return false;
        }
        if (length[slot] + bytes > maxFrame)
        {
            nic.errors.descriptor(NicErrors.TX_FRAME_OVERSIZE, queue, index, "length", bytes, "the frame would hold " +
                (length[slot] + bytes) + " bytes, at most " + maxFrame);
            return false;
        }
        return true;
    }

    private void endOfPacket(final TxQueue queue, final int index, final int slot, final long fields)
    {
        final int command = TxDescriptor.cmd(fields);
        cmd[slot] = command;
        css[slot] = TxDescriptor.css(fields);
        cso[slot] = TxDescriptor.cso(fields);
        insertChecksum[slot] = (command & TxDescriptor.CMD_IC) != 0 && !dropped[slot] &&
            checksumOffsetsFit(queue, index, slot);
        complete[slot] = true;
        assembling[queue.queue] = -1;
        if (pending[slot] == 0)
        {
            frameRead(slot);
        }
    }

    private boolean checksumOffsetsFit(final TxQueue queue, final int index, final int slot)
    {
        if (css[slot] < length[slot] && cso[slot] + 2 <= length[slot])
        {
            return true;
        }
        nic.errors.descriptor(NicErrors.TX_CHECKSUM_OFFSETS, queue, index, "CSS/CSO", css[slot] << 8 | cso[slot],
            "CSS " + css[slot] + ", CSO " + cso[slot] + " in a frame of " + length[slot] + " bytes");
        return false;
    }

    /** A buffer read has landed in the TX FIFO (or was refused). */
    @Override
    public void dmaComplete(final int tag, final int status)
    {
        final int slot = tag & SLOT_MASK;
        pending[slot]--;
        if (orphan[slot])
        {
            if (pending[slot] == 0)
            {
                orphan[slot] = false;
                fifo.free(slot);
            }
            return;
        }
        final TxQueue queue = nic.txQueues[owner[slot]];
        if (status == DmaEngine.OK)
        {
            readDone(queue, tag >>> SLOT_BITS);
        }
        else
        {
            // Silicon mode: the frame is lost and the queue halts, which frees or orphans its unfinished frames.
            dropped[slot] = true;
            queue.halt();
        }
        if (!orphan[slot] && fifo.isAllocated(slot) && complete[slot] && pending[slot] == 0)
        {
            frameRead(slot);
        }
    }

    /**
     * Every byte of the frame is in the FIFO: through the checksum unit, one datapath width per cycle, then to the MAC.
     * The unit's result depends only on bytes already here, so it is computed now and the frame is handed to the MAC
     * with the time it leaves the unit: no event for the unit (one per frame before).
     */
    private void frameRead(final int slot)
    {
        if (dropped[slot])
        {
            nic.stats.increment(Counters.TXDROPS);
            release(slot);
            return;
        }
        final ClockDomain core = nic.core;
        final long beats = ClockDomain.beats(length[slot], nic.config.coreDatapathBytes());
        final long start = Math.max(core.nextEdge(nic.sim.now()), checksumFreeAt);
        checksumFreeAt = start + core.cycles(beats);
        checksum(slot);
        final long checksummed = start + core.cycles(beats + nic.config.checksumPipelineCycles());
        final int enclosing = nic.sim.enterStage(checksumStage, Component.NIC_PIPELINE, checksummed);
        nic.macTx.enqueue(slot, checksummed);
        nic.sim.leaveStage(enclosing);
    }

    /** One read of a descriptor's buffer has landed: the descriptor completes when all its bytes have. */
    private void readDone(final TxQueue queue, final int entry)
    {
        final int q = queue.queue;
        if (--reads[q][entry] == 0 && issuedAll[q][entry])
        {
            queue.dataDone(entry);
        }
    }

    private void checksum(final int slot)
    {
        if (segmentIpHeader[slot] > 0)
        {
            segmentChecksums(slot);
        }
        else if (insertChecksum[slot])
        {
            final long at = fifo.offset(slot);
            final int sum = OnesComplement.sum(fifo.storage(), at + css[slot], length[slot] - css[slot]);
            OnesComplement.store(fifo.storage(), at + cso[slot], sum);
        }
    }

    /** The frame in {@code slot} has left (or was dropped): its FIFO room is free again. */
    void release(final int slot)
    {
        fifo.releaseBytes(length[slot]);
        fifo.free(slot);
        levelChanged();
        wake(nic.sim.now());
    }

    /* ---------------------------------------------------------------------------------------------------------- */
    /* TCP segmentation (datasheet §4.3)                                                                           */

    /** A TSO packet's first descriptor: its headers go to the header store; segmentation starts when they land. */
    private void startTso(final TxQueue queue, final int entry, final long fields)
    {
        final int q = queue.queue;
        final int index = queue.nextRingIndex();
        final int bytes = TxDescriptor.length(fields);
        final int command = TxDescriptor.cmd(fields);
        final int header = TxDescriptor.css(fields);
        final int mss = TxDescriptor.special(fields);
        queue.issued();
        tsoEntry[q] = entry;
        tsoIndex[q] = index;
        tsoEop[q] = (command & TxDescriptor.CMD_EOP) != 0;
        // The field at fault and its value, for the message: CMD, CSS (the header length) or special (the MSS).
        final boolean badCommand = !nic.config.tso() || (command & (TxDescriptor.CMD_DEXT | TxDescriptor.CMD_VLE)) != 0;
        final boolean badHeader = !badCommand && (header < MIN_TSO_HEADER || header > bytes);
        final String problem = !nic.config.tso() ? "the device has no TSO (FEATURES.TSO is clear)" :
            badCommand ? "DEXT and VLE must be clear" :
            badHeader ? "the headers (CSS = " + header + " bytes) must be at least " + MIN_TSO_HEADER +
                " and lie in the first descriptor's " + bytes + " bytes" :
            mss < 1 || header + mss > maxFrame ? "MSS " + mss + " must be 1 or more and, with " + header +
                " bytes of headers, fit a frame of " + maxFrame + " bytes" : null;
        if (problem != null)
        {
            nic.errors.descriptor(NicErrors.TX_TSO_INVALID, queue, index, badCommand ? "CMD" : badHeader ?
                "CSS (header length)" : "special (MSS)", badCommand ? command : badHeader ? header : mss, problem);
            tsoLeft[q] = 0;
            queue.dataDone(entry);
            tsoState[q] = TSO_DROPPING;
            if (tsoEop[q])
            {
                tsoDropped(q);
            }
            return;
        }
        tsoHeaderBytes[q] = header;
        tsoMss[q] = mss;
        tsoCmd[q] = command & ~TxDescriptor.CMD_TSE;
        tsoFrame[q] = 0;
        final long address = queue.address(entry);
        tsoAddress[q] = address + header;
        tsoLeft[q] = bytes - header;
        reads[q][entry] = 1;
        issuedAll[q][entry] = tsoLeft[q] == 0;
        tsoState[q] = TSO_HEADER;
        if (nic.trace.enabled())
        {
            nic.trace.add(nic.sim.now(), nic.name, EventTrace.Kind.DMA, queue.label + ": descriptor " + index +
                ", TSO packet (MSS " + mss + "), read " + header + " B of headers at 0x" + Long.toHexString(address));
        }
        nic.errors.dmaContext("TSO header read", queue, index);
        nic.dma.read(address, header, headerStore, (long) HEADER_STORE * q, headerRead,
            q | entry << 3 | (queue.generation & 0x1FFFF) << 15);
    }

    /** The headers of a TSO packet are in the store: check them, then cut frames. */
    private void headerRead(final int tag, final int status)
    {
        final int q = tag & 7;
        final TxQueue queue = nic.txQueues[q];
        if (tag >>> 15 != (queue.generation & 0x1FFFF))
        {
            return;
        }
        if (status != DmaEngine.OK)
        {
            queue.halt();
            return;
        }
        final String problem = headerProblem(q);
        if (problem != null)
        {
            nic.errors.descriptor(NicErrors.TX_TSO_INVALID, queue, tsoIndex[q], "CSS (header length)",
                tsoHeaderBytes[q], problem);
            issuedAll[q][tsoEntry[q]] = true;
            tsoLeft[q] = 0;
            tsoState[q] = TSO_DROPPING;
            readDone(queue, tsoEntry[q]);
            if (tsoEop[q])
            {
                tsoDropped(q);
            }
            // The queue's rest of the chain (to skip) and what follows may be cached already: nothing else wakes us.
            wake(nic.sim.now());
            return;
        }
        tsoState[q] = TSO_SEGMENTING;
        readDone(queue, tsoEntry[q]);
        wake(nic.sim.now());
    }

    /** What is wrong with queue q's stored headers for segmentation, or null. */
    private String headerProblem(final int q)
    {
        final long at = (long) HEADER_STORE * q;
        final int header = tsoHeaderBytes[q];
        if ((headerStore.get(BE_SHORT, at + 12) & 0xFFFF) != 0x0800)
        {
            return "not an IPv4 frame (EtherType 0x" + Integer.toHexString(headerStore.get(BE_SHORT, at + 12) &
                0xFFFF) + ")";
        }
        final int versionIhl = headerStore.get(ValueLayout.JAVA_BYTE, at + ETH_HEADER) & 0xFF;
        final int ip = (versionIhl & 0xF) * 4;
        if (versionIhl >>> 4 != 4 || ip < 20 || (headerStore.get(ValueLayout.JAVA_BYTE, at + ETH_HEADER + 9) & 0xFF)
            != 6)
        {
            return "not a TCP/IPv4 packet (version/IHL 0x" + Integer.toHexString(versionIhl) + ")";
        }
        final int tcp = ETH_HEADER + ip + 20 > header ? 0 :
            ((headerStore.get(ValueLayout.JAVA_BYTE, at + ETH_HEADER + ip + 12) & 0xFF) >>> 4) * 4;
        if (ETH_HEADER + ip + tcp != header)
        {
            return "Ethernet (14), IPv4 (" + ip + ") and TCP (" + tcp + ") headers take " + (ETH_HEADER + ip + tcp) +
                " bytes, not CSS = " + header;
        }
        return null;
    }

    /**
     * When queue q's next frame can be cut: now if its payload (MSS bytes, or what is left up to EOP) lies in
     * descriptors that are cached and decoded; the time the first one that is not becomes usable; or
     * {@code Long.MAX_VALUE} while some are not even fetched.
     */
    private long segmentReadyAt(final TxQueue queue, final long now)
    {
        final int q = queue.queue;
        int have = tsoLeft[q];
        if (have >= tsoMss[q] || tsoEop[q])
        {
            return now;
        }
        for (int ahead = 0; ; ahead++)
        {
            final long ready = queue.readyAtAhead(ahead);
            if (ready > now)
            {
                return ready;
            }
            final long fields = queue.fieldsAhead(ahead);
            have += TxDescriptor.length(fields);
            if (have >= tsoMss[q] || (TxDescriptor.cmd(fields) & TxDescriptor.CMD_EOP) != 0)
            {
                return now;
            }
        }
    }

    /**
     * How many cached descriptors queue q's next TSO frame spans when they do not hold all its payload, or -1 when
     * they do (or no frame is being cut). When the span reaches the cache's size the frame can never be cut: every
     * cached descriptor is one of it and none retires before it is read (the i40e bounds the descriptors per segment
     * alike and stops the queue; its driver linearizes such packets, {@code i40e_chk_linearize}).
     */
    private int cachedSpan(final TxQueue queue)
    {
        final int q = queue.queue;
        if (tsoState[q] != TSO_SEGMENTING || tsoEop[q])
        {
            return -1;
        }
        int have = tsoLeft[q];
        int span = have > 0 ? 1 : 0;
        for (int ahead = 0; have < tsoMss[q] && queue.readyAtAhead(ahead) != Long.MAX_VALUE; ahead++)
        {
            final long fields = queue.fieldsAhead(ahead);
            have += TxDescriptor.length(fields);
            span++;
            if ((TxDescriptor.cmd(fields) & TxDescriptor.CMD_EOP) != 0)
            {
                return -1;
            }
        }
        return have >= tsoMss[q] ? -1 : span;
    }

    /** Whether queue q's TSO frame waits for descriptors that are not fetched yet. */
    boolean waitsForDescriptors(final TxQueue queue)
    {
        return cachedSpan(queue) >= 0;
    }

    /**
     * A TSO frame that outgrows the descriptor cache is TX_TSO_INVALID; in silicon mode the packet's frames cut so far
     * have gone, its rest is dropped (TXDROPS counts the packet at its EOP) and the queue goes on.
     */
    private void refuseFrameSpan(final TxQueue queue)
    {
        final int q = queue.queue;
        final int entry = tsoEntry[q];
        nic.errors.descriptor(NicErrors.TX_TSO_INVALID, queue, tsoIndex[q], "length",
            TxDescriptor.length(queue.fields(entry)), "frame " + tsoFrame[q] + "'s " + tsoMss[q] +
            " bytes of payload span more descriptors than the queue's descriptor cache holds (" + queue.cacheEntries +
            "): the descriptors one frame spans must be cached together (datasheet §4.3)");
        if (tsoLeft[q] > 0)
        {
            tsoLeft[q] = 0;
            issuedAll[q][entry] = true;
            if (reads[q][entry] == 0)
            {
                queue.dataDone(entry);
            }
        }
        tsoState[q] = TSO_DROPPING;
        wake(nic.sim.now());
    }

    /**
     * Cuts queue q's next frame: headers from the store, payload read behind them. Returns the core cycles it took,
     * or 0 when the FIFO has no room for the frame (nothing done).
     */
    private int segment(final TxQueue queue)
    {
        final int q = queue.queue;
        final int header = tsoHeaderBytes[q];
        final int payload = segmentPayload(queue);
        final int slot = fifo.allocate();
        if (slot < 0)
        {
            return 0;
        }
        if (!fifo.reserve(header + payload))
        {
            fifo.free(slot);
            return 0;
        }
        levelChanged();
        newFrame(slot, q, header + payload);
        insertChecksum[slot] = false;
        cmd[slot] = tsoCmd[q];
        final MemorySegment storage = fifo.storage();
        final long at = fifo.offset(slot);
        MemorySegment.copy(headerStore, (long) HEADER_STORE * q, storage, at, header);
        int descriptors = 0;
        int filled = 0;
        while (filled < payload)
        {
            if (tsoLeft[q] == 0)
            {
                descriptors += nextTsoDescriptor(queue);
                continue;
            }
            final int piece = Math.min(payload - filled, tsoLeft[q]);
            final int entry = tsoEntry[q];
            if (nic.trace.enabled())
            {
                nic.trace.add(nic.sim.now(), nic.name, EventTrace.Kind.DMA, queue.label + ": descriptor " +
                    tsoIndex[q] + ", TSO frame " + tsoFrame[q] + ", read " + piece + " B of buffer at 0x" +
                    Long.toHexString(tsoAddress[q]));
            }
            pending[slot]++;
            reads[q][entry]++;
            tsoLeft[q] -= piece;
            issuedAll[q][entry] = tsoLeft[q] == 0;
            nic.errors.dmaContext("buffer read", queue, tsoIndex[q]);
            nic.dma.read(tsoAddress[q], piece, storage, at + header + filled, this, slot | entry << SLOT_BITS);
            tsoAddress[q] += piece;
            filled += piece;
        }
        while (tsoLeft[q] == 0 && !tsoEop[q] && queue.readyAtAhead(0) <= nic.sim.now() &&
            TxDescriptor.length(queue.fieldsAhead(0)) == 0)
        {
            // Empty descriptors (a programming error, counted) up to EOP end the packet here.
            descriptors += nextTsoDescriptor(queue);
        }
        final boolean last = tsoEop[q] && tsoLeft[q] == 0;
        updateHeaders(slot, q, last);
        complete[slot] = true;
        tsoFrame[q]++;
        if (last)
        {
            tsoState[q] = TSO_IDLE;
        }
        if (pending[slot] == 0)
        {
            frameRead(slot);
        }
        final int beats = (int) ClockDomain.beats(header, nic.config.coreDatapathBytes());
        return descriptors * nic.config.descriptorCycles() + beats + nic.config.tsoSegmentCycles();
    }

    /** The payload bytes of queue q's next frame: the MSS, or what is left up to EOP. */
    private int segmentPayload(final TxQueue queue)
    {
        final int q = queue.queue;
        int have = tsoLeft[q];
        for (int ahead = 0; have < tsoMss[q] && !(ahead == 0 && tsoEop[q]); ahead++)
        {
            final long fields = queue.fieldsAhead(ahead);
            have += TxDescriptor.length(fields);
            if ((TxDescriptor.cmd(fields) & TxDescriptor.CMD_EOP) != 0)
            {
                break;
            }
        }
        return Math.min(have, tsoMss[q]);
    }

    /** Takes the TSO packet's next descriptor; returns 1 (a descriptor's decode cycles are spent). */
    private int nextTsoDescriptor(final TxQueue queue)
    {
        final int q = queue.queue;
        final int entry = queue.nextEntry();
        final long fields = queue.fields(entry);
        tsoIndex[q] = queue.nextRingIndex();
        queue.issued();
        tsoEntry[q] = entry;
        tsoAddress[q] = queue.address(entry);
        tsoLeft[q] = TxDescriptor.length(fields);
        tsoEop[q] = (TxDescriptor.cmd(fields) & TxDescriptor.CMD_EOP) != 0;
        reads[q][entry] = 0;
        issuedAll[q][entry] = tsoLeft[q] == 0;
        if (tsoLeft[q] == 0)
        {
            nic.errors.descriptor(NicErrors.TX_LENGTH_ZERO, queue, tsoIndex[q], "length", 0, "");
            queue.dataDone(entry);
        }
        return 1;
    }

    /**
     * Frame {@code tsoFrame[q]} of the packet: IPv4 total length and ID (the packet's plus the frame number), TCP
     * sequence number (plus MSS per frame) and flags (CWR only on the first frame, FIN and PSH only on the last, as
     * Linux's tcp_gso_segment and Intel's default DTXTCPFLGL/H do).
     */
    private void updateHeaders(final int slot, final int q, final boolean last)
    {
        final MemorySegment storage = fifo.storage();
        final long ip = fifo.offset(slot) + ETH_HEADER;
        final int ipHeader = (storage.get(ValueLayout.JAVA_BYTE, ip) & 0xF) * 4;
        final long tcp = ip + ipHeader;
        storage.set(BE_SHORT, ip + 2, (short) (length[slot] - ETH_HEADER));
        storage.set(BE_SHORT, ip + 4, (short) (storage.get(BE_SHORT, ip + 4) + tsoFrame[q]));
        storage.set(BE_INT, tcp + 4, storage.get(BE_INT, tcp + 4) + tsoFrame[q] * tsoMss[q]);
        int flags = storage.get(ValueLayout.JAVA_BYTE, tcp + 13) & 0xFF;
        if (tsoFrame[q] > 0)
        {
            flags &= ~TCP_CWR;
        }
        if (!last)
        {
            flags &= ~(TCP_FIN | TCP_PSH);
        }
        storage.set(ValueLayout.JAVA_BYTE, tcp + 13, (byte) flags);
        segmentIpHeader[slot] = ipHeader;
    }

    /**
     * A TSO frame's checksums: the IPv4 header's, and the TCP one from the pseudo-header sum software left in the
     * field (addresses and protocol, length 0) plus this frame's TCP length.
     */
    private void segmentChecksums(final int slot)
    {
        final MemorySegment storage = fifo.storage();
        final long ip = fifo.offset(slot) + ETH_HEADER;
        final int ipHeader = segmentIpHeader[slot];
        storage.set(BE_SHORT, ip + 10, (short) 0);
        OnesComplement.store(storage, ip + 10, OnesComplement.sum(storage, ip, ipHeader));
        final long tcp = ip + ipHeader;
        final int tcpLength = length[slot] - ETH_HEADER - ipHeader;
        int pseudo = (storage.get(BE_SHORT, tcp + 16) & 0xFFFF) + tcpLength;
        pseudo = (pseudo & 0xFFFF) + (pseudo >>> 16);
        storage.set(BE_SHORT, tcp + 16, (short) pseudo);
        OnesComplement.store(storage, tcp + 16, OnesComplement.sum(storage, tcp, tcpLength));
    }

    /** The rest of a refused TSO packet has been skipped: it counts as one dropped frame. */
    private void tsoDropped(final int q)
    {
        tsoState[q] = TSO_IDLE;
        nic.stats.increment(Counters.TXDROPS);
    }

    /** A TX queue stopped: its frames still being assembled or read are dropped; complete ones still go out. */
    void queueStopped(final int queue)
    {
        assembling[queue] = -1;
        tsoState[queue] = TSO_IDLE;
        tsoLeft[queue] = 0;
        Arrays.fill(reads[queue], 0);
        Arrays.fill(issuedAll[queue], false);
        for (int slot = 0; slot < length.length; slot++)
        {
            if (fifo.isAllocated(slot) && !orphan[slot] && owner[slot] == queue &&
                (pending[slot] > 0 || !complete[slot]))
            {
                fifo.releaseBytes(length[slot]);
                if (pending[slot] > 0)
                {
                    orphan[slot] = true;
                }
                else
                {
                    fifo.free(slot);
                }
            }
        }
        levelChanged();
        if (descriptorCached())
        {
            idleStep.commit(); // room freed: a step whose place is held for want of room may now cut a frame
        }
    }

    /** Software reset: everything in the FIFO is gone, except slots a read is still landing in. */
    void reset()
    {
        nic.sim.cancel(step);
        idleStep.cancel();
        checksumFreeAt = 0;
        Arrays.fill(assembling, -1);
        Arrays.fill(tsoState, TSO_IDLE);
        Arrays.fill(tsoLeft, 0);
        for (int slot = 0; slot < length.length; slot++)
        {
            orphan[slot] = fifo.isAllocated(slot) && pending[slot] > 0;
        }
        fifo.reset(orphan);
        levelChanged();
    }

    private void levelChanged()
    {
        if (nic.signals != null)
        {
            nic.signals.txFifo.set(nic.sim.now(), fifo.level());
        }
    }
}
