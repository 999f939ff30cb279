package dev.nicsim.hw.pcie;

import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.hw.sim.Time;

/**
 * The host's receiver of MSI messages (the local APIC, for our purposes). A message that reaches it runs the vector's
 * handler after the host's interrupt latency (entry to the handler: the CPU finishing its instruction, the IDT, the
 * kernel's entry code). A second message for a vector whose handler has not run yet is merged into the first, as an
 * APIC's request register holds one request per vector.
 */
public final class InterruptController
{
    /** The x86 MSI address window: writes here are interrupts, not memory writes. */
    public static final long MSI_WINDOW_BASE = 0xFEE0_0000L;
    public static final long MSI_WINDOW_SIZE = 0x10_0000L;
    /** Default host interrupt latency: 1 us. An estimate (reference §2.6: 1 to 2 us of CPU entry cost). */
    public static final long DEFAULT_LATENCY_PS = Time.US;

    private static final int FIRST_VECTOR = 32;
    private static final int VECTORS = 256;

    private final Simulator sim;
    private final MsiVector[] vectors = new MsiVector[VECTORS];
    private long latencyPs;
    private int nextVector = FIRST_VECTOR;
    private long spurious;

    public InterruptController(final Simulator sim, final long latencyPs)
    {
        this.sim = sim;
        setLatencyPs(latencyPs);
    }

    public void setLatencyPs(final long latencyPs)
    {
        if (latencyPs < 0 || latencyPs > Time.MS)
        {
            throw new IllegalArgumentException("host interrupt latency must be in [0, 1 ms], got " + latencyPs + " ps");
        }
        this.latencyPs = latencyPs;
    }

    public long latencyPs()
    {
        return latencyPs;
    }

    public static boolean isMsiAddress(final long address)
    {
        return address >= MSI_WINDOW_BASE && address < MSI_WINDOW_BASE + MSI_WINDOW_SIZE;
    }

    /** Allocates a vector for {@code handler} and returns the message a device must send to raise it. */
    public MsiVector allocate(final String name, final InterruptHandler handler)
    {
        for (int i = 0; i < VECTORS - FIRST_VECTOR; i++)
        {
            final int candidate = FIRST_VECTOR + (nextVector - FIRST_VECTOR + i) % (VECTORS - FIRST_VECTOR);
            if (vectors[candidate] == null)
            {
                final MsiVector vector = new MsiVector(sim, name, MSI_WINDOW_BASE, candidate, handler);
                vectors[candidate] = vector;
                nextVector = candidate + 1;
                return vector;
            }
        }
        throw new IllegalStateException("no free interrupt vector for " + name + ": all " +
            (VECTORS - FIRST_VECTOR) + " are allocated");
    }

    public void free(final MsiVector vector)
    {
        if (vectors[vector.data()] != vector)
        {
            throw new IllegalArgumentException("interrupt vector " + vector.name() + " is not allocated here");
        }
        vector.cancel();
        vectors[vector.data()] = null;
    }

    /** Messages that named no allocated vector. */
    public long spurious()
    {
        return spurious;
    }

    /** Called by the root complex when an MSI write arrives. */
    void deliver(final long address, final int data)
    {
        deliverAt(address, data, sim.now());
    }

    /**
     * An MSI write lands at {@code at} (now or later; a device's messages in landing order). Deciding at once whether
     * it merges into a handler run still to come spares the landing an event of its own.
     */
    void deliverAt(final long address, final int data, final long at)
    {
        final MsiVector vector = (data >= 0 && data < VECTORS) ? vectors[data] : null;
        if (vector == null || vector.address() != address)
        {
            spurious++;
            return;
        }
        vector.land(at, latencyPs);
    }
}
