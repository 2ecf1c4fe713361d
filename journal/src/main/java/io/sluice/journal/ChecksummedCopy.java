package io.sluice.journal;

import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * A journal document copied into memory of our own, and CRC32C computed there: how a reader checks records
 * when it cannot checksum the mapped file in place ({@link RawMemoryCrc32c} unavailable, without
 * {@code --add-opens java.base/java.util.zip}): {@link ByteBufferCrc32c} needs a {@code ByteBuffer}, which
 * Chronicle's mapped memory is not.
 */
final class ChecksummedCopy
{
    private final ByteBufferCrc32c crc = new ByteBufferCrc32c();
    private ByteBuffer bytes = ByteBuffer.allocateDirect(256);
    private final UnsafeBuffer view = new UnsafeBuffer(bytes);
    private final UnsafeBuffer mapped = new UnsafeBuffer(0, 0);

    /** Copies a whole journal document in from raw memory (a mapped journal file), without checksumming it. */
    void copyDocument(final long address, final int length)
    {
        ensureCapacity(length);
        mapped.wrap(address, length);
        view.putBytes(0, mapped, 0, length);
    }

    /** The CRC32C of the first {@code length} bytes of the copy. */
    int checksumOfFirst(final int length)
    {
        return crc.of(bytes, 0, length);
    }

    /** The last copy; valid until the next. */
    UnsafeBuffer copy()
    {
        return view;
    }

    private void ensureCapacity(final int length)
    {
        if (length > bytes.capacity())
        {
            bytes = ByteBuffer.allocateDirect(BitUtil.findNextPositivePowerOfTwo(length));
        }
        bytes.clear();
        view.wrap(bytes);
    }
}
