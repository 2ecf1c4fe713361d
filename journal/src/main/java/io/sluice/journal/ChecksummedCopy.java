package io.sluice.journal;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * A record (or a whole journal document) copied into memory of our own, and CRC32C computed there. {@code CRC32C.update(ByteBuffer)}
 * on a direct buffer is the JDK's intrinsic and allocates nothing, but it needs a {@code ByteBuffer}, which
 * Chronicle's mapped memory and an address-backed {@code UnsafeBuffer} are not. Appends copy records of
 * our own buffers this way; readers do so only without {@code --add-opens java.base/java.util.zip}, which
 * lets them checksum the mapped file in place ({@link RawMemoryCrc32c}).
 */
final class ChecksummedCopy
{
    private final CRC32C crc = new CRC32C();
    private ByteBuffer bytes = ByteBuffer.allocateDirect(256);
    private final UnsafeBuffer view = new UnsafeBuffer(bytes);
    private final UnsafeBuffer mapped = new UnsafeBuffer(0, 0);

    /** Copies {@code length} bytes and returns their CRC32C; the copy is then {@link #copy()}. */
    int copyFrom(final DirectBuffer source, final int offset, final int length)
    {
        ensureCapacity(length);
        // Records are a few dozen bytes: a word loop beats the call into Unsafe.copyMemory.
        final int words = length & ~7;
        for (int i = 0; i < words; i += 8)
        {
            view.putLong(i, source.getLong(offset + i));
        }
        for (int i = words; i < length; i++)
        {
            view.putByte(i, source.getByte(offset + i));
        }
        return checksum(length);
    }

    /** True if the CRC32C of the buffer's bytes can be taken in place: it wraps a direct {@code ByteBuffer}. */
    static boolean checksumsInPlace(final DirectBuffer source)
    {
        final ByteBuffer backing = source.byteBuffer();
        return backing != null && backing.isDirect();
    }

    /** The CRC32C of bytes of a buffer for which {@link #checksumsInPlace} holds, without copying them. */
    int checksumInPlace(final DirectBuffer source, final int offset, final int length)
    {
        final ByteBuffer backing = source.byteBuffer();
        final int start = source.wrapAdjustment() + offset;
        backing.limit(start + length).position(start);
        crc.reset();
        crc.update(backing);
        return (int)crc.getValue();
    }

    /** Copies a whole journal document in from raw memory (a mapped journal file), without checksumming it. */
    void copyDocument(final long address, final int length)
    {
        ensureCapacity(length);
        mapped.wrap(address, length);
        view.putBytes(0, mapped, 0, length);
    }

    /** The CRC32C of {@code length} bytes of the copy, from {@code offset}. */
    int checksum(final int offset, final int length)
    {
        bytes.limit(offset + length).position(offset);
        crc.reset();
        crc.update(bytes);
        return (int)crc.getValue();
    }

    /** The last copy; valid until the next. */
    UnsafeBuffer copy()
    {
        return view;
    }

    private int checksum(final int length)
    {
        return checksum(0, length);
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
