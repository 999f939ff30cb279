package dev.nicsim.stack.tcp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Pins the keyed hash's values: ISNs, ephemeral ports and timestamp offsets derive from them, so any change to how
 * the input bytes are laid out or fed would change every connection's bytes on the wire.
 */
class SecretHashTest
{
    @Test
    void valuesArePinned()
    {
        final SecretHash hash = new SecretHash(42);
        assertEquals(0xC99F40DFC11ECA33L, hash.hash(SecretHash.PURPOSE_ISN, 0x0A000001, 0x0A000002, 40000, 80));
        assertEquals(0x91CFC1C2F409FD7FL, hash.hash(SecretHash.PURPOSE_PORT_OFFSET, 0x0A000001, 0x0A000002, 0, 80));
        assertEquals(0x7A91DF88D36D403AL,
            hash.hash(SecretHash.PURPOSE_TIMESTAMP_OFFSET, 0xC0A80101, 0xFFFFFFFF, 65535, -1));
        assertEquals(0x471D27E908A66C53L,
            new SecretHash(-7).hash(SecretHash.PURPOSE_ISN, 0x7F000001, 0x7F000001, 1, 2));
    }

    @Test
    void rememberedInputsGiveTheSameValues()
    {
        final SecretHash hash = new SecretHash(42);
        for (int i = 0; i < 3; i++)
        {
            assertEquals(0xC99F40DFC11ECA33L, hash.hash(SecretHash.PURPOSE_ISN, 0x0A000001, 0x0A000002, 40000, 80));
            assertEquals(0x91CFC1C2F409FD7FL,
                hash.hash(SecretHash.PURPOSE_PORT_OFFSET, 0x0A000001, 0x0A000002, 0, 80));
        }
        hash.hash(SecretHash.PURPOSE_ISN, 0x0A000001, 0x0A000002, 40001, 80);
        assertEquals(0xC99F40DFC11ECA33L, hash.hash(SecretHash.PURPOSE_ISN, 0x0A000001, 0x0A000002, 40000, 80));
    }
}
