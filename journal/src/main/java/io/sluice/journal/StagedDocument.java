package io.sluice.journal;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * The journal document being written, framed in memory of our own, checksummed whole when it is sealed,
 * then copied into the journal in one write.
 *
 * <pre>
 *   [ marked number of its first record, 8 bytes ][ stamp, 8 ]
 *   [ length, 4 ][ message ][ length, 4 ][ message ] ...
 *   [ CRC32C of everything before it, 4 ]
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
        length = ChronicleMessageLog.HEADER_BYTES;
    }

    /** Frames the message as the next record. */
    void add(final DirectBuffer message, final int offset, final int messageLength)
    {
        // Room for the checksum too, so that sealing never grows the stage.
        ensureCapacity(length + ChronicleMessageLog.LENGTH_BYTES + messageLength + ChronicleMessageLog.CHECKSUM_BYTES);
        final UnsafeBuffer view = this.view;
        view.putInt(length, messageLength);
        view.putBytes(length + ChronicleMessageLog.LENGTH_BYTES, message, offset, messageLength);
        length += ChronicleMessageLog.LENGTH_BYTES + messageLength;
    }

    /**
     * Ends the document with the CRC32C of all its bytes: one checksum per document, where one per record
     * cost the sequencer a call into the intrinsic for every 30-odd bytes. No record may be added after.
     */
    void seal()
    {
        view.putInt(length, checksumOfFirst(length));
        length += ChronicleMessageLog.CHECKSUM_BYTES;
    }

    /** Bytes staged: from the first record number to the last record, and the checksum once sealed. */
    int length()
    {
        return length;
    }

    /** Where the staged bytes start; valid until the next {@link #add}, which may move them. */
    long address()
    {
        return view.addressOffset();
    }

    private int checksumOfFirst(final int count)
    {
        return checksumInPlace ? RawMemoryCrc32c.compute(view.addressOffset(), count) : crc.of(bytes, 0, count);
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
