package io.sluice.journal;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Staged documents frame each record as the journal's readers expect and end with the same CRC32C of the
 * whole document whether it is computed over raw memory (the build's flags) or through a ByteBuffer (an
 * embedding application without them), including across the staging buffer's growth for a record larger
 * than a document.
 */
class StagedDocumentTest
{
    @Test
    void bothChecksumPathsFrameEveryRecordAndSealTheDocumentWithItsCrc32c()
    {
        assertTrue(RawMemoryCrc32c.available(), "the build's JVM flags open java.util.zip, so both paths are tested");
        final List<byte[]> messages = messages(new SplittableRandom(42));

        final byte[] inPlace = parse(stage(new StagedDocument(true), messages), messages);
        final byte[] throughByteBuffer = parse(stage(new StagedDocument(false), messages), messages);

        assertArrayEquals(inPlace, throughByteBuffer);
    }

    private static List<byte[]> messages(final SplittableRandom random)
    {
        final List<byte[]> messages = new ArrayList<>();
        for (int i = 0; i < 300; i++)
        {
            // Mostly event-sized; an empty one; one larger than a whole document, which grows the stage.
            final int length = i == 7 ? 0 : i == 150 ? ChronicleMessageLog.MAX_DOCUMENT_BYTES * 3 : random.nextInt(1, 200);
            final byte[] message = new byte[length];
            random.nextBytes(message);
            messages.add(message);
        }
        return messages;
    }

    private static StagedDocument stage(final StagedDocument document, final List<byte[]> messages)
    {
        document.reset(123_456_789L | ChronicleMessageLog.FORMAT_MARK, -987_654_321_000L);
        final UnsafeBuffer source = new UnsafeBuffer(new byte[ChronicleMessageLog.MAX_DOCUMENT_BYTES * 4]);
        for (final byte[] message : messages)
        {
            // At an offset, as a ring slot's message would be.
            source.putBytes(17, message);
            document.add(source, 17, message.length);
        }
        document.seal();
        return document;
    }

    /** Checks the staged bytes record by record against the messages and returns a copy of them. */
    private static byte[] parse(final StagedDocument document, final List<byte[]> messages)
    {
        final UnsafeBuffer staged = new UnsafeBuffer(document.address(), document.length());
        assertEquals(123_456_789L | ChronicleMessageLog.FORMAT_MARK, staged.getLong(0), "the first record's marked number");
        assertEquals(-987_654_321_000L, staged.getLong(ChronicleMessageLog.STAMP_OFFSET), "the stamp");
        int at = ChronicleMessageLog.HEADER_BYTES;
        for (int i = 0; i < messages.size(); i++)
        {
            final byte[] expected = messages.get(i);
            assertEquals(expected.length, staged.getInt(at), "length of record " + i);
            final byte[] actual = new byte[expected.length];
            staged.getBytes(at + ChronicleMessageLog.LENGTH_BYTES, actual);
            assertArrayEquals(expected, actual, "bytes of record " + i);
            at += ChronicleMessageLog.LENGTH_BYTES + expected.length;
        }
        final byte[] copy = new byte[at];
        staged.getBytes(0, copy);
        final CRC32C reference = new CRC32C();
        reference.update(copy);
        assertEquals((int)reference.getValue(), staged.getInt(at), "the checksum of everything before it");
        assertEquals(document.length(), at + ChronicleMessageLog.CHECKSUM_BYTES, "nothing staged beyond the checksum");
        return copy;
    }
}
