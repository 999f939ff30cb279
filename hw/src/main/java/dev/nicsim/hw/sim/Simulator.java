package dev.nicsim.hw.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The discrete-event kernel: one thread, one queue of {@link Event}s ordered by time and then by the order in which
 * they were scheduled. Idle time costs nothing: the clock jumps straight to the next event.
 *
 * <h2>Local time inside an event</h2>
 * Code running inside an event may {@link #consume(long) consume} simulated time, the way a CPU spends cycles on a
 * syscall. {@link #now()} then runs ahead of the event's own time, and whatever the code schedules afterwards is
 * scheduled relative to that local time. This is temporal decoupling (as in SystemC TLM's loosely-timed style): the
 * code runs to completion at once, but its effects land when its cost says they would. Outside any event (a test or
 * an application driving the simulation) {@code consume} simply runs the simulation forward.
 *
 * <h2>Calls from outside</h2>
 * Application code that enters the simulated system from outside any event (a test's or a CLI's system call) brackets
 * the entry with {@link #beginCall()} and {@link #endCall()}: inside, it runs like an event at the current time,
 * consuming local time without firing anything, and {@code endCall} then runs the simulation up to the time it
 * reached. Without the bracket, consuming time would fire other events in the middle of the call.
 *
 * <h2>Blocking</h2>
 * {@link #run(long)} and {@link #runUntil(BooleanSupplier, long)} are how blocking calls are built: the non-blocking
 * call, then "run until ready". Calling them from inside an event is a programming error and fails with a message.
 *
 * <h2>Allocation</h2>
 * Scheduling, cancelling and running events allocate nothing once the queue has grown to its working size.
 */
public final class Simulator
{
    private static final int INITIAL_CAPACITY = 1024;

    /*
     * The queue: a 4-ary heap ordered by (time, sequence), kept in primitive arrays so that moving an entry writes
     * no object reference (G1's write barrier fences such a store into an old array) and comparing two entries reads
     * no event object. Four children per node halve the levels an entry moves through: with 16 events pending,
     * scheduling and firing one through the heap took 20 ns instead of 32 with two (SimulatorBenchmark, measured
     * before the front slot below took that benchmark's path). An event gets an id the first
     * time it enters the heap and keeps it: the simulator remembers every event that has been in it, which costs
     * nothing as events live as long as the components that own them.
     *
     * In front of the heap sits one slot holding the earliest event when it was scheduled ahead of everything
     * pending, which is a quarter of all schedulings in a UDP stream and half in a handshake (a reply due sooner than
     * any timer or DMA in flight): such an event is scheduled and fired without touching the heap. Invariant: the
     * slot, when full, is earlier than every heap entry.
     */
    private Event head;
    private long headTime;
    private long headSequence;
    private long[] keys = new long[2 * INITIAL_CAPACITY];  // heap slot i: time at 2i, sequence at 2i + 1
    private int[] slotIds = new int[INITIAL_CAPACITY];     // heap slot -> event id
    private int[] positions = new int[INITIAL_CAPACITY];   // event id -> heap slot
    private Event[] registry = new Event[INITIAL_CAPACITY]; // event id -> event
    private int registered;
    private int size;
    private long nextSequence;
    /* Every event ordered before (frontierTime, frontierSequence) has fired; see hasPassed. */
    private long frontierTime = Long.MIN_VALUE;
    private long frontierSequence;

    private long eventTime;
    private long localOffset;
    private Event firing;
    private int callDepth;
    private long firedCount;
    /* Every event that has fired, each once: what firedByName sums. */
    private final List<Event> everFired = new ArrayList<>();

    private CausalityLog causality;
    private int currentRecord = -1;
    /* Inside enterStage: the stage's end, when what is scheduled counts as issued; else Long.MIN_VALUE. */
    private long stageUntil = Long.MIN_VALUE;
    private int lastCallRecord = -1;

    private Pacing pacing;
    private int outsideSources;
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private volatile Thread runner;

    /** The current time: the firing event's time plus whatever its code has consumed so far. */
    public long now()
    {
        return eventTime + localOffset;
    }

    /** The time of the event being fired, or of the last one; unaffected by {@link #consume(long)}. */
    public long eventTime()
    {
        return eventTime;
    }

    /** True while an event's code runs. */
    public boolean inEvent()
    {
        return firing != null;
    }

    /** Number of events fired so far. */
    public long firedCount()
    {
        return firedCount;
    }

    /**
     * Events fired so far by event name, most fired first (names tie in alphabetical order): where a run's events,
     * and so much of its wall time, go. Pooled events of one kind share a name and count together.
     */
    public Map<String, Long> firedByName()
    {
        final Map<String, Long> byName = new TreeMap<>();
        for (final Event event : everFired)
        {
            byName.merge(event.name(), event.fired, Long::sum);
        }
        final Map<String, Long> ordered = new LinkedHashMap<>();
        byName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .forEach(e -> ordered.put(e.getKey(), e.getValue()));
        return ordered;
    }

    /** Number of events waiting in the queue. */
    public int pending()
    {
        return head == null ? size : size + 1;
    }

    /** The time of the earliest pending event, or {@link Time#NEVER}. */
    public long nextEventTime()
    {
        if (head != null)
        {
            return headTime;
        }
        return size == 0 ? Time.NEVER : keys[0];
    }

    /**
     * Spends simulated time. Inside an event it advances the event's local time (see class comment); outside, it
     * runs the simulation for that long.
     */
    public void consume(final long ps)
    {
        if (ps < 0)
        {
            throw new IllegalArgumentException("cannot consume negative time: " + ps + " ps");
        }
        if (firing != null)
        {
            localOffset += ps;
        }
        else
        {
            run(eventTime + ps);
        }
    }

    /** Schedules an idle event at an absolute time, which must not be earlier than {@link #now()}. */
    public void schedule(final Event event, final long time)
    {
        if (event.scheduled)
        {
            throw new IllegalStateException("event '" + event.name() + "' is already scheduled at " +
                Time.format(event.time) + "; use reschedule() to move it");
        }
        enqueue(event, time);
    }

    /**
     * Takes the sequence number an event scheduled now would get, for a moment that matters to its owner but needs no
     * event of its own: {@link #hasPassed(long, long) hasPassed(time, stamp)} later tells whether an event scheduled
     * now at {@code time} would have fired yet, exactly as if it had been scheduled.
     */
    public long stamp()
    {
        return nextSequence++;
    }

    /** Whether an event at {@code time} with sequence {@code stamp} (from {@link #stamp()}) would have fired by now. */
    public boolean hasPassed(final long time, final long stamp)
    {
        return time < frontierTime || (time == frontierTime && stamp < frontierSequence);
    }

    /** Schedules an idle event {@code delay} picoseconds after {@link #now()}. */
    public void scheduleIn(final Event event, final long delay)
    {
        schedule(event, now() + delay);
    }

    /** Schedules the event at {@code time}, moving it if it was already scheduled. */
    public void reschedule(final Event event, final long time)
    {
        cancel(event);
        enqueue(event, time);
    }

    /** Removes a scheduled event from the queue. Returns false if it was not scheduled. */
    public boolean cancel(final Event event)
    {
        if (!event.scheduled)
        {
            return false;
        }
        if (event == head)
        {
            head = null;
            event.scheduled = false;
        }
        else
        {
            removeAt(positions[event.id]);
        }
        return true;
    }

    /**
     * Fires every event due at or before {@code until}, then leaves the clock at {@code until}.
     *
     * @throws IllegalStateException if called from inside an event
     */
    public void run(final long until)
    {
        runUntil(null, until);
    }

    /**
     * Fires events until {@code condition} holds (checked before the first event and after each one) or the next
     * event lies beyond {@code deadline}.
     *
     * @return true if the condition holds; false if the deadline was reached first, with the clock at the deadline
     * @throws IllegalStateException if called from inside an event
     */
    public boolean runUntil(final BooleanSupplier condition, final long deadline)
    {
        if (firing != null)
        {
            throw new IllegalStateException("a blocking call (run/runUntil/consume) was made from inside the event '" +
                firing.name() + "' at " + Time.format(now()) + ": simulated code must not block. Use the " +
                "non-blocking form of the call and react to readiness in an event instead.");
        }
        if (deadline < eventTime)
        {
            throw new IllegalArgumentException("deadline " + Time.format(deadline) + " is before now (" +
                Time.format(eventTime) + ")");
        }
        try
        {
            while (true)
            {
                if (condition != null && condition.getAsBoolean())
                {
                    return true;
                }
                if (pacing != null)
                {
                    // Only a paced run takes posted work, so only a paced run tells posting threads whom to wake: a
                    // volatile write costs a fence, and blocking calls come through here once per event.
                    runner = Thread.currentThread();
                    if (!awaitWallClock(Math.min(nextEventTime(), deadline)))
                    {
                        continue;
                    }
                }
                if (pending() == 0 || nextEventTime() > deadline)
                {
                    eventTime = deadline;
                    frontierTime = deadline;
                    frontierSequence = nextSequence;
                    return condition != null && condition.getAsBoolean();
                }
                fireNext();
            }
        }
        finally
        {
            if (runner != null)
            {
                runner = null;
            }
        }
    }

    /** Fires the single earliest event. Returns false if the queue is empty. */
    public boolean step()
    {
        if (firing != null)
        {
            throw new IllegalStateException("step() called from inside the event '" + firing.name() + "'");
        }
        if (pending() == 0)
        {
            return false;
        }
        fireNext();
        return true;
    }

    private void fireNext()
    {
        final Event event;
        if (head != null)
        {
            event = head;
            eventTime = headTime;
            frontierSequence = headSequence;
            head = null;
            event.scheduled = false;
        }
        else
        {
            event = registry[slotIds[0]];
            eventTime = keys[0];
            frontierSequence = keys[1];
            removeRoot();
        }
        frontierTime = eventTime;
        localOffset = 0;
        firing = event;
        if (causality != null)
        {
            currentRecord = causality.record(event, eventTime);
        }
        if (event.fired++ == 0)
        {
            everFired.add(event);
        }
        try
        {
            event.fire();
        }
        finally
        {
            firing = null;
            localOffset = 0;
            firedCount++;
        }
    }

    /**
     * Starts a call into the simulated system. From outside any event, the code that follows runs as an event at
     * {@link #now()}; inside an event (or an enclosing call) this only counts the nesting.
     */
    public void beginCall()
    {
        if (callDepth++ == 0 && firing == null)
        {
            firing = CALL;
            localOffset = 0;
            if (causality != null)
            {
                currentRecord = causality.recordExternal("call", Component.HOST_CPU, eventTime, currentRecord);
                lastCallRecord = currentRecord;
            }
        }
    }

    /**
     * The causality record of the last call begun outside events: its cause is the event that was last fired before
     * it (for a caller woken from a blocking wait, the event that made it ready). -1 when not recording.
     */
    public int lastCallRecord()
    {
        return lastCallRecord;
    }

    /**
     * Ends a call. At the outermost call begun outside events, the simulation then runs up to the local time the call
     * reached, so the caller's clock has moved by what the call consumed.
     */
    public void endCall()
    {
        if (callDepth <= 0)
        {
            throw new IllegalStateException("endCall() without beginCall()");
        }
        if (--callDepth == 0 && firing == CALL)
        {
            final long reached = eventTime + localOffset;
            firing = null;
            localOffset = 0;
            run(reached);
        }
    }

    /* ---------------------------------------------------------------------------------------------------------- */
    /* Causality                                                                                                    */

    /**
     * Starts recording which event caused which (see {@link CausalityLog}). Costs one branch per event when off.
     */
    public void recordCausality(final CausalityLog log)
    {
        this.causality = log;
        this.currentRecord = -1;
    }

    public CausalityLog causality()
    {
        return causality;
    }

    /**
     * Records an action taken outside any event (an application's system call, say) as the cause of whatever is
     * scheduled next from outside events. Returns the record index, or -1 when causality is not being recorded.
     */
    public int markExternal(final String name, final Component component)
    {
        if (causality == null)
        {
            return -1;
        }
        currentRecord = causality.recordExternal(name, component, now(), currentRecord);
        return currentRecord;
    }

    /**
     * Starts code that acts as the output of a fixed-latency stage ending at {@code until}: a block that folds such a
     * stage into the next block's event, instead of giving the stage an event of its own, brackets the hand-over with
     * this and {@link #leaveStage(int)}. Events scheduled in between count as scheduled by the stage at
     * {@code until} (or at their own time, if earlier), and the critical path charges the stage's time to
     * {@code component}, as if it had been an event.
     * Returns what {@code leaveStage} needs.
     */
    public int enterStage(final String name, final Component component, final long until)
    {
        final int enclosing = currentRecord;
        if (causality != null)
        {
            currentRecord = causality.recordStage(name, component, until, enclosing, now());
        }
        stageUntil = until;
        return enclosing;
    }

    /** Ends a stage begun with {@link #enterStage}. */
    public void leaveStage(final int enclosing)
    {
        currentRecord = enclosing;
        stageUntil = Long.MIN_VALUE;
    }

    /** The record of the firing event (or of the last external mark), or -1. */
    public int currentRecord()
    {
        return currentRecord;
    }

    /* ---------------------------------------------------------------------------------------------------------- */
    /* Wall-clock pacing, for bridges to the real world                                                             */

    /**
     * Paces the simulation to wall-clock time: an event at simulated time t fires no earlier than
     * {@code start + t / speed} of wall time. With {@code speed} 1 the simulation runs in real time, which a bridge
     * to a real device or kernel needs. Pass {@code null} to run as fast as possible again (the default).
     */
    public void pace(final Pacing pacing)
    {
        this.pacing = pacing;
        if (pacing != null)
        {
            pacing.start(now());
        }
    }

    /** The pacing in force, or null when running as fast as possible. */
    public Pacing pacing()
    {
        return pacing;
    }

    /**
     * Notes that a source outside the simulation (a bridge to a TAP interface or a serial line) is attached and may
     * {@link #post} work at any moment; {@link #detachOutsideSource()} undoes it.
     */
    public void attachOutsideSource()
    {
        outsideSources++;
    }

    public void detachOutsideSource()
    {
        if (outsideSources == 0)
        {
            throw new IllegalStateException("detachOutsideSource() without attachOutsideSource()");
        }
        outsideSources--;
    }

    /**
     * Whether an empty queue can still be filled: the run is paced and an outside source is attached. A blocking call
     * then waits for outside input in paced time rather than declaring that nothing could ever wake it.
     */
    public boolean awaitsOutsideInput()
    {
        return pacing != null && outsideSources > 0;
    }

    /**
     * Hands work to the simulation thread from any other thread (a bridge's reader thread). The runnable executes
     * inside the run loop at the simulated time that corresponds to the moment it is taken in.
     */
    public void post(final Runnable work)
    {
        inbox.add(work);
        final Thread thread = runner;
        if (thread != null)
        {
            LockSupport.unpark(thread);
        }
    }

    /** Waits until wall time reaches {@code simTarget}; returns false if posted work arrived first. */
    private boolean awaitWallClock(final long simTarget)
    {
        pacing.keepUp(eventTime);
        while (true)
        {
            final Runnable work = inbox.poll();
            if (work != null)
            {
                final long arrival = Math.max(eventTime, Math.min(pacing.simulatedNow(), simTarget));
                eventTime = arrival;
                if (arrival > frontierTime)
                {
                    // Posted work goes before any event due at its arrival time.
                    frontierTime = arrival;
                    frontierSequence = Long.MIN_VALUE;
                }
                runExternal(work);
                return false;
            }
            final long waitNanos = pacing.wallNanosUntil(simTarget);
            if (waitNanos <= 0)
            {
                return true;
            }
            pacing.park(this, waitNanos);
        }
    }

    private void runExternal(final Runnable work)
    {
        firing = EXTERNAL;
        try
        {
            work.run();
        }
        finally
        {
            firing = null;
            localOffset = 0;
        }
    }

    private static final Event EXTERNAL = new Event("external input", Component.EXTERNAL, () -> { });
    private static final Event CALL = new Event("call from outside", Component.HOST_CPU, () -> { });

    /* ---------------------------------------------------------------------------------------------------------- */
    /* 4-ary heap ordered by (time, sequence)                                                                       */

    private void enqueue(final Event event, final long time)
    {
        final long now = now();
        if (time < now)
        {
            throw new IllegalArgumentException("event '" + event.name() + "' scheduled in the past: " +
                Time.format(time) + " < now " + Time.format(now));
        }
        event.time = time;
        event.scheduled = true;
        event.causeRecord = currentRecord;
        event.issuedAt = Math.min(Math.max(now, stageUntil), time);
        insert(event, time, nextSequence++);
    }

    /** Into the front slot if it goes before everything pending, else into the heap. */
    private void insert(final Event event, final long time, final long sequence)
    {
        if (head == null)
        {
            if (size == 0 || before(time, sequence, keys[0], keys[1]))
            {
                head = event;
                headTime = time;
                headSequence = sequence;
                return;
            }
        }
        else if (before(time, sequence, headTime, headSequence))
        {
            push(head, headTime, headSequence);
            head = event;
            headTime = time;
            headSequence = sequence;
            return;
        }
        push(event, time, sequence);
    }

    /** Takes the place {@code schedule(event, time)} would take now, for {@link Reservation#hold(long)}. */
    void reserve(final Reservation reservation, final Event event, final long time)
    {
        final long now = now();
        if (time < now)
        {
            throw new IllegalArgumentException("event '" + event.name() + "' reserved in the past: " +
                Time.format(time) + " < now " + Time.format(now));
        }
        reservation.held(time, nextSequence++, currentRecord, Math.min(Math.max(now, stageUntil), time));
    }

    /**
     * Queues an event at a place taken earlier ({@link #reserve}) that has not passed yet: it fires where it would
     * have had it been scheduled then, with that cause.
     */
    void enqueueReserved(final Event event, final long time, final long sequence, final int causeRecord,
        final long issuedAt)
    {
        if (event.scheduled)
        {
            throw new IllegalStateException("event '" + event.name() + "' is already scheduled at " +
                Time.format(event.time));
        }
        event.time = time;
        event.scheduled = true;
        event.causeRecord = causeRecord;
        event.issuedAt = issuedAt;
        insert(event, time, sequence);
    }

    private void push(final Event event, final long time, final long sequence)
    {
        if (size == slotIds.length)
        {
            keys = Arrays.copyOf(keys, 4 * size);
            slotIds = Arrays.copyOf(slotIds, 2 * size);
        }
        siftUp(size++, time, sequence, idOf(event));
    }

    /** The event's id here, given on its first scheduling. */
    private int idOf(final Event event)
    {
        final int id = event.id;
        if (id >= 0 && id < registered && registry[id] == event)
        {
            return id;
        }
        if (registered == registry.length)
        {
            registry = Arrays.copyOf(registry, 2 * registered);
            positions = Arrays.copyOf(positions, 2 * registered);
        }
        registry[registered] = event;
        event.id = registered;
        return registered++;
    }

    private void removeRoot()
    {
        registry[slotIds[0]].scheduled = false;
        final int last = --size;
        if (last > 0)
        {
            siftDown(0, keys[2 * last], keys[2 * last + 1], slotIds[last]);
        }
    }

    private void removeAt(final int slot)
    {
        registry[slotIds[slot]].scheduled = false;
        final int last = --size;
        if (slot != last)
        {
            final long time = keys[2 * last];
            final long sequence = keys[2 * last + 1];
            final int id = slotIds[last];
            siftDown(slot, time, sequence, id);
            if (positions[id] == slot)
            {
                siftUp(slot, time, sequence, id);
            }
        }
    }

    private void siftUp(int slot, final long time, final long sequence, final int id)
    {
        while (slot > 0)
        {
            final int parent = (slot - 1) >>> 2;
            if (!before(time, sequence, keys[2 * parent], keys[2 * parent + 1]))
            {
                break;
            }
            move(parent, slot);
            slot = parent;
        }
        place(slot, time, sequence, id);
    }

    private void siftDown(int slot, final long time, final long sequence, final int id)
    {
        while (true)
        {
            final int first = 4 * slot + 1;
            if (first >= size)
            {
                break;
            }
            int child = first;
            long childTime = keys[2 * first];
            long childSequence = keys[2 * first + 1];
            final int end = Math.min(first + 4, size);
            for (int other = first + 1; other < end; other++)
            {
                final long otherTime = keys[2 * other];
                final long otherSequence = keys[2 * other + 1];
                if (before(otherTime, otherSequence, childTime, childSequence))
                {
                    child = other;
                    childTime = otherTime;
                    childSequence = otherSequence;
                }
            }
            if (!before(childTime, childSequence, time, sequence))
            {
                break;
            }
            move(child, slot);
            slot = child;
        }
        place(slot, time, sequence, id);
    }

    private void move(final int from, final int to)
    {
        keys[2 * to] = keys[2 * from];
        keys[2 * to + 1] = keys[2 * from + 1];
        final int id = slotIds[from];
        slotIds[to] = id;
        positions[id] = to;
    }

    private void place(final int slot, final long time, final long sequence, final int id)
    {
        keys[2 * slot] = time;
        keys[2 * slot + 1] = sequence;
        slotIds[slot] = id;
        positions[id] = slot;
    }

    private static boolean before(final long time, final long sequence, final long otherTime,
        final long otherSequence)
    {
        return time < otherTime || (time == otherTime && sequence < otherSequence);
    }
}
