package io.sluice.journal;

import io.sluice.CheckpointInfo;
import io.sluice.Sluice;
import io.sluice.storage.JournalDamagedException;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Damage to the input journal's tail, the part recovery reads after the newest checkpoint. A torn last record
 * (a writer killed mid-append) is Chronicle's to handle, and the run goes on exactly-once. Any other damage
 * (bytes changed, the file cut short under results already given out) refuses to start, saying where.
 */
class JournalDamageTest
{
    private static final int SHARDS = 2;
    private static final int EVENTS = 40_000;

    @TempDir
    static Path temp;
    private static Path original;
    private static CheckpointInfo checkpoint;

    @BeforeAll
    static void runWithOneCheckpoint()
    {
        original = temp.resolve("original");
        try (Sluice sluice = CheckpointRecoveryTest.engine(original, "tumbling"))
        {
            for (int i = 0; i < EVENTS; i++)
            {
                CheckpointRecoveryTest.publish(sluice, i);
                if (i == EVENTS / 2)
                {
                    checkpoint = sluice.checkpoint();
                }
            }
        }
    }

    @Test
    void changedBytesInTheTailAreReportedByJournalAndDocumentAndRefused() throws IOException
    {
        final Path copy = TestFiles.copyTree(original, temp.resolve("flipped"));
        final long damaged = checkpoint.journalIndex() + 1_000;
        // Named by the first record of its document (its batch), the unit the checksum covers.
        final long documentFirst = documentFirstIndex(copy, damaged);
        flipPayloadByte(copy, damaged, 9);

        final JournalDamagedException refused = assertThrows(JournalDamagedException.class,
            () -> CheckpointRecoveryTest.engine(copy, "tumbling").close());
        assertTrue(documentFirst <= damaged && damaged < documentFirst + ChronicleMessageLog.MAX_RECORDS_PER_DOCUMENT);
        assertEquals(documentFirst, refused.index(), refused.getMessage());
        assertTrue(refused.getMessage().contains(copy.resolve("input").toString()) &&
            refused.getMessage().contains("records from index " + documentFirst) && refused.getMessage().contains("CRC32C") &&
            refused.getMessage().contains("restore the directory from a copy"), refused.getMessage());
    }

    @Test
    void journalCutShortUnderGivenOutResultsRefusesToStart() throws IOException
    {
        final Path copy = TestFiles.copyTree(original, temp.resolve("cut"));
        final long firstLost = checkpoint.journalIndex() + 5_000;
        // At the Chronicle header of the record's document (a batch): that batch and all after it gone.
        final long cutAt = documentPosition(copy, firstLost) - 4;
        try (FileChannel file = FileChannel.open(cycleFile(copy), StandardOpenOption.WRITE))
        {
            file.truncate(cutAt);
        }
        final IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> CheckpointRecoveryTest.engine(copy, "tumbling").close());
        assertTrue(refused.getMessage().contains("input records were lost") && refused.getMessage().contains("Refusing to start"),
            refused.getMessage());
    }

    @Test
    void tornLastRecordIsDroppedAsChronicleDoesAndTheRunStaysExactlyOnce(@TempDir final Path runs) throws Exception
    {
        final long events = 200_000;
        final Path reference = runs.resolve("reference");
        final Path torn = runs.resolve("torn");
        assertEquals("DONE", ChildJvm.run(CrashChild.class, CrashChild.arguments(reference, events, SHARDS, 0, 0)));

        final Process child = ChildJvm.start(CrashChild.class, CrashChild.arguments(torn, events, SHARDS, 200, 0));
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)))
        {
            assertTrue(out.readLine().startsWith("READY"));
            assertTrue(!child.waitFor(400, TimeUnit.MILLISECONDS), "still running when killed");
            child.destroyForcibly();
            child.waitFor();
        }
        final String tornAt = ChildJvm.run(TornAppendChild.class, torn.resolve("input").toString());
        assertTrue(tornAt.startsWith("TORN at "), tornAt);

        assertEquals("DONE", ChildJvm.run(CrashChild.class, CrashChild.arguments(torn, events, SHARDS, 0, 0)),
            "the restart gets past the torn record");
        final List<String> expected = new ArrayList<>(OutputRecords.read(reference, SHARDS));
        final List<String> actual = new ArrayList<>(OutputRecords.read(torn, SHARDS));
        expected.sort(null);
        actual.sort(null);
        assertTrue(expected.size() > 1_000, "outputs: " + expected.size());
        assertEquals(expected, actual, "same outputs as the run nobody interrupted");
    }

    /** Changes one byte of an input journal record's message, as bit rot on disk would. */
    static void flipPayloadByte(final Path storage, final long index, final int byteOfMessage) throws IOException
    {
        TestFiles.flipByte(cycleFile(storage), payloadPosition(storage, index) + byteOfMessage);
    }

    /** The run is short, so the input journal is one daily cycle file. */
    private static Path cycleFile(final Path storage) throws IOException
    {
        try (Stream<Path> files = Files.list(storage.resolve("input")))
        {
            final List<Path> cycles = files.filter(f -> f.toString().endsWith(".cq4")).toList();
            assertEquals(1, cycles.size(), cycles.toString());
            return cycles.get(0);
        }
    }

    /** Where the document (the batch) holding a record starts in its cycle file. */
    private static long documentPosition(final Path storage, final long index)
    {
        return readOffTheJournal(storage, index, ChronicleMessageLog::documentPositionInFile);
    }

    /** The first record of the document holding a record: the index its damage is reported at. */
    static long documentFirstIndex(final Path storage, final long index)
    {
        return readOffTheJournal(storage, index, ChronicleMessageLog::documentFirstIndex);
    }

    /** Where a record's message starts in its cycle file. */
    private static long payloadPosition(final Path storage, final long index)
    {
        return readOffTheJournal(storage, index, ChronicleMessageLog::messagePositionInFile);
    }

    private static long readOffTheJournal(
        final Path storage, final long index, final java.util.function.ToLongBiFunction<ChronicleMessageLog, Long> query)
    {
        try (ChronicleMessageLog log = ChronicleMessageLog.readOnly(storage.resolve("input")))
        {
            final long found = query.applyAsLong(log, index);
            assertTrue(found >= 0, "index " + index + " is in the journal");
            return found;
        }
    }
}
