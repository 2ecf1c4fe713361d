package io.sluice.journal;

import io.sluice.Aggregates;
import io.sluice.JournalRange;
import io.sluice.JournalRecord;
import io.sluice.JournalReplay;
import io.sluice.Sluice;
import io.sluice.Watermarks;
import io.sluice.Windows;
import io.sluice.state.KeyDictionary;
import io.sluice.storage.JournalDamagedException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Audit and what-if replay of a recorded input journal: reading it by index and by event time gives back
 * exactly what was published; re-running it through engines rebuilds the recorded outputs, or answers a
 * question the recording engine was never asked; and the recorded directory is never written.
 */
class JournalReplayTest
{
    private static final int SHARDS = 2;
    private static final int EVENTS = 30_000;

    @TempDir
    static Path temp;
    private static Path recorded;

    @BeforeAll
    static void record()
    {
        recorded = temp.resolve("recorded");
        try (Sluice sluice = CheckpointRecoveryTest.engine(recorded, "tumbling"))
        {
            for (int i = 0; i < EVENTS; i++)
            {
                CheckpointRecoveryTest.publish(sluice, i);
            }
        }
    }

    @Test
    void readingEverythingGivesBackEachPublishedEventInOrderThenTheEnd()
    {
        final List<String> records = new ArrayList<>();
        final long[] previousIndex = {Long.MIN_VALUE};
        try (JournalReplay replay = JournalReplay.of(JournalStorage.readInputJournal(recorded)))
        {
            assertEquals(EVENTS + 1, replay.read(JournalRange.all(), record ->
            {
                assertTrue(record.index() > previousIndex[0], "indexes increase");
                previousIndex[0] = record.index();
                records.add(describe(record));
            }));
            assertEquals(previousIndex[0], replay.lastIndex());
        }
        for (int i = 0; i < EVENTS; i++)
        {
            assertEquals(expected(i), records.get(i), "event " + i);
        }
        assertEquals("END_OF_INPUT", records.get(EVENTS));
    }

