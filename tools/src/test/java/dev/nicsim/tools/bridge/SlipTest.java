package dev.nicsim.tools.bridge;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SlipTest
{
    private static List<byte[]> decode(final Slip.Decoder decoder, final byte[] line, final int length)
    {
        final List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < length; i++)
        {
            final int completed = decoder.accept(line[i]);
            if (completed > 0)
            {
                frames.add(Arrays.copyOf(decoder.frame(), completed));
            }
        }
        return frames;
    }

    @Test
    void shouldEscapeTheFramingBytes()
    {
        final byte[] out = new byte[16];
        final int length = Slip.encode(new byte[] {1, Slip.END, 2, Slip.ESC, 3}, 5, out);

        assertArrayEquals(new byte[] {Slip.END, 1, Slip.ESC, Slip.ESC_END, 2, Slip.ESC, Slip.ESC_ESC, 3, Slip.END},
            Arrays.copyOf(out, length));
    }

    @Test
    void shouldRoundTripRandomFramesFedInAnyPieces()
    {
        final SplittableRandom random = new SplittableRandom(3);
        final Slip.Decoder decoder = new Slip.Decoder(2048);
        for (int round = 0; round < 200; round++)
        {
            final byte[] frame = new byte[1 + random.nextInt(1514)];
            random.nextBytes(frame);
            final byte[] line = new byte[2 * frame.length + 2];
            final int length = Slip.encode(frame, frame.length, line);
            final List<byte[]> frames = decode(decoder, line, length);
            assertEquals(1, frames.size());
            assertArrayEquals(frame, frames.get(0));
        }
        assertEquals(0, decoder.dropped());
    }

    @Test
    void shouldDropBadEscapesAndOversizeFramesAndResumeAtTheNextEnd()
    {
        final Slip.Decoder decoder = new Slip.Decoder(4);
        final byte[] line = {Slip.END, 1, Slip.ESC, 7, 2, Slip.END, 1, 2, 3, 4, 5, Slip.END, Slip.END, 9, 8, Slip.END};

        final List<byte[]> frames = decode(decoder, line, line.length);

        assertEquals(1, frames.size(), "only the last frame is good");
        assertArrayEquals(new byte[] {9, 8}, frames.get(0));
        assertEquals(2, decoder.dropped(), "a bad escape, then a frame longer than 4 bytes");
    }
}
