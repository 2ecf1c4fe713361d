package io.sluice.journal;

import io.sluice.storage.MessageLog;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.RollCycles;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A process killed while Chronicle creates a queue file leaves it with a header that never completes. Every
 * later reader of that cycle used to wait Chronicle's 10 s timeout for it (so restarts killed within seconds
 * never journaled anything again), and an unfinished table store could not be opened at all. Opening storage
 * must set such files aside, say so, and lose no record; and only one engine may hold a directory at a time.
 */
class UnfinishedQueueFilesTest
{
    private static final long FIVE_MINUTES_MS = 5 * 60_000L;
    private static final int RECORDS = 1_000;

    @Test
    void anUnfinishedCycleFileIsSetAsideAndEveryRecordIsKept(@TempDir final Path temp) throws IOException
    {
        final Path directory = temp.resolve("storage");
        try (JournalStorage storage = open(directory, 0))
        {
            appendRecords(storage.inputLog(), 0, RECORDS);
        }
        // The crash: the next cycle's file was created and its header word claimed, then the process died.
        final Path unfinished = directory.resolve("input").resolve(cycleFileName(FIVE_MINUTES_MS));
        writeHeaderWord(unfinished, 0x8000_0000, 1 << 20);
        // Another crash, earlier in the same step: a file created but never mapped (empty).
        final Path unmapped = directory.resolve("output").resolve("shard-0").resolve(cycleFileName(FIVE_MINUTES_MS));
        Files.createDirectories(unmapped.getParent());
        Files.createFile(unmapped);

        try (JournalStorage storage = open(directory, FIVE_MINUTES_MS))
        {
            storage.outputLog(0);
            final List<String> warnings = storage.openingWarnings();
            assertEquals(2, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains(unfinished.toString()) && warnings.get(0).contains("set aside as"), warnings.get(0));
            assertTrue(warnings.get(1).contains(unmapped.toString()), warnings.get(1));
            assertFalse(Files.exists(unfinished), "moved out of Chronicle's way");
            assertEquals(1, setAside(directory.resolve("input")).size(), "kept, under a name Chronicle ignores");

            assertEquals(ascending(0, RECORDS), readAll(storage.inputLog()), "nothing journaled before the crash is lost");
            appendRecords(storage.inputLog(), RECORDS, 10);
            assertEquals(ascending(0, RECORDS + 10), readAll(storage.inputLog()), "the cycle is recreated and appended to");
        }
        try (JournalStorage storage = open(directory, FIVE_MINUTES_MS))
        {
            assertEquals(List.of(), storage.openingWarnings(), "the recreated files are whole");
            assertEquals(ascending(0, RECORDS + 10), readAll(storage.inputLog()));
        }
    }

    @Test
    void anUnfinishedTableStoreIsSetAsideAndTheQueueOpens(@TempDir final Path temp) throws IOException
    {
        final Path directory = temp.resolve("storage");
        final Path tableStore = directory.resolve("input").resolve("metadata.cq4t");
        Files.createDirectories(tableStore.getParent());
        writeHeaderWord(tableStore, 0x8000_0000, 1 << 16);

        try (JournalStorage storage = open(directory, 0))
        {
            assertEquals(1, storage.openingWarnings().size(), storage.openingWarnings().toString());
            appendRecords(storage.inputLog(), 0, RECORDS);
        }
        try (JournalStorage storage = open(directory, 0))
        {
            assertEquals(ascending(0, RECORDS), readAll(storage.inputLog()));
        }
    }

    @Test
    void whollyWrittenFilesAreLeftAlone(@TempDir final Path temp) throws IOException
    {
        final Path directory = temp.resolve("storage");
        try (JournalStorage storage = open(directory, 0))
        {
            appendRecords(storage.inputLog(), 0, RECORDS);
            storage.outputLog(0);
        }
        try (JournalStorage storage = open(directory, 0))
        {
            storage.outputLog(0);
            assertEquals(List.of(), storage.openingWarnings());
            assertEquals(List.of(), setAside(directory.resolve("input")));
            assertEquals(ascending(0, RECORDS), readAll(storage.inputLog()));
        }
    }

    @Test
    void oneEngineAtATimePerDirectory(@TempDir final Path temp)
    {
        final Path directory = temp.resolve("storage");
        try (JournalStorage first = open(directory, 0))
        {
            final IllegalStateException refused = assertThrows(IllegalStateException.class, () -> open(directory, 0).close());
            assertTrue(refused.getMessage().contains(directory + " is in use by another engine") &&
                refused.getMessage().contains("a directory of its own"), refused.getMessage());
            appendRecords(first.inputLog(), 0, 1); // the refusal left the holder undisturbed
        }
        try (JournalStorage again = open(directory, 0))
        {
            assertEquals(ascending(0, 1), readAll(again.inputLog()), "closing released the directory");
        }
    }

    private static JournalStorage open(final Path directory, final long clockMs)
    {
        return JournalStorage.open(directory, RollCycles.FIVE_MINUTELY, InputRetention.KEEP_ALL, new SetTimeProvider(clockMs));
    }

    private static String cycleFileName(final long timeMs)
    {
        return DateTimeFormatter.ofPattern(RollCycles.FIVE_MINUTELY.format()).withZone(ZoneOffset.UTC)
            .format(Instant.ofEpochMilli(timeMs)) + ".cq4";
    }

    private static void writeHeaderWord(final Path file, final int headerWord, final int fileLength) throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.allocate(fileLength).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putInt(0, headerWord);
        Files.write(file, bytes.array());
    }

    private static List<Path> setAside(final Path queueDirectory) throws IOException
    {
        try (Stream<Path> files = Files.list(queueDirectory))
        {
            return files.filter(f -> f.toString().endsWith(UnfinishedQueueFiles.SET_ASIDE_SUFFIX)).toList();
        }
    }

    private static void appendRecords(final MessageLog log, final long first, final int count)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(Long.BYTES));
        for (long i = first; i < first + count; i++)
        {
            buffer.putLong(0, i);
            log.append(buffer, 0, Long.BYTES);
        }
        log.commit();
    }

    private static List<Long> readAll(final MessageLog log)
    {
        final List<Long> values = new ArrayList<>();
        try (MessageLog.Reader reader = log.reader())
        {
            while (reader.next((index, buffer, offset, length) -> values.add(buffer.getLong(offset))))
            {
                // collect
            }
        }
        return values;
    }

    private static List<Long> ascending(final long first, final int count)
    {
        final List<Long> values = new ArrayList<>();
        for (long i = first; i < first + count; i++)
        {
            values.add(i);
        }
        return values;
    }
}
