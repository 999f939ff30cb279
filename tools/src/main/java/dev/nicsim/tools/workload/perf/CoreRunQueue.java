package dev.nicsim.tools.workload.perf;

import dev.nicsim.hw.host.HostCpu;
import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Simulator;

/**
 * One core's run queue for the perf programs whose work on their core has no end of its own: the senders that send
 * as fast as their sockets or the wire take data, and the UDP servers, whose sockets fill as fast as their peers send
 * (no window holds a UDP sender back). They share the core in turn, one system call each (a UDP_RR server's turn is a
 * request's recvfrom and the sendto answering it), and share it with the interrupts and softirqs due on it as Linux's
 * scheduler does. There an interrupt preempts the running task, and the softirq work it raised (the NAPI poll, and
 * with it the ACKs that free a sender's buffer) runs at the interrupt's exit, before the task's next system call;
 * softirq work that keeps coming back (a poll that used its whole budget) is handed to ksoftirqd after 2 ms or 10
 * rounds ({@code __do_softirq}), a thread that CFS gives the same share of the core as a task of the same weight.
 *
 * <p>Here a system call is one CPU activity that nothing interrupts, and the queue may run several in one event, its
 * local time running ahead of the simulation's clock; the driver's interrupt handler and poll that come due meanwhile
 * wait for the core ({@code NicDriver.cpuBusy}). So before each call the queue looks whether other work is due by
 * now, and lets it run first unless that work has had more of the core than the programs since they last had
 * nothing to do (then the call goes first, as ksoftirqd and the task take turns). What is due at the very time the
 * queue resumes was queued after it (a handler that found the core busy until then), so at that time it gives way
 * once more; only once, since queues of two cores may be due together. A sender that kept the core until its socket
 * was full kept the ACKs' interrupts off it for milliseconds (32 flows of 1-byte send()s: the flows that came first
 * took the core in turn and the others carried nothing), and one that gave way to every poll got 6 % of a core
 * whose polls each ran 64 ACKs and the segments they released (16 flows on 2 cores at 100 Gb/s).
 */
final class CoreRunQueue
{
    /** A program's thread of work on a core: each {@link #step} is one turn (see the class comment). */
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
    /* Since the queue last had nothing to run: the core's busy time then, and the time the programs' calls took. */
    private long coreBusyAtStart;
    private long programPs;
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
            if (!dispatching)
            {
                coreBusyAtStart = cpu.busyPs(core);
                programPs = 0;
            }
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
                final long start = Math.max(sim.now(), cpu.busyUntil(core));
                task.step.run();
                programPs += Math.max(0, sim.now() - start);
            }
        }
        finally
        {
            dispatching = false;
        }
    }

    /*
     * Whether the work due by now goes first; if so the dispatch is rescheduled behind it. A core busy past now
     * (an activity that began earlier) is waited for by the next call itself (HostCpu.begin), which so keeps its
     * place ahead of work that comes due later, as work that asks a busy core for time does. The other work's share
     * is the core's busy time since the queue started less the programs' own.
     */
    private boolean gaveWay()
    {
        final long now = sim.now();
        if (sim.nextEventTime() > now || cpu.busyPs(core) - coreBusyAtStart - programPs > programPs)
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
