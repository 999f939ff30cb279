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
    void shouldRejectUnbalancedEnd()
    {
        assertThrows(IllegalStateException.class, cpu::end);
        assertThrows(IllegalArgumentException.class, () -> new CpuCosts(-1, 0, 0, 0, 0, 0, 0, 0));
    }
}
