package io.sluice.record;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class Utf8KeysTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));

    @Test
    void shouldMatchTheJdkAndRoundTripOnRandomWellFormedText()
    {
        final SplittableRandom random = new SplittableRandom(3);
        for (int n = 0; n < 5_000; n++)
        {
            final StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(1, 40); i > 0; i--)
            {
                switch (random.nextInt(4))
                {
                    case 0 -> text.append((char)random.nextInt(0x80));
                    case 1 -> text.append((char)random.nextInt(0x80, 0x800));
                    case 2 -> text.append((char)random.nextInt(0x800, 0xD800));
                    default -> text.appendCodePoint(random.nextInt(0x10000, 0x110000));
                }
            }
            final String key = text.toString();
            final int length = Utf8Keys.encode(key, buffer, 0);
            final byte[] written = new byte[length];
            buffer.getBytes(0, written);
            assertArrayEquals(key.getBytes(StandardCharsets.UTF_8), written, key);

            final char[] decoded = new char[key.length()];
            assertEquals(key.length(), Utf8Keys.decode(buffer, 0, length, decoded, 0));
            assertEquals(key, new String(decoded));
        }
    }

    @Test
    void shouldRejectBytesItNeverWrites()
    {
        buffer.putByte(0, (byte)0xFF);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Utf8Keys.decode(buffer, 0, 1, new char[4], 0));
        assertEquals("malformed UTF-8 key at byte 0 of 1", e.getMessage());
    }
}
