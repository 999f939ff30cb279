package dev.nicsim.stack.conformance;

import dev.nicsim.hw.sim.Simulator;
import dev.nicsim.stack.device.FrameReceiver;
import dev.nicsim.stack.device.SlottedDevice;
import dev.nicsim.stack.wire.ArpPacket;
import dev.nicsim.stack.wire.EthernetFrame;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The far side of the stack under test in a conformance script: every flushed frame is recorded with its time (no
 * wire delay), ARP requests are answered at once unless the script turns that off, and the script injects frames.
 */
public final class ScriptDevice extends SlottedDevice
{
    /** A frame the stack sent. */
    public record Sent(long time, byte[] bytes)
    {
    }

    public static final long REMOTE_MAC = 0x0200_0000_00FEL;

    private final List<Sent> sent = new ArrayList<>();
    private final MemorySegment inject = Arena.ofAuto().allocate(2048, 8);
    private final ArpPacket arp = new ArpPacket();
    boolean answerArp = true;

    public ScriptDevice(final Simulator sim)
    {
        super(sim, "sut.eth0", 0x0200_0000_0001L, 1500, 0, 64, 0);
    }

    public List<Sent> sent()
    {
        return sent;
    }

    @Override
    public boolean linkUp()
    {
        return true;
    }

    @Override
    protected void flushed()
    {
        boolean more = true;
        while (more)
        {
            more = transmitNext();
        }
    }

    @Override
    protected void send(final int slot, final long offset, final int length)
    {
        final byte[] bytes = txMemory().asSlice(offset, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        releaseSlot(slot);
        final MemorySegment frame = MemorySegment.ofArray(bytes);
        final boolean isArp = length >= 42 && (frame.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 12) & 0xFF) == 0x08 &&
            (frame.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 13) & 0xFF) == 0x06;
        if (isArp && answerArp)
        {
            answer(bytes);
            return;
        }
        sent.add(new Sent(sim.now(), bytes));
    }

    private void answer(final byte[] request)
    {
        final MemorySegment in = MemorySegment.ofArray(request);
        arp.wrap(in, EthernetFrame.HEADER_LENGTH, ArpPacket.LENGTH);
        if (arp.validate() != 0 || arp.operation() != ArpPacket.REQUEST)
        {
            return;
        }
        final int target = arp.targetIp();
        final int asker = arp.senderIp();
        final long askerMac = arp.senderMac();
        final EthernetFrame ethernet = new EthernetFrame();
        ethernet.wrap(inject, 0, EthernetFrame.HEADER_LENGTH);
        ethernet.emit(askerMac, REMOTE_MAC, EthernetFrame.TYPE_ARP);
        final ArpPacket reply = new ArpPacket();
        reply.wrap(inject, EthernetFrame.HEADER_LENGTH, ArpPacket.LENGTH);
        reply.emit(ArpPacket.REPLY, REMOTE_MAC, target, askerMac, asker);
        deliver(inject, EthernetFrame.HEADER_LENGTH + ArpPacket.LENGTH);
    }

    /** Hands a frame to the stack as received now. */
    public void deliver(final MemorySegment frame, final int length)
    {
        receiver.receiveFrame(frame, 0, length, FrameReceiver.NO_CHECKSUM);
        receiver.receiveBatchDone();
    }

    MemorySegment injectBuffer()
    {
        return inject;
    }
}
