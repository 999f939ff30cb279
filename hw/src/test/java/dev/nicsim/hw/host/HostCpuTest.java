package dev.nicsim.hw.host;

import dev.nicsim.hw.sim.Component;
import dev.nicsim.hw.sim.Event;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HostCpuTest
{
    private final Simulator sim = new Simulator();
    private final HostCpu cpu = new HostCpu(sim, CpuCosts.defaults(), "hostA");
    private final List<String> log = new ArrayList<>();

    private Event activity(final String name, final long work)
    {
        return new Event(name, Component.HOST_CPU, () ->
        {
            cpu.begin(name.equals("irq") ? CpuUse.IRQ : CpuUse.SYSCALL);
            log.add(name + " starts " + sim.now());
            cpu.charge(work);
            cpu.begin(CpuUse.DRIVER);
            cpu.charge(CpuUse.STACK, 1);
            cpu.end();
            cpu.end();
            log.add(name + " ends " + sim.now());
        });
    }

    @Test
    void shouldRunOneActivityAtATimeAndChargeNestedWorkOnce()
    {
        sim.schedule(activity("syscall", 999), 1_000);
        sim.schedule(activity("irq", 100), 1_500);
        sim.run(Time.US);

        assertEquals(List.of("syscall starts 1000", "syscall ends 2000", "irq starts 2000", "irq ends 2101"), log,
            "the interrupt waits for the CPU; nested begin/end does not wait or release");
        assertEquals(1_101, cpu.busyPs());
        assertEquals(999, cpu.busyPs(CpuUse.SYSCALL), "the syscall's own work, less what it charged to the stack");
        assertEquals(100, cpu.busyPs(CpuUse.IRQ), "a nested activity keeps the outer one's use");
        assertEquals(2, cpu.busyPs(CpuUse.STACK), "work charged to another use counts there");
        assertEquals(0, cpu.busyPs(CpuUse.DRIVER));
    }

    @Test
    void shouldCountOnlyTheTimeUpToNowOfAnActivityThatRunsAhead()
    {
        // A 10 us system call that charged 2 us to the stack, started at 1 us: read at 6 us, half of it lies ahead.
        sim.schedule(new Event("send", Component.HOST_CPU, () ->
        {
            cpu.begin(CpuUse.SYSCALL);
            cpu.charge(8 * Time.US);
            cpu.charge(CpuUse.STACK, 2 * Time.US);
            cpu.end();
        }), Time.US);
        sim.run(6 * Time.US);
        assertEquals(5 * Time.US, cpu.busyPs(), "a window ending at 6 us holds no more than 5 us of it");
        assertEquals(4 * Time.US, cpu.busyPs(CpuUse.SYSCALL));
        assertEquals(Time.US, cpu.busyPs(CpuUse.STACK));

        sim.run(20 * Time.US);
        assertEquals(10 * Time.US, cpu.busyPs(), "the rest counts once its time has come");
        assertEquals(8 * Time.US, cpu.busyPs(CpuUse.SYSCALL));
        assertEquals(2 * Time.US, cpu.busyPs(0, CpuUse.STACK));
    }

    @Test
    void shouldSplitTimeAheadByTheActivityItBelongsToWhenActivitiesQueueOnTheCore()
    {
        // A 10 us system call from 1 us, and a 10 us interrupt at 2 us that waits for it (11 to 21 us).
        sim.schedule(new Event("send", Component.HOST_CPU, () ->
        {
            cpu.begin(CpuUse.SYSCALL);
            cpu.charge(10 * Time.US);
            cpu.end();
        }), Time.US);
        sim.schedule(new Event("irq", Component.HOST_CPU, () ->
        {
            cpu.begin(CpuUse.IRQ);
            cpu.charge(10 * Time.US);
            cpu.end();
        }), 2 * Time.US);
        sim.run(6 * Time.US);
        assertEquals(5 * Time.US, cpu.busyPs(CpuUse.SYSCALL));
        assertEquals(0, cpu.busyPs(CpuUse.IRQ), "the interrupt has not started by 6 us");
        sim.run(16 * Time.US);
        assertEquals(10 * Time.US, cpu.busyPs(CpuUse.SYSCALL));
        assertEquals(5 * Time.US, cpu.busyPs(CpuUse.IRQ));
        assertEquals(15 * Time.US, cpu.busyPs());
    }

    @Test
    void shouldRunCoresInParallelAndAccountEachApart()
    {
        final HostCpu quad = new HostCpu(sim, CpuCosts.defaults(), "B.cpu", 4);
        final long[] started = new long[3];
        sim.schedule(new Event("app", Component.HOST_CPU, () ->
        {
            quad.begin(1, CpuUse.SYSCALL);
            started[0] = sim.now();
            quad.charge(1_000);
            quad.end();
        }), 0);
        sim.schedule(new Event("irq", Component.HOST_CPU, () ->
        {
            quad.begin(2, CpuUse.IRQ);
            started[1] = sim.now();
            quad.charge(500);
            quad.begin(0, CpuUse.DRIVER);
            assertEquals(2, quad.runningCore(), "a nested activity stays on the outer one's core");
            quad.charge(CpuUse.STACK, 200);
            quad.end();
            quad.end();
        }), 100);
        sim.schedule(new Event("second app call", Component.HOST_CPU, () ->
        {
            quad.begin(1, CpuUse.SYSCALL);
            started[2] = sim.now();
            quad.charge(10);
            quad.end();
        }), 200);
        sim.run(Time.US);

        assertEquals(100, started[1], "core 2 does not wait for core 1");
        assertEquals(1_000, started[2], "core 1 runs one activity at a time");
        assertEquals(1_010, quad.busyPs(1));
        assertEquals(700, quad.busyPs(2));
        assertEquals(0, quad.busyPs(0));
        assertEquals(500, quad.busyPs(2, CpuUse.IRQ));
        assertEquals(200, quad.busyPs(2, CpuUse.STACK));
        assertEquals(1_710, quad.busyPs(), "the host's figure is the sum over its cores");
        assertEquals(200, quad.busyPs(CpuUse.STACK));
        assertEquals(List.of(0, 1, 2, 3, 0, 1), List.of(quad.irqCore(0), quad.irqCore(1), quad.irqCore(2),
            quad.irqCore(3), quad.irqCore(4), quad.irqCore(5)), "queue i's interrupt reaches core i mod 4");
        assertEquals("B.cpu3", quad.coreName(3));
        assertEquals("hostA", cpu.coreName(0), "a single core keeps the CPU's name");
        assertThrows(IllegalArgumentException.class, () -> quad.busyPs(4));
        assertThrows(IllegalArgumentException.class, () -> new HostCpu(sim, CpuCosts.defaults(), "C", 0));
    }

    @Test
    void shouldMakeQueueWorkWaitForItsOwnCoreOnceAndRunItThere()
    {
        final HostCpu dual = new HostCpu(sim, CpuCosts.defaults(), "B.cpu", 2);
        final List<String> runs = new ArrayList<>();
        final Event[] poll = new Event[1];
        poll[0] = new Event("poll", Component.HOST_CPU, () ->
        {
            if (dual.waitsForIrqCore(3, poll[0]))
            {
                runs.add("waits at " + sim.now());
                return;
            }
            dual.beginOnIrqCore(3, CpuUse.DRIVER);
            runs.add("runs at " + sim.now() + " on core " + dual.runningCore());
            dual.charge(100);
            dual.end();
        });
        sim.schedule(new Event("app on core 1", Component.HOST_CPU, () ->
        {
            dual.begin(1, CpuUse.SYSCALL);
            dual.charge(1_000);
            dual.end();
        }), 0);
        sim.schedule(new Event("app on core 0", Component.HOST_CPU, () ->
        {
            dual.begin(0, CpuUse.SYSCALL);
            dual.charge(50);
            dual.end();
        }), 0);
        sim.schedule(poll[0], 10);
        sim.run(Time.US);

        assertEquals(List.of("waits at 10", "runs at 1000 on core 1"), runs,
            "queue 3 of 2 cores is core 1's: its work waits for core 1, not core 0, and is rescheduled once");
        assertEquals(1_100, dual.busyPs(1));
        assertEquals(50, dual.busyPs(0));
    }

    @Test
    void shouldRejectUnbalancedEnd()
    {
        assertThrows(IllegalStateException.class, cpu::end);
        assertThrows(IllegalArgumentException.class, () -> new CpuCosts(-1, 0, 0, 0, 0, 0, 0, 0, 0));
    }
}
