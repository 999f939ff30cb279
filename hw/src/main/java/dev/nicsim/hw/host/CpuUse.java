package dev.nicsim.hw.host;

/**
 * What a host's CPU spends its time on, the split a co-design engineer reads next to throughput: Linux's
 * {@code /proc/stat} separates system (syscall), softirq (protocol work) and irq time in the same spirit. Each
 * activity has a use, and work charged to another use inside it (the stack's receive work inside the driver's NAPI
 * poll, say) is counted where it belongs.
 */
public enum CpuUse
{
    /** Entering and leaving the kernel for system calls, copying their data, and waking blocked programs. */
    SYSCALL,
    /** Protocol work: IPv4, TCP and UDP input and output. */
    STACK,
    /** The driver: descriptor rings, NAPI polls, doorbells, reclaim. */
    DRIVER,
    /** Interrupt entry and the interrupt handlers themselves. */
    IRQ;

    /** The uses, in declaration order, without the copy {@code values()} makes. */
    public static final CpuUse[] ALL = values();

    /** Lower-case name for reports ({@code syscall}, {@code stack}, ...). */
    public String label()
    {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
