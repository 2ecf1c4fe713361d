package io.sluice.journal;

import io.sluice.storage.Durability;
import io.sluice.storage.JournalDamagedException;
import io.sluice.storage.MessageLog;
import net.openhft.chronicle.queue.RollCycles;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batches of messages as Chronicle documents: indexes, visibility at commit, seeking into a batch, reopening. */
class ChronicleMessageLogTest
{
    @TempDir
    Path directory;

    private final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(64));

    @Test
    void indexesNumberRecordsWithinTheCycleWhateverTheBatches()
    {
        final List<Long> batchedIndexes = appendInBatches(directory.resolve("batched"), 3_000, new SplittableRandom(1), 700);
        final List<Long> singleIndexes = appendInBatches(directory.resolve("single"), 3_000, new SplittableRandom(1), 1);
        assertEquals(singleIndexes, batchedIndexes, "same input, same indexes, however it was batched");
        for (int i = 1; i < batchedIndexes.size(); i++)
        {
            assertEquals(batchedIndexes.get(i - 1) + 1, batchedIndexes.get(i), "consecutive within one cycle");
        }
    }

    @Test
    void aBatchIsInvisibleUntilCommittedThenReadWhole()
    {
        try (ChronicleMessageLog log = open(directory))
        {
            final long first = append(log, 100);
            append(log, 101);
            append(log, 102);
            assertEquals(MessageLog.NO_INDEX, log.lastIndex());
            assertEquals(List.of(), readAll(log, MessageLog.NO_INDEX));

            log.commit();
            assertEquals(first + 2, log.lastIndex());
            assertEquals(List.of(100L, 101L, 102L), readAll(log, MessageLog.NO_INDEX));
        }
    }

    @Test
    void syncModeFlushesOncePerCommitThatWroteSomethingAndNeverForAnEmptyOne()
    {
        try (ChronicleMessageLog log = new ChronicleMessageLog(directory, RollCycles.FAST_DAILY, Durability.SYNC))
        {
            log.commit();
            assertEquals(0, log.syncs(), "nothing written yet");

            append(log, 1);
            append(log, 2);
            log.commit();
            assertEquals(1, log.syncs(), "one flush for the batch");

            log.commit();
            log.commit();
            assertEquals(1, log.syncs(), "commits with nothing new flush nothing");

            append(log, 3);
            log.commit();
            assertEquals(2, log.syncs());
            assertEquals(List.of(1L, 2L, 3L), readAll(log, MessageLog.NO_INDEX));
        }
        try (ChronicleMessageLog log = open(directory.resolve("default")))
        {
            append(log, 1);
            log.commit();
            assertEquals(0, log.syncs(), "the default durability leaves flushing to the page cache");
        }
    }

    @Test
    void seekFindsEveryRecordInsideItsBatchAndNoRecordBeyondTheEnd()
    {
        final List<Long> indexes = appendInBatches(directory, 2_000, new SplittableRandom(7), 300);
        try (ChronicleMessageLog log = open(directory))
        {
            final SplittableRandom random = new SplittableRandom(3);
            for (int probe = 0; probe < 200; probe++)
            {
                final int i = random.nextInt(indexes.size());
                final List<Long> values = readAll(log, indexes.get(i));
                assertEquals(indexes.size() - i, values.size(), "from record " + i);
                assertEquals(i, values.get(0), "record " + i + " is read first");
            }
            try (MessageLog.Reader reader = log.reader())
            {
                assertFalse(reader.seek(indexes.get(indexes.size() - 1) + 1));
            }
        }
    }

    @Test
    void reopeningContinuesTheNumbering()
    {
        final long last;
        try (ChronicleMessageLog log = open(directory))
        {
            append(log, 1);
            append(log, 2);
            log.commit();
            last = log.lastIndex();
        }
        try (ChronicleMessageLog log = open(directory))
        {
            final long next = append(log, 3);
            log.commit();
            assertEquals(last + 1, next);
            assertEquals(List.of(1L, 2L, 3L), readAll(log, MessageLog.NO_INDEX));
        }
    }

    @Test
    void aLongBatchIsSplitIntoBoundedDocumentsWithoutLosingAnything()
    {
        final int count = ChronicleMessageLog.MAX_RECORDS_PER_DOCUMENT * 3 + 17;
        try (ChronicleMessageLog log = open(directory))
        {
            for (int i = 0; i < count; i++)
            {
                append(log, i);
            }
            log.commit();
            final List<Long> values = readAll(log, MessageLog.NO_INDEX);
            assertEquals(count, values.size());
            for (int i = 0; i < count; i++)
            {
                assertEquals(i, values.get(i));
            }
            assertTrue(log.documentPositionInFile(log.lastIndex()) > log.documentPositionInFile(log.lastIndex() - count + 1),
                "the batch spans several documents");
        }
    }

    @Test
    void readersInPlaceAndCopyingReadTheSameRecordsAndBothRefuseAChangedByte() throws IOException
    {
        assertTrue(RawMemoryCrc32c.available(), "the build's JVM flags open java.util.zip, so readers checksum in place");
        final Path path = directory.resolve("log");
        final List<Long> indexes = appendInBatches(path, 3_000, new SplittableRandom(3), 500);
        try (ChronicleMessageLog log = open(path))
        {
            final List<Long> inPlace = readIndexesAndValues(log.reader());
            assertEquals(2 * indexes.size(), inPlace.size());
            assertEquals(inPlace, readIndexesAndValues(log.readerCopyingDocuments()));

            final long damaged = indexes.get(1_234);
            final long documentFirst = log.documentFirstIndex(damaged);
            try (FileChannel file = FileChannel.open(log.cycleFile(RollCycles.FAST_DAILY.toCycle(damaged)), StandardOpenOption.WRITE))
            {
                file.write(ByteBuffer.wrap(new byte[]{(byte)0x5A}), log.messagePositionInFile(damaged) + 3);
            }
            for (final MessageLog.Reader reader : List.of(log.reader(), log.readerCopyingDocuments()))
            {
                final JournalDamagedException refused = assertThrows(JournalDamagedException.class, () -> readIndexesAndValues(reader));
                assertTrue(refused.getMessage().contains("CRC32C"), refused.getMessage());
                assertEquals(documentFirst, refused.index(), "named by its document's first record");
            }
        }
    }

    @Test
    void everyRecordReadsBackTheStampItWasAppendedUnderWhereverReadingStarts()
    {
        // The stamp changes at most batches' start and once inside some; the first batch has none set.
        final SplittableRandom random = new SplittableRandom(5);
        final List<Long> indexes = new ArrayList<>();
        final List<Long> stamps = new ArrayList<>();
        try (ChronicleMessageLog log = open(directory))
        {
            long stamp = MessageLog.NO_STAMP;
            for (int batch = 0; batch < 30; batch++)
            {
                final int size = 1 + random.nextInt(2_500);
                for (int i = 0; i < size; i++)
                {
                    if ((i == 0 && batch > 0 && batch % 5 != 2) || (i == size / 2 && batch % 7 == 3))
                    {
                        stamp = random.nextLong();
                        log.stamp(stamp);
                    }
                    indexes.add(append(log, indexes.size()));
                    stamps.add(stamp);
                }
                log.commit();
            }
        }
        try (ChronicleMessageLog log = open(directory))
        {
            assertEquals(stamps, readStamps(log, MessageLog.NO_INDEX));
            for (int probe = 0; probe < 100; probe++)
            {
                final int i = random.nextInt(indexes.size());
                assertEquals(stamps.subList(i, stamps.size()), readStamps(log, indexes.get(i)), "read from record " + i);
            }
        }
    }

    @Test
    void aDocumentWhoseHeaderChangedOrWithAnotherLayoutMarkIsRefusedByBothReaders() throws IOException
    {
        final Path path = directory.resolve("log");
        final List<Long> indexes = appendInBatches(path, 3_000, new SplittableRandom(9), 500);
        final long record = indexes.get(2_000);
        try (ChronicleMessageLog log = open(path);
             FileChannel file = FileChannel.open(log.cycleFile(RollCycles.FAST_DAILY.toCycle(record)), StandardOpenOption.READ,
                 StandardOpenOption.WRITE))
        {
            final long header = log.documentPositionInFile(record);
            final ByteBuffer stampByte = ByteBuffer.allocate(1);
            file.read(stampByte, header + ChronicleMessageLog.STAMP_OFFSET + 2);
            file.write(ByteBuffer.wrap(new byte[]{(byte)(stampByte.get(0) ^ 0x10)}), header + ChronicleMessageLog.STAMP_OFFSET + 2);
            assertRefused(log, "CRC32C");

            // As a document written with a checksum per record reads: bit 62 of its first record number (in byte 7).
            file.write(ByteBuffer.wrap(new byte[]{0x40}), header + 7);
            assertRefused(log, "earlier Sluice (a checksum per record)");
            // As one written before stamps reads: no mark.
            file.write(ByteBuffer.wrap(new byte[]{0}), header + 7);
            assertRefused(log, "earlier Sluice (no stamps)");
        }
    }

    private static void assertRefused(final ChronicleMessageLog log, final String reason)
    {
        for (final MessageLog.Reader reader : List.of(log.reader(), log.readerCopyingDocuments()))
        {
            final JournalDamagedException refused = assertThrows(JournalDamagedException.class, () -> readIndexesAndValues(reader));
            assertTrue(refused.getMessage().contains(reason), refused.getMessage());
        }
    }

    private static List<Long> readStamps(final MessageLog log, final long from)
    {
        final List<Long> stamps = new ArrayList<>();
        try (MessageLog.Reader reader = log.reader())
        {
            if (from != MessageLog.NO_INDEX)
            {
                assertTrue(reader.seek(from), "record " + from + " found");
            }
            while (reader.next((index, buffer, offset, length) -> { }))
            {
                stamps.add(reader.stamp());
            }
        }
        return stamps;
    }

    /** Each record's index and value, in order, with its framing checked. */
    private static List<Long> readIndexesAndValues(final MessageLog.Reader reader)
    {
        final List<Long> read = new ArrayList<>();
        try (reader)
        {
            while (reader.next((index, buffer, offset, length) ->
            {
                final long value = buffer.getLong(offset);
                assertEquals(~value, buffer.getLong(offset + 8));
                read.add(index);
                read.add(value);
            }))
            {
                // read on
            }
        }
        return read;
    }

    private List<Long> appendInBatches(final Path path, final int count, final SplittableRandom random, final int maxBatch)
    {
        final List<Long> indexes = new ArrayList<>();
        try (ChronicleMessageLog log = open(path))
        {
            int inBatch = 0;
            int batch = 1 + random.nextInt(maxBatch);
            for (int i = 0; i < count; i++)
            {
                indexes.add(append(log, i));
                if (++inBatch == batch)
                {
                    log.commit();
                    inBatch = 0;
                    batch = 1 + random.nextInt(maxBatch);
                }
            }
            log.commit();
        }
        return indexes;
    }

    private static ChronicleMessageLog open(final Path path)
    {
        return new ChronicleMessageLog(path, RollCycles.FAST_DAILY, Durability.DEFAULT);
    }

    private long append(final ChronicleMessageLog log, final long value)
    {
        message.putLong(0, value);
        message.putLong(8, ~value);
        return log.append(message, 0, 16 + (int)(value % 40));
    }

    private static List<Long> readAll(final MessageLog log, final long from)
    {
        final List<Long> values = new ArrayList<>();
        try (MessageLog.Reader reader = log.reader())
        {
            if (from != MessageLog.NO_INDEX)
            {
                assertTrue(reader.seek(from), "record " + from + " found");
            }
            while (reader.next((index, buffer, offset, length) ->
            {
                final long value = buffer.getLong(offset);
                assertEquals(~value, buffer.getLong(offset + 8));
                assertEquals(16 + (int)(value % 40), length);
                values.add(value);
            }))
            {
                // collected by the handler
            }
        }
        return values;
    }
}
