package dev.nicsim.nic;

import dev.nicsim.hw.eth.EthernetLink.EthernetPort;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.zip.CRC32;

/** Raw frames put straight on a wire, as another station would send them. */
final class WireFrames
{
    private WireFrames()
    {
    }

    /**
     * Sends a frame of {@code length} bytes (plus FCS) from {@code port}: destination {@code destination}, source
     * 02:00:00:00:00:99, the rest a counting pattern. A wrong FCS if {@code goodFcs} is false.
     */
    static void send(final EthernetPort port, final long destination, final int length, final boolean goodFcs)
    {
        final MemorySegment frame = Arena.ofAuto().allocate(length + 4);
        for (int i = 0; i < 6; i++)
        {
            frame.set(ValueLayout.JAVA_BYTE, i, (byte) (destination >>> (40 - 8 * i)));
        }
        frame.set(ValueLayout.JAVA_BYTE, 6, (byte) 0x02);
        frame.set(ValueLayout.JAVA_BYTE, 11, (byte) 0x99);
        for (int i = 12; i < length; i++)
        {
            frame.set(ValueLayout.JAVA_BYTE, i, (byte) i);
        }
        final CRC32 crc = new CRC32();
        crc.update(frame.asByteBuffer().limit(length));
        frame.set(ValueLayout.JAVA_INT_UNALIGNED, length, (int) crc.getValue() ^ (goodFcs ? 0 : 1));
        port.transmit(frame, 0, length + 4);
    }
}
