package dev.nicsim.tools.workload.perf;

import dev.nicsim.hw.host.HostCpu;
import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Simulator;

/**
 * One core's run queue for the perf programs that send as fast as their sockets take data: they share the core in
 * turn, one system call each, and give it first to the interrupts and softirqs due on it, as Linux schedules a CPU.
 * There an interrupt preempts the running task, the softirq work it raised (the NAPI poll, and with it the ACKs that
 * free a sender's buffer) runs at the interrupt's exit, before the task's next system call, and tasks of equal weight
 * get equal shares of what is left (CFS).
 *
 * <p>Here a system call is one CPU activity that nothing interrupts, and the queue may run several in one event, its
 * local time running ahead of the simulation's clock. The driver's interrupt handler and poll that come due meanwhile
 * wait for the core ({@code NicDriver.cpuBusy}): so before each call the queue looks whether anything is due by now
 * and if so lets it run first, resuming behind it. What is due at the very time the queue resumes was queued after it
 * (a handler that found the core busy until then), so at that time it gives way once more; only once, since queues of
 * two cores may be due together. A sender whose socket never fills (its ACKs come through this core) would otherwise
 * keep the interrupts off the core for ever, and one that came first would keep the others off it.
 */
final class CoreRunQueue
{
    /** A program's thread of work on a core: each {@link #step} makes one system call. */
    static final class Task
    {
        private final Runnable step;
        private Task next;
        private boolean queued;

        Task(final Runnable step)
        {
            this.step = step;
        }
    }

    private final Simulator sim;
    private final HostCpu cpu;
    private final int core;
    private final Event dispatch;
    private Task head;
    private Task tail;
    private boolean dispatching;
    /** The event time at which this queue last gave way to work due at that same time. */
    private long gaveWayAt = -1;

    CoreRunQueue(final Simulator sim, final HostCpu cpu, final int core)
    {
        this.sim = sim;
        this.cpu = cpu;
        this.core = core;
        this.dispatch = new Event(cpu.coreName(core) + ".run_queue", Component.HOST_CPU, this::dispatch);
    }

    /** {@code task} wants the core for its next step; it takes its turn behind the tasks already waiting. */
    void wake(final Task task)
    {
        if (task.queued)
        {
            return;
        }
        task.queued = true;
        if (tail == null)
        {
            head = task;
        }
        else
        {
            tail.next = task;
        }
        tail = task;
        if (!dispatching && !dispatch.isScheduled())
        {
            sim.schedule(dispatch, sim.now());
        }
    }

    private void dispatch()
    {
        dispatching = true;
        try
        {
            while (head != null && !gaveWay())
            {
                final Task task = head;
                head = task.next;
                if (head == null)
                {
                    tail = null;
                }
                task.next = null;
                task.queued = false;
                task.step.run();
            }
        }
        finally
        {
            dispatching = false;
        }
    }

    /* Whether the core goes to other work first; if so the dispatch is rescheduled behind it. */
    private boolean gaveWay()
    {
        final long now = sim.now();
        final long free = cpu.busyUntil(core);
        if (free > now)
        {
            sim.schedule(dispatch, free);
            return true;
        }
        if (sim.nextEventTime() > now)
        {
            return false;
        }
        if (now == sim.eventTime())
        {
            if (gaveWayAt == now)
            {
                return false;
            }
            gaveWayAt = now;
        }
        sim.schedule(dispatch, now);
        return true;
    }
}
