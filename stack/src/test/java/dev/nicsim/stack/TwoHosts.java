package dev.nicsim.stack;

import dev.nicsim.hw.eth.EthernetConfig;
import dev.nicsim.hw.eth.FrameStage;
import dev.nicsim.hw.host.CpuCosts;
import dev.nicsim.hw.host.HostCpu;
import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.stack.context.SocketConstants;
import dev.nicsim.stack.context.StackConfig;
import dev.nicsim.stack.device.NetDevice;
import dev.nicsim.stack.device.PairedDevice;
import dev.nicsim.stack.iface.NetworkInterface;
import dev.nicsim.stack.posix.Posix;
import dev.nicsim.stack.wire.Bytes;
import dev.nicsim.stack.wire.Ipv4Address;

import java.lang.foreign.MemorySegment;

/**
 * Two stacks wired back to back over a 10 Gb/s paired link: A is 10.0.0.1/24, B is 10.0.0.2/24, each with a
 * process. The default gateway of A is 10.0.0.254, which nobody answers (for ARP failure tests).
 */
public final class TwoHosts
{
    public static final int A = Ipv4Address.parse("10.0.0.1");
    public static final int B = Ipv4Address.parse("10.0.0.2");
    public static final int SILENT = Ipv4Address.parse("10.0.0.99");
    public static final int GATEWAY = Ipv4Address.parse("10.0.0.254");

    public final Simulator sim = new Simulator();
    public final PairedDevice.Pair pair;
    public final NetworkStack a;
    public final NetworkStack b;
    public final NetworkInterface ethA;
    public final NetworkInterface ethB;
    public final Posix pa;
    public final Posix pb;

    public TwoHosts(final StackConfig configA, final StackConfig configB, final int features)
    {
        this(configA, configB, features, GATEWAY);
    }

    /** As {@link #TwoHosts(StackConfig, StackConfig, int)}, with A's default route through {@code gatewayOfA}
     *  (0: A has no default route). */
    public TwoHosts(final StackConfig configA, final StackConfig configB, final int features, final int gatewayOfA)
    {
        this(configA, configB, features, gatewayOfA, 1);
    }

    /** As {@link #TwoHosts(StackConfig, StackConfig, int, int)}, with {@code coresOfA} cores on A. */
    public TwoHosts(final StackConfig configA, final StackConfig configB, final int features, final int gatewayOfA,
        final int coresOfA)
    {
        pair = PairedDevice.pair(sim, EthernetConfig.tenGigabit(), "a.eth0", 0x0200_0000_0001L, "b.eth0",
            0x0200_0000_0002L, features);
        a = new NetworkStack(sim, new HostCpu(sim, CpuCosts.defaults(), "a.cpu", coresOfA), configA, "a");
        b = new NetworkStack(sim, new HostCpu(sim, CpuCosts.defaults(), "b.cpu"), configB, "b");
        ethA = a.addInterface(pair.a(), A, 24);
        ethB = b.addInterface(pair.b(), B, 24);
        if (gatewayOfA != 0)
        {
            a.routes().addDefault(gatewayOfA, ethA);
        }
        pa = a.newProcess(1 << 20);
        pb = b.newProcess(1 << 20);
    }

    public TwoHosts()
    {
        this(StackConfig.defaults(), StackConfig.defaults().withSeed(7),
            NetDevice.FEATURE_TX_CHECKSUM | NetDevice.FEATURE_RX_CHECKSUM);
    }

    /** Makes B a silent peer: a firewall in front of it drops every TCP segment, while ARP still works. */
    public void firewallTcpToB()
    {
        pair.link().b().addReceiveFault(new FrameStage()
        {
            @Override
            public void receiveFrame(final MemorySegment frame, final long offset, final int length)
            {
                final boolean tcp = length > 23 && Bytes.u16(frame, offset + 12) == 0x0800 &&
                    Bytes.u8(frame, offset + 23) == 6;
                if (!tcp)
                {
                    forward(frame, offset, length);
                }
            }
        });
    }

    /**
     * Hands {@code length} bytes at {@code frame} to {@code iface} as its device would: one received frame and the
     * end of the batch, as one call into the simulation. {@code rawChecksum} as the device reports it.
     */
    public void inject(final NetworkInterface iface, final MemorySegment frame, final int length,
        final int rawChecksum)
    {
        sim.beginCall();
        try
        {
            iface.receiveFrame(frame, 0, length, rawChecksum);
            iface.receiveBatchDone();
        }
        finally
        {
            sim.endCall();
        }
    }

    /**
     * Loses, on their way to B, the TCP segments carrying data whose ordinal (1 = the first data segment A sends,
     * retransmissions counted too) is in {@code lost}.
     */
    public void loseDataSegmentsToB(final int... lost)
    {
        pair.link().b().addReceiveFault(new FrameStage()
        {
            private int seen;

            @Override
            public void receiveFrame(final MemorySegment frame, final long offset, final int length)
            {
                if (isTcpData(frame, offset))
                {
                    seen++;
                    for (final int ordinal : lost)
                    {
                        if (ordinal == seen)
                        {
                            return;
                        }
                    }
                }
                forward(frame, offset, length);
            }
        });
    }

    /** True when the frame holds a TCP segment with payload. */
    public static boolean isTcpData(final MemorySegment frame, final long offset)
    {
        if (Bytes.u16(frame, offset + 12) != 0x0800 || Bytes.u8(frame, offset + 23) != 6)
        {
            return false;
        }
        final int ipHeader = (Bytes.u8(frame, offset + 14) & 0xF) * 4;
        final int tcpHeader = (Bytes.u8(frame, offset + 14 + ipHeader + 12) >>> 4) * 4;
        return Bytes.u16(frame, offset + 16) > ipHeader + tcpHeader;
    }

    /** A sockaddr_in in {@code process}'s memory. */
    public static long address(final Posix process, final int ip, final int port)
    {
        final long at = process.memory().allocate(16);
        process.memory().putSockaddrIn(at, SocketConstants.AF_INET, ip, port);
        return at;
    }

    /** B listens on {@code port}; returns the listening fd. */
    public int listenOnB(final int port)
    {
        final int fd = pb.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0);
        check(pb.bind(fd, address(pb, 0, port), 16), pb);
        check(pb.listen(fd, 16), pb);
        return fd;
    }

    /** A connects to a listener on B's {@code port}; returns A's socket and B's accepted one. */
    public int[] connectAToB(final int port)
    {
        final int listener = listenOnB(port);
        final int client = pa.socket(SocketConstants.AF_INET, SocketConstants.SOCK_STREAM, 0);
        check(pa.connect(client, address(pa, B, port), 16), pa);
        final int server = pb.accept(listener, 0, 0);
        check(server, pb);
        return new int[] {client, server};
    }

    /** setsockopt of an int-valued option, which must succeed. */
    public static void setIntOption(final Posix process, final int fd, final int level, final int option,
        final int value)
    {
        final long at = process.memory().allocate(4);
        process.memory().putInt(at, value);
        check(process.setsockopt(fd, level, option, at, 4), process);
    }

    /** getsockopt of an int-valued option, which must succeed. */
    public static int intOption(final Posix process, final int fd, final int level, final int option)
    {
        final long value = process.memory().allocate(4);
        final long length = process.memory().allocate(4);
        process.memory().putInt(length, 4);
        check(process.getsockopt(fd, level, option, value, length), process);
        return process.memory().getInt(value);
    }

    public static void check(final int result, final Posix process)
    {
        if (result < 0)
        {
            throw new AssertionError("call failed with " + dev.nicsim.stack.context.Errno.name(process.errno()));
        }
    }
}
