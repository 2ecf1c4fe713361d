package io.sluice.journal;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The journal document being written, framed and checksummed in memory of our own, then copied into the
 * journal in one write when it closes.
 *
 * <pre>
 *   [ number of its first record, 8 bytes ][ length, 4 ][ message ][ CRC32C, 4 ][ length, 4 ][ message ] ...
 * </pre>
 *
 * Why: each of Chronicle's writes checks that the journal is open and that its position lies in the mapped
 * chunk; writing a record's length, message and checksum as three writes cost more than checksumming it.
 * Staged, a document is one write whatever its number of records.
 */
final class StagedDocument
{
    private static final int INITIAL_BYTES = 64 * 1024 + 1024;

    private final CRC32C crc = new CRC32C();
    private ByteBuffer bytes = ByteBuffer.allocateDirect(INITIAL_BYTES);
    private final UnsafeBuffer view = new UnsafeBuffer(bytes);
    private int length;

    /** Starts a new document whose first record has the given number within its cycle. */
    void reset(final long firstRecord)
    {
        view.putLong(0, firstRecord);
        length = Long.BYTES;
    }

    /** Frames the message as the next record, with the CRC32C of its bytes. */
    void add(final DirectBuffer message, final int offset, final int messageLength)
    {
        final int recordStart = length;
        ensureCapacity(recordStart + messageLength + 2 * Integer.BYTES);
        final UnsafeBuffer view = this.view;
        view.putInt(recordStart, messageLength);
        view.putBytes(recordStart + Integer.BYTES, message, offset, messageLength);
        view.putInt(recordStart + Integer.BYTES + messageLength, checksum(recordStart + Integer.BYTES, messageLength));
        length = recordStart + messageLength + 2 * Integer.BYTES;
    }

    /** Bytes staged, from the first record number to the last record's checksum. */
    int length()
    {
        return length;
    }

    /** Where the staged bytes start; valid until the next {@link #add}, which may move them. */
    long address()
    {
        return view.addressOffset();
    }

    private int checksum(final int offset, final int count)
    {
        if (RawMemoryCrc32c.available())
        {
            return RawMemoryCrc32c.compute(view.addressOffset() + offset, count);
        }
        bytes.limit(offset + count).position(offset);
        crc.reset();
        crc.update(bytes);
        return (int)crc.getValue();
    }

    private void ensureCapacity(final int required)
    {
        if (required > bytes.capacity())
        {
            final ByteBuffer grown = ByteBuffer.allocateDirect(BitUtil.findNextPositivePowerOfTwo(required));
            grown.put(bytes.clear().limit(length));
            bytes = grown.clear();
            view.wrap(bytes);
        }
    }
}