    @Test
    void anIndexRangeIsInclusiveAndAnEventTimeRangeSelectsEventsAnywhere()
    {
        try (JournalReplay replay = JournalReplay.of(JournalStorage.readInputJournal(recorded)))
        {
            final List<JournalRecordCopy> all = new ArrayList<>();
            replay.read(JournalRange.all(), record -> all.add(new JournalRecordCopy(record.index(), describe(record))));
            final long from = all.get(1_000).index();
            final long to = all.get(1_999).index();
            final List<String> range = new ArrayList<>();
            assertEquals(1_000, replay.read(JournalRange.indexes(from, to), record -> range.add(describe(record))));
            assertEquals(expected(1_000), range.get(0));
            assertEquals(expected(1_999), range.get(999));

            final long fromMs = 300;
            final long toMs = 450;
            final List<String> expectedInTime = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++)
            {
                final long time = eventTime(i);
                if (time >= fromMs && time < toMs)
                {
                    expectedInTime.add(expected(i));
                }
            }
            final List<String> inTime = new ArrayList<>();
            replay.read(JournalRange.eventTimes(fromMs, toMs), record -> inTime.add(describe(record)));
            assertTrue(expectedInTime.size() > 1_000, "a real selection: " + expectedInTime.size());
            assertSameLines(expectedInTime, inTime);

            final List<String> both = new ArrayList<>();
            replay.read(JournalRange.indexes(from, to).withEventTimes(fromMs, toMs), record -> both.add(describe(record)));
            assertEquals(expectedInTime.stream().filter(range::contains).toList(), both);
        }
    }

    @Test
    void rerunningTheJournalThroughTheSameConfigurationRebuildsTheRecordedOutputsByteForByte()
    {
        final Path rebuilt = temp.resolve("rebuilt");
        try (JournalReplay replay = JournalReplay.of(JournalStorage.readInputJournal(recorded));
             Sluice engine = CheckpointRecoveryTest.engine(rebuilt, "tumbling"))
        {
            assertEquals(EVENTS, replay.rerun(JournalRange.all(), engine));
        }
        final List<String> original = OutputRecords.readRaw(recorded, SHARDS);
        assertTrue(original.size() > 1_000, "outputs: " + original.size());
        assertSameLines(original, OutputRecords.readRaw(rebuilt, SHARDS));
    }

    @Test
    void aWhatIfPipelineOverTheRecordingAnswersAsIfItHadRunLive() throws Exception
    {
        final String before = fingerprint(recorded);
        final List<String> whatIf = java.util.Collections.synchronizedList(new ArrayList<>());
        try (JournalReplay replay = JournalReplay.of(JournalStorage.readInputJournal(recorded));
             Sluice engine = twoSecondWindows(whatIf))
        {
            // Only the recorded "clicks" pipeline (id 0), in 2 s windows instead of 500 ms.
            replay.rerun(JournalRange.all(), engine, id -> id == 0 ? "what-if" : null);
        }
        final List<String> live = java.util.Collections.synchronizedList(new ArrayList<>());
        try (Sluice engine = twoSecondWindows(live))
        {
            for (int i = 0; i < EVENTS; i += 3) // the clicks pipeline's events, as CheckpointRecoveryTest publishes them
            {
                publishClick(engine, i);
            }
        }
        whatIf.sort(null);
        live.sort(null);
        assertTrue(live.size() > 100, "results: " + live.size());
        assertSameLines(live, whatIf);
        assertEquals(before, fingerprint(recorded), "the recorded directory is untouched");
    }

    @Test
    void aDamagedRecordStopsTheReadAtItsDocument() throws IOException
    {
        final Path copy = TestFiles.copyTree(recorded, temp.resolve("damaged"));
        final long[] damagedIndex = {0};
        try (JournalReplay replay = JournalReplay.of(JournalStorage.readInputJournal(copy)))
        {
            replay.read(JournalRange.all(), record ->
            {
                if (damagedIndex[0] == 0 && record.eventTimeMs() > 1_000)
                {
                    damagedIndex[0] = record.index();
                }
            });
        }
        final long documentFirst = JournalDamageTest.documentFirstIndex(copy, damagedIndex[0]);
        JournalDamageTest.flipPayloadByte(copy, damagedIndex[0], 12);
        try (JournalReplay replay = JournalReplay.of(JournalStorage.readInputJournal(copy)))
        {
            final JournalDamagedException damaged = assertThrows(JournalDamagedException.class, () -> replay.read(JournalRange.all(), r -> { }));
            assertEquals(documentFirst, damaged.index(), "named by the first record of the damaged record's document");
        }
    }

    @Test
    void theLongestTextKeyIsJournaledAndReadBackWhole()
    {
        final Path directory = temp.resolve("longest-key");
        final String longest = "é".repeat(Sluice.Builder.MAX_KEY_LENGTH - 1) + "x"; // 2 UTF-8 bytes a char, but for one
        final List<String> results = new ArrayList<>();
        try (Sluice sluice = Sluice.builder().ringSize(16).maxKeyLength(Sluice.Builder.MAX_KEY_LENGTH).storage(JournalStorage.open(directory))
            .pipeline("p", p -> p.window(Windows.tumbling(Duration.ofMillis(10))).onResult(r -> results.add(r.key().length() + "," + r.count())))
            .start())
        {
            sluice.publish("p", 1, longest, 5);
            sluice.publish("p", 2, 0L, 6);
            sluice.publish("p", 3, longest, 7);
        }
        assertEquals(List.of("1,1", "65535,2"), results.stream().sorted().toList());

        final List<String> keys = new ArrayList<>();
        try (JournalReplay replay = JournalReplay.of(JournalStorage.readInputJournal(directory)))
        {
            replay.read(JournalRange.all(), record ->
            {
                if (record.isEvent())
                {
                    keys.add(record.isLongKey() + "," + record.keyAsLong() + "," + record.key().toString().equals(longest) + "," + record.value());
                }
            });
        }
        assertEquals(List.of("false,0,true,5", "true,0,false,6", "false,0,true,7"), keys);
    }

    @Test
    void aDirectoryWithoutJournalIsACleanError()
    {
        final IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
            () -> JournalStorage.readInputJournal(temp.resolve("nothing-here")));
        assertTrue(error.getMessage().contains("no input journal at"), error.getMessage());
    }

    /** Compares long lists without printing them whole. */
    private static void assertSameLines(final List<String> expected, final List<String> actual)
    {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++)
        {
            assertEquals(expected.get(i), actual.get(i), "first difference at line " + i);
        }
        assertEquals(expected.size(), actual.size(), "line count");
    }

    private record JournalRecordCopy(long index, String text)
    {
    }

    private static Sluice twoSecondWindows(final List<String> results)
    {
        return Sluice.builder().shards(SHARDS)
            .pipeline("what-if", p -> p
                .watermarks(Watermarks.boundedOutOfOrderness(Duration.ofMillis(50)))
                .window(Windows.tumbling(Duration.ofSeconds(2)))
                .aggregate(Aggregates.count(), Aggregates.sum(), Aggregates.max())
                .onResult(r -> results.add(r.windowStartMs() + "," + r.key() + "," + r.count() + "," + r.sum() + "," + r.max() + "," + r.firing())))
            .start();
    }

    private static void publishClick(final Sluice sluice, final int i)
    {
        final long h = KeyDictionary.mix(i + 1);
        if ((h & 7) == 0)
        {
            sluice.publish(0, 0, eventTime(i), "user-é-" + Math.floorMod(h >>> 8, 300), value(i), i + 1);
        }
        else
        {
            sluice.publish(0, 0, eventTime(i), Math.floorMod(h >>> 8, 2_000), value(i), i + 1);
        }
    }

    /** What CheckpointRecoveryTest.publish sent for event i, as {@link #describe} writes it. */
    private static String expected(final int i)
    {
        final long h = KeyDictionary.mix(i + 1);
        final String key = (h & 7) == 0 ? "text:user-é-" + Math.floorMod(h >>> 8, 300) : "long:" + Math.floorMod(h >>> 8, 2_000);
        return "EVENT " + (i % 3) + " 0 " + eventTime(i) + " " + key + " " + value(i) + " " + (i + 1);
    }

    private static long eventTime(final int i)
    {
        return i / 20 - Math.floorMod(KeyDictionary.mix(i + 1), 120);
    }

    private static long value(final int i)
    {
        return Math.floorMod(KeyDictionary.mix(i + 1) >>> 20, 1000) - 100;
    }

    private static String describe(final JournalRecord record)
    {
        if (!record.isEvent())
        {
            return record.type().name();
        }
        return "EVENT " + record.pipelineId() + " " + record.partition() + " " + record.eventTimeMs() + " " +
            (record.isLongKey() ? "long:" + record.keyAsLong() : "text:" + record.key()) + " " + record.value() + " " + record.sourcePosition();
    }

    /** Names, sizes and contents of every file under a directory. */
    private static String fingerprint(final Path directory) throws Exception
    {
        final MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> files = Files.walk(directory))
        {
            for (final Path file : files.filter(Files::isRegularFile).sorted().toList())
            {
                digest.update(directory.relativize(file).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                digest.update(Files.readAllBytes(file));
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
