package dev.nicsim.tools.drivercheck;

import dev.nicsim.stack.device.FrameReceiver;
import dev.nicsim.stack.device.NetDevice;
import dev.nicsim.stack.wire.Checksum;
import dev.nicsim.stack.wire.EthernetFrame;
import dev.nicsim.stack.wire.Ipv4Packet;
import dev.nicsim.stack.wire.TcpSegment;
import dev.nicsim.stack.wire.UdpDatagram;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The kit's stand-in stack for the multi-queue and TSO checks: it sends UDP/IPv4 flows (one source port each) through
 * the TX queue the device picks per flow, and a TCP/IPv4 segment as one TSO packet; and it records what it is lent:
 * frames per RX queue, the queue of each flow, and the TCP frames of a segment (checksums verified, payload kept).
 * Headers are written and read with the stack's own wire views. Public for driver tests outside the kit.
 */
public final class FlowStream implements FrameReceiver
{
    static final int SOURCE = 0x0A000001;
    static final int DESTINATION = 0x0A000002;
    static final int UDP_PORT = 5001;
    static final int TCP_HEADER = 14 + 20 + 20 + TcpSegment.TIMESTAMP_BLOCK;

    private final NetDevice device;
    private final long destination;
    private final EthernetFrame ethernet = new EthernetFrame();
    private final Ipv4Packet ip = new Ipv4Packet();
    private final UdpDatagram udp = new UdpDatagram();
    private final TcpSegment tcp = new TcpSegment();

    private final long[] perQueue = new long[8];
    /* Per UDP source port: 1 + the RX queue its frames arrived on, or 0 before the first. */
    private final byte[] queueOfFlow = new byte[65_536];
    private int flows;
    private boolean flowSplit;
    /* The TCP payload of the segment being received (beyond its capacity only counted). */
    private final byte[] tcpPayload = new byte[65_536];
    private int tcpPayloadLength;
    private long tcpFrames;
    private long badTcpFrames;
    private int largestTcpPayload;
    private int nextSequence = -1;

    public FlowStream(final NetDevice device, final long destination)
    {
        this.device = device;
        this.destination = destination;
    }

    /** Sends {@code frames} 60-byte frames of each of {@code flows} UDP flows, one flush per round. */
    public long[] sendFlows(final int flows, final int frames)
    {
        return sendFlows(flows, frames, new long[device.txQueues()]);
    }

    /** The same, adding the frames handed to each TX queue to {@code perTxQueue} (which it returns). */
    public long[] sendFlows(final int flows, final int frames, final long[] perTxQueue)
    {
        for (int round = 0; round < frames; round++)
        {
            for (int flow = 0; flow < flows; flow++)
            {
                final int port = 20_000 + 37 * flow;
                final int queue = device.txQueueFor(port * 0x9E3779B1);
                final int slot = device.txReserveOn(queue);
                if (slot == NetDevice.NO_SLOT)
                {
                    throw new DriverCheck.Violation("TX queue " + queue + " had no slot for a 60-byte frame with " + flows +
                        " frames in flight over " + device.txQueues() + " queues");
                }
                final MemorySegment m = device.txMemory();
                final long at = device.txOffset(slot);
                headers(m, at, Ipv4Packet.PROTOCOL_UDP, 46, round);
                udp.wrap(m, at + 34, 26);
                udp.emit(port, UDP_PORT, 26, 0);
                device.txCommit(slot, 60, -1, -1);
                perTxQueue[queue]++;
            }
            device.txFlush();
        }
        return perTxQueue;
    }

    /**
     * Writes a TCP/IPv4 segment of {@code payload} bytes (byte i is {@code pattern(i)}) as one TSO packet with
     * {@code mss}, the checksum field holding the pseudo-header sum with length 0, and flushes it.
     */
    public void sendTso(final int payload, final int mss)
    {
        final int length = TCP_HEADER + payload;
        final int slot = device.txReserveTso(0, length);
        if (slot == NetDevice.NO_SLOT)
        {
            throw new DriverCheck.Violation("txReserveTso(0, " + length + ") found no room on an idle queue");
        }
        final MemorySegment m = device.txMemory();
        final long at = device.txOffset(slot);
        headers(m, at, Ipv4Packet.PROTOCOL_TCP, (length - 14) & 0xFFFF, 0x2000);
        tcp.wrap(m, at + 34, TCP_HEADER - 34);
        tcp.emit(40_000, 5_001, 7_000_000, 1, TcpSegment.ACK | TcpSegment.PSH, 1024, TcpSegment.TIMESTAMP_BLOCK);
        tcp.writeOptions(-1, false, true, 1, 2, -1);
        tcp.checksum(Checksum.pseudoHeader(SOURCE, DESTINATION, Ipv4Packet.PROTOCOL_TCP, 0));
        for (int i = 0; i < payload; i++)
        {
            m.set(ValueLayout.JAVA_BYTE, at + TCP_HEADER + i, pattern(i));
        }
        device.txCommitTso(slot, length, TCP_HEADER, mss);
        device.txFlush();
    }

