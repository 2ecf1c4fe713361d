package io.sluice.journal;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * The journal document being written, framed and checksummed in memory of our own, then copied into the
 * journal in one write when it closes.
 *
 * <pre>
 *   [ marked number of its first record, 8 bytes ][ stamp, 8 ][ CRC32C of both, 4 ]
 *   [ length, 4 ][ message ][ CRC32C, 4 ][ length, 4 ][ message ] ...
 * </pre>
 *
 * The layout is {@link ChronicleMessageLog}'s, whose readers take it apart.
 *
 * Why: each of Chronicle's writes checks that the journal is open and that its position lies in the mapped
 * chunk; writing a record's length, message and checksum as three writes cost more than checksumming it.
 * Staged, a document is one write whatever its number of records.
 */
final class StagedDocument
{
    /** A full document and a record of up to 1 KB beyond it (the record that fills it): larger records grow it. */
    private static final int INITIAL_BYTES = ChronicleMessageLog.MAX_DOCUMENT_BYTES + 1024;

    private final boolean checksumInPlace;
    private final ByteBufferCrc32c crc = new ByteBufferCrc32c();
    private ByteBuffer bytes = ByteBuffer.allocateDirect(INITIAL_BYTES);
    private final UnsafeBuffer view = new UnsafeBuffer(bytes);
    private int length;

    StagedDocument()
    {
        this(RawMemoryCrc32c.available());
    }

    /** @param checksumInPlace CRC32C over raw memory, which needs the build's java.util.zip opening; else through a ByteBuffer. */
    StagedDocument(final boolean checksumInPlace)
    {
        if (checksumInPlace && !RawMemoryCrc32c.available())
        {
            throw new IllegalStateException("in-place checksums need --add-opens=java.base/java.util.zip=ALL-UNNAMED");
        }
        this.checksumInPlace = checksumInPlace;
    }

    /** Starts a new document: its first record's number within its cycle (format-marked), and its records' stamp. */
    void reset(final long markedFirstRecord, final long stamp)
    {
        view.putLong(0, markedFirstRecord);
        view.putLong(ChronicleMessageLog.STAMP_OFFSET, stamp);
        view.putInt(ChronicleMessageLog.HEADER_CHECKSUM_OFFSET, checksum(0, ChronicleMessageLog.HEADER_CHECKSUM_OFFSET));
        length = ChronicleMessageLog.HEADER_BYTES;
    }

    /** Frames the message as the next record, with the CRC32C of its bytes. */
    void add(final DirectBuffer message, final int offset, final int messageLength)
    {
        final int messageStart = length + ChronicleMessageLog.LENGTH_BYTES;
        ensureCapacity(length + ChronicleMessageLog.FRAMING_BYTES + messageLength);
        final UnsafeBuffer view = this.view;
        view.putInt(length, messageLength);
        view.putBytes(messageStart, message, offset, messageLength);
        view.putInt(messageStart + messageLength, checksum(messageStart, messageLength));
        length += ChronicleMessageLog.FRAMING_BYTES + messageLength;
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
        if (checksumInPlace)
        {
            return RawMemoryCrc32c.compute(view.addressOffset() + offset, count);
        }
        return crc.of(bytes, offset, count);
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
