package dev.nicsim.nic;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The checksum unit's sum, computed 8 bytes at a time in native order, equals RFC 1071's 16-bit big-endian sum. */
class OnesComplementTest
{
    @Test
    void shouldMatchTheRfc1071Example()
    {
        final MemorySegment memory = Arena.ofAuto().allocate(8);
        final int[] bytes = {0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7};
        for (int i = 0; i < bytes.length; i++)
        {
            memory.set(ValueLayout.JAVA_BYTE, i, (byte) bytes[i]);
        }
        assertEquals(0xDDF2, OnesComplement.sum(memory, 0, 8));
    }

    @Test
    void shouldMatchTheWordByWordSumAtEveryLengthAndAlignment()
    {
        final MemorySegment memory = Arena.ofAuto().allocate(2048);
        final SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 2048; i++)
        {
            memory.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt(256));
        }
        for (int offset = 0; offset < 9; offset++)
        {
            for (int length = 0; length <= 1518; length++)
            {
                assertEquals(wordByWord(memory, offset, length), OnesComplement.sum(memory, offset, length),
                    "sum of " + length + " bytes at offset " + offset);
            }
        }
    }

    @Test
    void shouldFoldCarriesOfAllOnes()
    {
        final MemorySegment memory = Arena.ofAuto().allocate(1500);
        memory.fill((byte) 0xFF);
        assertEquals(0xFFFF, OnesComplement.sum(memory, 0, 1500));
        assertEquals(0xFF00, OnesComplement.sum(memory, 0, 1));
    }

    /* RFC 1071's definition: big-endian 16-bit words, an odd last byte padded with zero, end-around carry. */
    private static int wordByWord(final MemorySegment memory, final long offset, final int length)
    {
        int sum = 0;
        for (int i = 0; i < length; i += 2)
        {
            final int high = memory.get(ValueLayout.JAVA_BYTE, offset + i) & 0xFF;
            final int low = i + 1 < length ? memory.get(ValueLayout.JAVA_BYTE, offset + i + 1) & 0xFF : 0;
            sum += high << 8 | low;
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return sum;
    }
}