    static byte pattern(final int i)
    {
        return (byte) ('A' + (i * 7 + i / 1000) % 26);
    }

    private void headers(final MemorySegment m, final long at, final int protocol, final int ipLength, final int id)
    {
        ethernet.wrap(m, at, 14);
        ethernet.emit(destination, device.macAddress(), EthernetFrame.TYPE_IPV4);
        ip.wrap(m, at + 14, 20);
        ip.emit(0, ipLength, id, 0x4000, 64, protocol, SOURCE, DESTINATION);
    }

    @Override
    public void receiveFrame(final MemorySegment memory, final long offset, final int length, final int rawChecksum)
    {
        receiveFrame(memory, offset, length, rawChecksum, 0);
    }

    @Override
    public void receiveFrame(final MemorySegment memory, final long offset, final int length, final int rawChecksum,
        final int rxQueue)
    {
        perQueue[Math.min(rxQueue, perQueue.length - 1)]++;
        ip.wrap(memory, offset + 14, length - 14);
        if (length < 34 || ip.validate() != 0)
        {
            return;
        }
        if (ip.protocol() == Ipv4Packet.PROTOCOL_UDP)
        {
            udp.wrap(memory, offset + 14 + ip.headerLength(), ip.payloadLength());
            final int port = udp.sourcePort();
            flows += queueOfFlow[port] == 0 ? 1 : 0;
            flowSplit |= queueOfFlow[port] != 0 && queueOfFlow[port] != rxQueue + 1;
            queueOfFlow[port] = (byte) (rxQueue + 1);
        }
        else if (ip.protocol() == Ipv4Packet.PROTOCOL_TCP)
        {
            tcpFrame(memory, offset + 14 + ip.headerLength(), ip.payloadLength());
        }
    }

    /** A TCP frame of the segment: its checksum must verify and its sequence continue the previous frame's. */
    private void tcpFrame(final MemorySegment memory, final long at, final int length)
    {
        tcpFrames++;
        tcp.wrap(memory, at, length);
        final int sum = Checksum.sum(memory, at, length, Checksum.pseudoHeader(SOURCE, DESTINATION,
            Ipv4Packet.PROTOCOL_TCP, length));
        final int payload = length - tcp.headerLength();
        if (tcp.validate() != 0 || !Checksum.verifies(sum) || (nextSequence != -1 && tcp.sequence() != nextSequence))
        {
            badTcpFrames++;
            return;
        }
        nextSequence = tcp.sequence() + payload;
        largestTcpPayload = Math.max(largestTcpPayload, payload);
        final int kept = Math.min(payload, tcpPayload.length - tcpPayloadLength);
        MemorySegment.copy(memory, ValueLayout.JAVA_BYTE, at + tcp.headerLength(), tcpPayload, tcpPayloadLength, kept);
        tcpPayloadLength += payload;
    }

    /** Forgets the segment received so far: the next TCP frame starts a new one. */
    public void newSegment()
    {
        tcpPayloadLength = 0;
        nextSequence = -1;
    }

    public long received(final int queue)
    {
        return perQueue[queue];
    }

    /** Whether every flow seen arrived on one queue only. */
    public boolean flowsOnOneQueue()
    {
        return !flowSplit;
    }

    public int flows()
    {
        return flows;
    }

    public long tcpFrames()
    {
        return tcpFrames;
    }

    public long badTcpFrames()
    {
        return badTcpFrames;
    }

    int largestTcpPayload()
    {
        return largestTcpPayload;
    }

    /** The segment's payload as received (at most 64 KiB of it). */
    byte[] tcpPayload()
    {
        return Arrays.copyOf(tcpPayload, Math.min(tcpPayloadLength, tcpPayload.length));
    }

    @Override
    public void receiveBatchDone()
    {
    }

    @Override
    public void txSpaceAvailable()
    {
    }

    @Override
    public void linkChanged(final boolean up)
    {
    }
}
