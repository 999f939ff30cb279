package dev.nicsim.hw.host;

import dev.nicsim.hw.sim.Time;

/**
 * What host software costs in simulated CPU time. No measurement of this project's own software exists (it is Java
 * modelling kernel code), so the defaults are estimates of a Linux host on a current x86 server core, each with its
 * basis; change them to model another host.
 *
 * @param syscallPs        entering and leaving the kernel for one system call. Default 200 ns (a null syscall is about
 *                         100 ns without, 200+ ns with speculative-execution mitigations).
 * @param wakeupPs         waking a thread blocked in a system call when what it waits for happens: scheduler wake-up
 *                         and context switch. Default 2 us (estimate for an idle, shallow-C-state core).
 * @param stackTxPacketPs  protocol work to build and send one packet (TCP/IP output path). Default 500 ns (estimate).
 * @param stackRxPacketPs  protocol work to receive one packet (IP and TCP/UDP input, socket lookup, wake-up
 *                         bookkeeping). Default 700 ns (estimate).
 * @param driverTxPs       driver work per transmitted frame (descriptor write, ring bookkeeping). Default 100 ns.
 * @param driverRxPs       driver work per received frame (descriptor read, refill). Default 100 ns.
 * @param copyPsPerKiB     copying a system call's data between the program and the kernel, per KiB: send(2) and
 *                         recv(2) copy every byte once. Default 100 ns per KiB, about 10 GB/s, a single core's memcpy
 *                         of data that is not in its L1/L2 cache (estimate); what makes bulk transfers cost CPU by
 *                         the byte and not only by the packet.
 * @param interruptPs      taking one interrupt: entry, vector dispatch, EOI and exit, before the handler's own work.
 *                         Default 1 us (reference nic-models-and-timing §2.6: 1 to 2 us of CPU entry cost); it is
 *                         the CPU time interrupt moderation saves.
 * @param groFramePs       receive offload's work per received frame when GRO is on: parsing its headers, finding
 *                         its flow among those held and merging it ({@code dev_gro_receive}, {@code tcp_gro_receive}).
 *                         The packets GRO sends up then cost {@code stackRxPacketPs} each. Default 100 ns (estimate:
 *                         a few cache-hot header reads and compares).
 */
public record CpuCosts(long syscallPs, long wakeupPs, long stackTxPacketPs, long stackRxPacketPs, long driverTxPs,
                       long driverRxPs, long copyPsPerKiB, long interruptPs, long groFramePs)
{
    public CpuCosts
    {
        check("syscallPs", syscallPs);
        check("wakeupPs", wakeupPs);
        check("stackTxPacketPs", stackTxPacketPs);
        check("stackRxPacketPs", stackRxPacketPs);
        check("driverTxPs", driverTxPs);
        check("driverRxPs", driverRxPs);
        check("copyPsPerKiB", copyPsPerKiB);
        check("interruptPs", interruptPs);
        check("groFramePs", groFramePs);
    }

    public static CpuCosts defaults()
    {
        return new CpuCosts(Time.ns(200), Time.us(2), Time.ns(500), Time.ns(700), Time.ns(100), Time.ns(100), Time.ns(100), Time.US,
            Time.ns(100));
    }

    /** A host whose software takes no time: isolates hardware effects in experiments. */
    public static CpuCosts free()
    {
        return new CpuCosts(0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** CPU time to copy {@code bytes} between a program and the kernel. */
    public long copyPs(final int bytes)
    {
        return bytes * copyPsPerKiB >> 10;
    }

    private static void check(final String name, final long ps)
    {
        if (ps < 0 || ps > Time.MS)
        {
            throw new IllegalArgumentException("CPU cost " + name + " must be in [0, 1 ms], got " + ps + " ps");
        }
    }
}
