package io.sluice.journal;

import org.agrona.BufferUtil;
import org.agrona.checksum.Crc32c;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC32C over raw memory (a mapped journal file) without copying it into a {@code ByteBuffer} first: the
 * JDK's intrinsic reached through Agrona's {@link Crc32c}. That needs {@code --add-opens
 * java.base/java.util.zip=ALL-UNNAMED}, which the launcher and the benchmarks give; an application that
 * embeds Sluice without it gets {@link #available()} false, and readers copy each document before
 * checksumming it (slower, same results).
 */
final class RawMemoryCrc32c
{
    private static final boolean AVAILABLE = probe();

    private RawMemoryCrc32c()
    {
    }

    static boolean available()
    {
        return AVAILABLE;
    }

    /** The CRC32C of {@code length} bytes at {@code address}; only when {@link #available()}. */
    static int compute(final long address, final int length)
    {
        return Crc32c.INSTANCE.compute(address, 0, length);
    }

    /** Agrona's checksum, if it loads, must agree with the JDK's on a sample. */
    private static boolean probe()
    {
        try
        {
            final ByteBuffer sample = ByteBuffer.allocateDirect(64);
            for (int i = 0; i < sample.capacity(); i++)
            {
                sample.put(i, (byte)(i * 31 + 7));
            }
            final CRC32C expected = new CRC32C();
            expected.update(sample.duplicate());
            final long address = BufferUtil.address(sample);
            return Crc32c.INSTANCE.compute(address, 0, sample.capacity()) == (int)expected.getValue();
        }
        catch (final LinkageError | RuntimeException unavailable)
        {
            return false; // java.util.zip not opened to us: Agrona's class fails to initialise
        }
    }
}
