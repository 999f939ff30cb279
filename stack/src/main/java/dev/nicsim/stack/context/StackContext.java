package dev.nicsim.stack.context;

import dev.nicsim.hw.host.CpuUse;
import dev.nicsim.hw.host.HostCpu;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import dev.nicsim.hw.trace.EventTrace;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * What every layer of one host's stack shares, handed down to each at construction (smoltcp's {@code Context}, the
 * parts of Linux's {@code struct net} the layers read): the simulator, the host CPU and its activities, the
 * configuration, the counters and the trace. It knows no layer above it: the interfaces it flushes at the end of an
 * activity register themselves as {@link Transmitter}s.
 *
 * <h2>CPU time</h2>
 * System calls, received packets and timers each run as one activity on the host CPU: a syscall is charged
 * {@code syscallPs}, each packet sent {@code stackTxPacketPs}, each received {@code stackRxPacketPs}, and a blocked
 * caller that wakes up {@code wakeupPs} (see {@link dev.nicsim.hw.host.CpuCosts}). The device is flushed (one
 * doorbell) at the end of each activity.
 */
public final class StackContext
{
    private final Simulator sim;
    private final HostCpu cpu;
    private final StackConfig config;
    private final String name;
    private final StackStats stats = new StackStats();
    private final List<Transmitter> transmitters = new ArrayList<>();
    private EventTrace trace = EventTrace.off();
    private int syscallDepth;
    private boolean syscallFromEvent;
    /* The core of the outermost system call in progress, to resume on after blocking. */
    private int syscallCore;

    public StackContext(final Simulator sim, final HostCpu cpu, final StackConfig config, final String name)
    {
        this.sim = sim;
        this.cpu = cpu;
        this.config = config;
        this.name = name;
    }

    public Simulator sim()
    {
        return sim;
    }

    public HostCpu cpu()
    {
        return cpu;
    }

    public StackConfig config()
    {
        return config;
    }

    public String name()
    {
        return name;
    }

    public StackStats stats()
    {
        return stats;
    }

    public EventTrace trace()
    {
        return trace;
    }

    /** Records socket state changes into {@code trace} (guarded: a disabled trace costs one branch). */
    public void setTrace(final EventTrace trace)
    {
        this.trace = trace;
    }

    /** Adds an interface whose doorbell the end of each activity rings. */
    public void addTransmitter(final Transmitter transmitter)
    {
        transmitters.add(transmitter);
    }

    /* ---------------------------------------------------------------------------------------------------------- */
    /* Activities                                                                                                   */

    /**
     * Starts a system call: a call into the simulation, one CPU activity, the syscall entry cost. It may come from
     * outside the simulation (a blocking program) or from inside an event (an event-driven program's readiness
     * handler), which may then only make calls that do not block.
     */
    public void enterSyscall()
    {
        enterSyscall(0);
    }

    /** Whether the system call under way may wait: it was not made from inside a simulation event. */
    public boolean mayBlock()
    {
        return !syscallFromEvent;
    }

    /** {@link #enterSyscall()} for a program whose thread runs on core {@code core} of the host's CPU. */
    public void enterSyscall(final int core)
    {
        if (syscallDepth++ == 0)
        {
            syscallFromEvent = sim.inEvent();
            syscallCore = core;
        }
        sim.beginCall();
        cpu.begin(core, CpuUse.SYSCALL);
        cpu.charge(cpu.costs().syscallPs());
    }

    /** Ends a system call: flushes what it sent, frees the CPU, lets the simulation catch up. */
    public void exitSyscall()
    {
        syscallDepth--;
        flushTransmit();
        cpu.end();
        sim.endCall();
    }

    /** Starts protocol work from an event (a received frame, a timer). */
    public void enterSoftirq()
    {
        cpu.begin(CpuUse.STACK);
    }

    /** Starts protocol work from an event on {@code core} (a connection's timer, on the core it was armed from). */
    public void enterSoftirq(final int core)
    {
        cpu.begin(core, CpuUse.STACK);
    }

    public void exitSoftirq()
    {
        cpu.end();
    }

    /** Rings every interface's doorbell for what was committed. */
    public void flushTransmit()
    {
        for (int i = 0; i < transmitters.size(); i++)
        {
            transmitters.get(i).flush();
        }
    }

    /**
     * Blocks the calling syscall until {@code condition} holds or {@code timeoutPs} passes (0 = no timeout): ends the
     * syscall activity, runs the simulation, then resumes with the wake-up cost. Returns false on timeout.
     *
     * @throws IllegalStateException if nothing could ever make the condition true (no event pending, no timeout and
     *                               no bridge to the outside attached), or when the call was made from inside an event
     */
    public boolean block(final BooleanSupplier condition, final long timeoutPs)
    {
        if (condition.getAsBoolean())
        {
            return true;
        }
        if (syscallFromEvent)
        {
            throw new IllegalStateException(name + ": a blocking socket call was made from inside a simulation " +
                "event at " + Time.format(sim.now()) + ", and it would have to wait: code running " +
                "in events (a readiness handler, say) may only make non-blocking calls. Open the socket with " +
                "SOCK_NONBLOCK (or set O_NONBLOCK, or pass MSG_DONTWAIT), and arm Posix.watch to be called when it " +
                "is ready.");
        }
        flushTransmit();
        cpu.end();
        sim.endCall();
        boolean ready;
        try
        {
            ready = waitFor(condition, timeoutPs);
        }
        finally
        {
            // Back into the syscall whether the wait ended or something inside the simulation threw: the caller's
            // exitSyscall then ends what this began, and the exception that ended the wait reaches the caller as it is.
            sim.beginCall();
            cpu.begin(syscallCore, CpuUse.SYSCALL);
        }
        cpu.charge(cpu.costs().wakeupPs());
        return ready;
    }

    private boolean waitFor(final BooleanSupplier condition, final long timeoutPs)
    {
        final long deadline = timeoutPs > 0 ? sim.now() + timeoutPs : Time.NEVER;
        while (true)
        {
            if (condition.getAsBoolean())
            {
                return true;
            }
            if (sim.now() >= deadline)
            {
                return false;
            }
            final long next = sim.nextEventTime();
            if (next == Time.NEVER && deadline == Time.NEVER && !sim.awaitsOutsideInput())
            {
                throw new IllegalStateException(name + ": a blocking call would wait forever at " +
                    Time.format(sim.now()) + ": nothing is scheduled that could make it ready. Use a timeout " +
                    "(SO_RCVTIMEO/SO_SNDTIMEO) or a non-blocking call.");
            }
            sim.runUntil(condition, Math.min(next == Time.NEVER ? deadline : next, deadline));
        }
    }
}
