package dev.nicsim.hw.pcie.device;

import dev.nicsim.hw.mem.DmaFault;
import dev.nicsim.hw.pcie.InterruptController;
import dev.nicsim.hw.pcie.PciConfigSpace;
import dev.nicsim.hw.pcie.PcieConfig;
import dev.nicsim.hw.pcie.PcieLink;
import dev.nicsim.hw.pcie.RootComplex;
import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Reservation;
import dev.nicsim.hw.sim.Simulator;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A device's bus-master interface: DMA reads and writes of host memory as timed PCIe transactions, and MSI messages.
 *
 * <h2>Reads</h2>
 * A read is split into requests of at most the max read request size. Each request needs one of
 * {@link PcieConfig#maxOutstandingReads()} tags; requests beyond that wait for a tag, in order. A request's read
 * TLP crosses the link upstream; the root complex answers after {@link PcieConfig#readLatencyPs()}, streaming the
 * data at {@link PcieConfig#completerPsPerByte()} (one request after another); the completion TLPs (at most max
 * payload each) then cross the link downstream. The data is copied from host memory when the completions arrive.
 *
 * <p>Only a read's last request is an event at each of its two steps (at the root complex, completions arriving): the
 * client hears of nothing before it. The requests before it are deferred: each keeps the place in the event order
 * that its step would take ({@link Reservation}) and is carried out when something could tell, exactly where the event
 * would have fired: before any other TLP enters the downstream direction, before a tag is taken or counted, before
 * the read's last request. A request that waits for a tag turns the earliest deferred step into a real event, since
 * its tag comes free there. A 1,448-byte TSO segment's read (three 512-byte requests) is two events instead of six.
 * One difference only: a deferred request copies its data from host memory when it is carried out, not when its
 * completions arrive, which software that leaves its buffers alone until the read is done cannot tell.
 *
 * <h2>Writes</h2>
 * A write is split into TLPs of at most max payload, copied out of the device at once (the TLPs carry the data), sent
 * upstream in order, and land in host memory {@link PcieConfig#postedWriteLatencyPs()} after leaving the link. The
 * client hears of the write when its last TLP has left. An MSI message is a 4-byte posted write to the MSI window; it
 * stays behind earlier writes, so an interrupt never overtakes the data it announces.
 *
 * <p>Simplification: each TLP's link time is reserved when the write is issued, but the write's bytes all become
 * visible together, when its last TLP lands, rather than TLP by TLP (one event per write instead of one per TLP). Host
 * software cannot tell: it learns of a write only from a later posted write (a descriptor write-back or an MSI),
 * which lands after the last TLP. For the same reason a write that the device announces with its very next write (a
 * received frame and its descriptor's write-back, {@link #writeUnannounced}) is copied into memory when issued.
 *
 * <h2>Faults</h2>
 * Every transfer is checked when issued: bus mastering must be enabled, the target must not be a device BAR, and the
 * IOMMU must map the whole range (writable, for writes). A refused transfer moves no byte; the client gets
 * {@link #FAULT} and the {@link DmaFaultListener} is told.
 *
 * <p>Transactions are pooled objects: steady-state DMA allocates nothing. The pools and the queue of requests waiting
 * for a tag are lists linked through the objects themselves: taking and returning one is two field writes, where an
 * {@code ArrayDeque} showed in the profile of a UDP stream (1.6 % of its time in {@code addFirst} alone).
 */
public final class DmaEngine
{
    public static final int OK = 0;
    public static final int FAULT = 1;

    private final Simulator sim;
    private final PcieLink link;
    private final PcieConfig pcie;
    private final RootComplex root;
    private final PciConfigSpace config;
    private final String device;
    private final String messageStage;

    private ReadJob freeReadJobs;
    private ReadRequest freeReadRequests;
    private ReadRequest waitingHead;
    private ReadRequest waitingTail;
    /* Issued requests in issue order: those before their step at the root, then those whose completions are coming. */
    private final RequestQueue atRoot = new RequestQueue();
    private final RequestQueue completing = new RequestQueue();
    private boolean catchingUp;
    private WriteJob freeWriteJobs;
    private PostedWrite freePostedWrites;
    private int tagsInUse;
    /* The time integral of tags in use, and when it was last brought up to date: average outstanding reads. */
    private long tagTimePs;
    private long tagsChangedAt;
    private long tagWaits;
    private long completerFreeAt;
    private long completerBusyPs;

    private DmaFaultListener faultListener;
    private DmaFault lastFault;
    private long readsIssued;
    private long writesIssued;
    private long bytesRead;
    private long bytesWritten;
    private long messagesSent;
    private long faults;
    private int inFlight;
    /*
     * Writes nobody waits for (client null) need no event when they have left: they count as in flight until the
     * simulator says one would have fired (Simulator.stamp). A FIFO of (time left, stamp), in issue order.
     */
    private long[] silentLeftAt = new long[16];
    private long[] silentStamps = new long[16];
    private int silentHead;
    private int silentCount;

    public DmaEngine(final Simulator sim, final PcieLink link, final RootComplex root, final PciConfigSpace config,
        final String device)
    {
        this.sim = sim;
        this.link = link;
        this.pcie = link.config();
        this.root = root;
        this.config = config;
        this.device = device;
        this.messageStage = device + ".msi";
        link.downstream().deferFor(this::catchUp);
    }

    public void setFaultListener(final DmaFaultListener listener)
    {
        this.faultListener = listener;
    }

    /**
     * Reads {@code length} bytes of host memory at {@code busAddress} into {@code destination} at
     * {@code destinationOffset}; tells {@code client} with {@code tag} when the data is there.
     */
    public void read(final long busAddress, final int length, final MemorySegment destination,
        final long destinationOffset, final DmaClient client, final int tag)
    {
        ReadJob job = freeReadJobs;
        if (job == null)
        {
            job = new ReadJob();
        }
        else
        {
            freeReadJobs = job.nextFree;
        }
        job.client = client;
        job.tag = tag;
        job.status = OK;
        catchUp();
        readsIssued++;
        inFlight++;
        final String refusal = refusal(busAddress, length, false);
        if (refusal != null)
        {
            job.status = FAULT;
            job.remaining = 0;
            fault(busAddress, length, false, refusal);
            final long requestSent = link.upstream().transmit(sim.now(), PcieConfig.REQUEST_OVERHEAD_BYTES);
            sim.schedule(job, requestSent + pcie.readLatencyPs());
            return;
        }
        final int maxRequest = pcie.maxReadRequestBytes();
        job.remaining = (length + maxRequest - 1) / maxRequest;
        for (int done = 0; done < length; done += maxRequest)
        {
            ReadRequest request = freeReadRequests;
            if (request == null)
            {
                request = new ReadRequest();
            }
            else
            {
                freeReadRequests = request.next;
            }
            request.next = null;
            request.job = job;
            request.busAddress = busAddress + done;
            request.length = Math.min(maxRequest, length - done);
            request.destination = destination;
            request.destinationOffset = destinationOffset + done;
            request.last = done + maxRequest >= length;
            if (tagsInUse < pcie.maxOutstandingReads())
            {
                issue(request, sim.now());
            }
            else
            {
                tagWaits++;
                if (waitingTail == null)
                {
                    waitingHead = request;
                }
                else
                {
                    waitingTail.next = request;
                }
                waitingTail = request;
            }
        }
        bytesRead += length;
        if (waitingHead != null)
        {
            tagEventComing();
        }
    }

    /**
     * Writes {@code length} bytes from {@code source} at {@code sourceOffset} to host memory at {@code busAddress};
     * the bytes are taken from {@code source} now. {@code client} (may be null) hears when the write has left.
     */
    public void write(final long busAddress, final int length, final MemorySegment source, final long sourceOffset,
        final DmaClient client, final int tag)
    {
        writesIssued++;
        final String refusal = refusal(busAddress, length, true);
        if (refusal != null)
        {
            final WriteJob job = takeWriteJob(client, tag, FAULT);
            fault(busAddress, length, true, refusal);
            sim.schedule(job, sim.now());
            return;
        }
        final PostedWrite posted = post(busAddress, length, source, sourceOffset);
        sim.schedule(posted, posted.landsAt);
        if (client != null)
        {
            sim.schedule(takeWriteJob(client, tag, OK), posted.leftAt);
        }
        else
        {
            leavesSilently(posted.leftAt);
        }
    }

    /**
     * As {@link #write} without a client, for a write that software learns of only through the device's next write
     * (a received frame, announced by its descriptor's write-back): its TLPs take the link now, and its bytes go
     * straight into host memory, without a staging copy or an event of their own. Software that reads the buffer only
     * after the announcement, which posted writes' order puts after these bytes, cannot tell when they landed.
     */
    public void writeUnannounced(final long busAddress, final int length, final MemorySegment source,
        final long sourceOffset)
    {
        if (InterruptController.isMsiAddress(busAddress))
        {
            write(busAddress, length, source, sourceOffset, null, 0); // not memory: a (misaimed) interrupt message
            return;
        }
        writesIssued++;
        final String refusal = refusal(busAddress, length, true);
        if (refusal != null)
        {
            fault(busAddress, length, true, refusal);
            sim.schedule(takeWriteJob(null, 0, FAULT), sim.now());
            return;
        }
        MemorySegment.copy(source, sourceOffset, root.memory().segment(), root.memory().offset(busAddress), length);
        leavesSilently(sendTlps(length));
        bytesWritten += length;
    }

    /** Copies a write's bytes and sends its TLPs upstream, one after another; the write is not yet scheduled. */
    private PostedWrite post(final long busAddress, final int length, final MemorySegment source,
        final long sourceOffset)
    {
        final PostedWrite posted = takePostedWrite(length);
        MemorySegment.copy(source, sourceOffset, posted.staging, 0, length);
        posted.address = busAddress;
        posted.length = length;
        posted.leftAt = sendTlps(length);
        posted.landsAt = posted.leftAt + pcie.postedWriteLatencyPs();
        bytesWritten += length;
        return posted;
    }

    /** Sends a write's TLPs upstream now, one after another; returns when the last has left. */
    private long sendTlps(final int length)
    {
        final int maxPayload = pcie.maxPayloadBytes();
        final PcieLink.Direction upstream = link.upstream();
        final long now = sim.now();
        long sent = now;
        for (int done = 0; done < length; done += maxPayload)
        {
            sent = upstream.transmit(now, PcieConfig.REQUEST_OVERHEAD_BYTES + Math.min(maxPayload, length - done));
        }
        return sent;
    }

    private WriteJob takeWriteJob(final DmaClient client, final int tag, final int status)
    {
        WriteJob job = freeWriteJobs;
        if (job == null)
        {
            job = new WriteJob();
        }
        else
        {
            freeWriteJobs = job.nextFree;
        }
        job.client = client;
        job.tag = tag;
        job.status = status;
        inFlight++;
        return job;
    }

    /** A write without a client is in flight until {@code time}: remembered without an event. */
    private void leavesSilently(final long time)
    {
        forgetLeftSilently();
        if (silentCount == silentLeftAt.length)
        {
            silentLeftAt = unwrap(silentLeftAt);
            silentStamps = unwrap(silentStamps);
            silentHead = 0;
        }
        final int tail = (silentHead + silentCount) % silentLeftAt.length;
        silentLeftAt[tail] = time;
        silentStamps[tail] = sim.stamp();
        silentCount++;
    }

    private void forgetLeftSilently()
    {
        while (silentCount > 0 && sim.hasPassed(silentLeftAt[silentHead], silentStamps[silentHead]))
        {
            silentHead = (silentHead + 1) % silentLeftAt.length;
            silentCount--;
        }
    }

    /** The ring's entries from its head, in twice the room. */
    private long[] unwrap(final long[] ring)
    {
        final long[] grown = new long[2 * ring.length];
        final int first = ring.length - silentHead;
        System.arraycopy(ring, silentHead, grown, 0, first);
        System.arraycopy(ring, 0, grown, first, silentHead);
        return grown;
    }

    /**
     * Sends an MSI message: a 4-byte posted write of {@code data} to {@code address}. One aimed at the MSI window
     * is handed to the root complex with the time it lands, without an event; one aimed elsewhere (a misprogrammed
     * table) is a memory write like any other.
     */
    public void sendMessage(final long address, final int data)
    {
        messagesSent++;
        final long sent = link.upstream().transmit(sim.now(), PcieConfig.REQUEST_OVERHEAD_BYTES + 4);
        if (InterruptController.isMsiAddress(address))
        {
            final long lands = sent + pcie.postedWriteLatencyPs();
            final int enclosing = sim.enterStage(messageStage, Component.PCIE_DMA, lands);
            root.messageLandsAt(address, data, lands);
            sim.leaveStage(enclosing);
            return;
        }
        final PostedWrite posted = takePostedWrite(4);
        posted.staging.set(ValueLayout.JAVA_INT_UNALIGNED, 0, data);
        posted.address = address;
        posted.length = 4;
        sim.schedule(posted, sent + pcie.postedWriteLatencyPs());
    }

    private PostedWrite takePostedWrite(final int length)
    {
        PostedWrite posted = freePostedWrites;
        if (posted == null)
        {
            posted = new PostedWrite();
        }
        else
        {
            freePostedWrites = posted.nextFree;
        }
        if (posted.staging.byteSize() < length)
        {
            posted.staging = Arena.ofAuto().allocate(length, 8);
        }
        return posted;
    }

    private void tagsChanged(final int delta, final long at)
    {
        tagTimePs += tagsInUse * (at - tagsChangedAt);
        tagsChangedAt = at;
        tagsInUse += delta;
    }

    /** Picoseconds summed over every read tag while in use: over a window, divided by its length, the average
     * number of outstanding reads. */
    public long tagTimePs()
    {
        catchUp();
        return tagTimePs + tagsInUse * (sim.now() - tagsChangedAt);
    }

    /**
     * Picoseconds the root complex spent streaming this device's read data ({@link PcieConfig#completerPsPerByte()}
     * per byte, one request after another), counted when each request is issued: over a window, divided by its
     * length, how busy the completer was. Near 1, reads wait for it and it caps the device's read bandwidth.
     */
    public long completerBusyPs()
    {
        return completerBusyPs;
    }

    /** Read requests that found every tag in use and waited for one (PcieConfig.maxOutstandingReads). */
    public long tagWaits()
    {
        return tagWaits;
    }

    /** Sends a request upstream at {@code at}; the root complex streams its data one request after another. */
    private void issue(final ReadRequest request, final long at)
    {
        tagsChanged(1, at);
        final long requestSent = link.upstream().transmit(at, PcieConfig.REQUEST_OVERHEAD_BYTES);
        final long streamStart = Math.max(requestSent, completerFreeAt);
        completerFreeAt = streamStart + request.length * pcie.completerPsPerByte();
        completerBusyPs += completerFreeAt - streamStart;
        request.phase = ReadRequest.AT_ROOT;
        atRoot.add(request);
        next(request, completerFreeAt + pcie.readLatencyPs());
    }

    /** The request's next step at {@code time}: an event for a read's last request, a kept place for the others. */
    private void next(final ReadRequest request, final long time)
    {
        request.dueAt = time;
        request.deferred = !request.last;
        if (!request.deferred)
        {
            sim.schedule(request, time);
        }
        else if (time >= sim.now())
        {
            request.place.hold(time);
        }
        else
        {
            request.place.cancel(); // carried out late, its next step is already due
        }
    }

    /** The request's completions enter the downstream direction at {@code at}. */
    private void reachRoot(final ReadRequest request, final long at)
    {
        final int maxPayload = pcie.maxPayloadBytes();
        final int completions = (request.length + maxPayload - 1) / maxPayload;
        final long arrived = link.downstream().transmit(at,
            request.length + completions * PcieConfig.COMPLETION_OVERHEAD_BYTES);
        request.phase = ReadRequest.COMPLETING;
        completing.add(request);
        next(request, arrived);
        if (waitingHead != null)
        {
            tagEventComing();
        }
    }

    /** The request's completions have arrived at {@code at}: its data lands, its tag is free. */
    private void complete(final ReadRequest request, final long at)
    {
        MemorySegment.copy(root.memory().segment(), root.memory().offset(request.busAddress), request.destination,
            request.destinationOffset, request.length);
        final ReadJob owner = request.job;
        request.job = null;
        request.destination = null;
        request.next = freeReadRequests;
        freeReadRequests = request;
        tagsChanged(-1, at);
        final ReadRequest waiting = waitingHead;
        if (waiting != null)
        {
            waitingHead = waiting.next;
            if (waitingHead == null)
            {
                waitingTail = null;
            }
            waiting.next = null;
            issue(waiting, at);
            if (waitingHead != null)
            {
                tagEventComing();
            }
        }
        if (--owner.remaining == 0)
        {
            owner.finish();
        }
    }

    /**
     * Carries out, in time order, the deferred steps whose places have passed: what their events would have done by
     * now. A queue's head that is a real event stops that queue (nothing behind it can have passed before it fires).
     */
    private void catchUp()
    {
        if (catchingUp)
        {
            return;
        }
        catchingUp = true;
        try
        {
            while (true)
            {
                final ReadRequest root = due(atRoot.head);
                final ReadRequest landed = due(completing.head);
                if (root != null && (landed == null || root.dueAt < landed.dueAt))
                {
                    atRoot.poll();
                    reachRoot(root, root.dueAt);
                }
                else if (landed != null)
                {
                    completing.poll();
                    complete(landed, landed.dueAt);
                }
                else
                {
                    return;
                }
            }
        }
        finally
        {
            catchingUp = false;
        }
    }

    /** The request if its step is deferred and its place has passed, else null. */
    private static ReadRequest due(final ReadRequest request)
    {
        return request != null && request.deferred && !request.place.isHeld() ? request : null;
    }

    /**
     * A request waits for a tag: the earliest tag to come free must come as an event. That is the step of the first
     * request whose completions are coming, or else of the first still before the root complex.
     */
    private void tagEventComing()
    {
        final ReadRequest first = completing.head != null ? completing.head : atRoot.head;
        if (first != null && first.deferred)
        {
            first.deferred = false;
            first.place.commit();
        }
    }

    private String refusal(final long busAddress, final int length, final boolean write)
    {
        if (!config.busMasterEnabled())
        {
            return "bus mastering is disabled (PCI command register bit 2 is clear)";
        }
        if (length <= 0)
        {
            return "transfer length " + length + " is not positive";
        }
        final String bar = root.barOwnerAt(busAddress);
        if (bar != null)
        {
            return "the address is inside a BAR of " + bar + " (peer-to-peer DMA is not supported)";
        }
        return root.iommu().check(busAddress, length, write);
    }

    private void fault(final long busAddress, final int length, final boolean write, final String reason)
    {
        faults++;
        lastFault = new DmaFault(device, busAddress, length, write, reason, sim.now());
        if (faultListener != null)
        {
            faultListener.dmaFault(lastFault);
        }
    }

    /** The most recent refused transfer, or null. */
    public DmaFault lastFault()
    {
        return lastFault;
    }

    public long faults()
    {
        return faults;
    }

    public long readsIssued()
    {
        return readsIssued;
    }

    public long writesIssued()
    {
        return writesIssued;
    }

    public long bytesRead()
    {
        return bytesRead;
    }

    public long bytesWritten()
    {
        return bytesWritten;
    }

    public long messagesSent()
    {
        return messagesSent;
    }

    /** Reads and writes issued whose client has not been told yet: zero once DMA has quiesced. */
    public int inFlight()
    {
        forgetLeftSilently();
        return inFlight + silentCount;
    }

    public int tagsInUse()
    {
        catchUp();
        return tagsInUse;
    }

    /** One client read: done when all its requests are. */
    private final class ReadJob extends Event
    {
        DmaClient client;
        int tag;
        int status;
        int remaining;
        ReadJob nextFree;

        ReadJob()
        {
            super(device + ".dma-read-fault", Component.PCIE_DMA);
        }

        /* Fires only for a refused read: the root complex's abort reaching the device. */
        @Override
        protected void fire()
        {
            finish();
        }

        void finish()
        {
            final DmaClient target = client;
            client = null;
            inFlight--;
            nextFree = freeReadJobs;
            freeReadJobs = this;
            target.dmaComplete(tag, status);
        }
    }

    /** One read request TLP and its completions. */
    private final class ReadRequest extends Event
    {
        static final int AT_ROOT = 0;
        static final int COMPLETING = 1;

        /* Where the next step's event would fire, while that step is deferred. */
        final Reservation place = new Reservation(sim, this);
        ReadJob job;
        long busAddress;
        int length;
        MemorySegment destination;
        long destinationOffset;
        /* The read's last request: the only one the client waits for, so never deferred. */
        boolean last;
        int phase;
        /* The next step is only a kept place (not queued); it is due at dueAt. */
        boolean deferred;
        long dueAt;
        /* The next request in the queue this one is in: waiting for a tag, at the root, completing, or free. */
        ReadRequest next;

        ReadRequest()
        {
            super(device + ".dma-read", Component.PCIE_DMA);
        }

        @Override
        protected void fire()
        {
            catchUp();
            if (phase == AT_ROOT)
            {
                atRoot.poll();
                reachRoot(this, sim.now());
            }
            else
            {
                completing.poll();
                complete(this, sim.now());
            }
        }
    }

    /** Requests in issue order, linked through {@link ReadRequest#next}. */
    private static final class RequestQueue
    {
        ReadRequest head;
        ReadRequest tail;

        void add(final ReadRequest request)
        {
            request.next = null;
            if (tail == null)
            {
                head = request;
            }
            else
            {
                tail.next = request;
            }
            tail = request;
        }

        void poll()
        {
            head = head.next;
            if (head == null)
            {
                tail = null;
            }
        }
    }

    /** One client write: its client is told when the last TLP has left. */
    private final class WriteJob extends Event
    {
        DmaClient client;
        int tag;
        int status;
        WriteJob nextFree;

        WriteJob()
        {
            super(device + ".dma-write", Component.PCIE_DMA);
        }

        @Override
        protected void fire()
        {
            final DmaClient target = client;
            client = null;
            inFlight--;
            nextFree = freeWriteJobs;
            freeWriteJobs = this;
            if (target != null)
            {
                target.dmaComplete(tag, status);
            }
        }
    }

    /** One posted write in flight (all its TLPs), carrying its own copy of the data. */
    private final class PostedWrite extends Event
    {
        MemorySegment staging = Arena.ofAuto().allocate(pcie.maxPayloadBytes(), 8);
        long address;
        int length;
        long leftAt;
        long landsAt;
        PostedWrite nextFree;

        PostedWrite()
        {
            super(device + ".dma-write-land", Component.PCIE_DMA);
        }

        @Override
        protected void fire()
        {
            root.postedWriteArrived(address, staging, 0, length);
            nextFree = freePostedWrites;
            freePostedWrites = this;
        }
    }
}
