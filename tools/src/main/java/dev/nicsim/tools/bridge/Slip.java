package dev.nicsim.tools.bridge;

/**
 * SLIP framing (RFC 1055) for a serial line: each frame (an IP packet, or in Ethernet mode a whole Ethernet frame
 * without FCS) is sent as its bytes with END (0xC0) and ESC (0xDB) escaped, between two END bytes.
 * <pre>
 *   END  0xC0            frame boundary
 *   ESC  0xDB            next byte is escaped
 *   ESC ESC_END  0xDB DC stands for a data byte 0xC0
 *   ESC ESC_ESC  0xDB DD stands for a data byte 0xDB
 * </pre>
 * The decoder takes bytes in whatever pieces the line delivers them; a frame longer than the maximum, or a bad escape,
 * is dropped and counted, and decoding resumes at the next END.
 */
public final class Slip
{
    public static final byte END = (byte) 0xC0;
    public static final byte ESC = (byte) 0xDB;
    public static final byte ESC_END = (byte) 0xDC;
    public static final byte ESC_ESC = (byte) 0xDD;

    private Slip()
    {
    }

    /** Encodes {@code length} bytes of {@code frame} into {@code out}; returns the encoded length (at most 2n + 2). */
    public static int encode(final byte[] frame, final int length, final byte[] out)
    {
        int at = 0;
        out[at++] = END;
        for (int i = 0; i < length; i++)
        {
            final byte b = frame[i];
            if (b == END)
            {
                out[at++] = ESC;
                out[at++] = ESC_END;
            }
            else if (b == ESC)
            {
                out[at++] = ESC;
                out[at++] = ESC_ESC;
            }
            else
            {
                out[at++] = b;
            }
        }
        out[at++] = END;
        return at;
    }

    /** A streaming decoder: feed it bytes, take complete frames. */
    public static final class Decoder
    {
        private final byte[] frame;
        private int length;
        private boolean escaped;
        private boolean discarding;
        private volatile long badEscapes;
        private volatile long tooLong;

        public Decoder(final int maxFrame)
        {
            this.frame = new byte[maxFrame];
        }

        /**
         * Takes one byte; returns the length of the frame it completed (the frame is then in {@link #frame()} until
         * the next call), or -1.
         */
        public int accept(final byte b)
        {
            if (b == END)
            {
                final int complete = discarding ? 0 : length;
                length = 0;
                escaped = false;
                discarding = false;
                return complete > 0 ? complete : -1;
            }
            if (discarding)
            {
                return -1;
            }
            byte data = b;
            if (escaped)
            {
                escaped = false;
                if (b == ESC_END)
                {
                    data = END;
                }
                else if (b == ESC_ESC)
                {
                    data = ESC;
                }
                else
                {
                    badEscapes++;
                    return drop();
                }
            }
            else if (b == ESC)
            {
                escaped = true;
                return -1;
            }
            if (length == frame.length)
            {
                tooLong++;
                return drop();
            }
            frame[length++] = data;
            return -1;
        }

        private int drop()
        {
            discarding = true;
            length = 0;
            return -1;
        }

        /** The frame just completed (valid until the next {@link #accept}). */
        public byte[] frame()
        {
            return frame;
        }

        /** Frames dropped for a bad escape or excessive length. */
        public long dropped()
        {
            return badEscapes + tooLong;
        }

        /** Frames dropped because ESC was followed by something other than ESC_END or ESC_ESC. */
        public long badEscapes()
        {
            return badEscapes;
        }

        /** Frames dropped because they ran past the maximum length before their END. */
        public long tooLong()
        {
            return tooLong;
        }
    }
}
