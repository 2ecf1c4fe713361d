package io.sluice.journal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC32C of a region of a direct {@code ByteBuffer}: the JDK's intrinsic, allocating nothing, and needing no
 * JVM flag. What a checksum falls back to without {@link RawMemoryCrc32c}; it moves the buffer's position
 * and limit.
 */
final class ByteBufferCrc32c
{
    private final CRC32C crc = new CRC32C();

    int of(final ByteBuffer direct, final int offset, final int length)
    {
        direct.limit(offset + length).position(offset);
        crc.reset();
        crc.update(direct);
        return (int)crc.getValue();
    }
}
