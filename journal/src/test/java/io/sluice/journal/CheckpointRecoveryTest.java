package io.sluice.journal;

import io.sluice.CheckpointInfo;
import io.sluice.Sluice;
import io.sluice.state.KeyDictionary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpoints restore exactly: a run over tumbling, sliding and session pipelines (lateness, text and long
 * keys, late events) takes checkpoints at three points and ends. Restarting a copy of its directory from
 * each checkpoint, with the output journals removed, must reproduce every output after the checkpoint
 * byte for byte; damaged checkpoints must be skipped by name for the previous one.
 */
class CheckpointRecoveryTest
{
    static final int SHARDS = 2;
    private static final int EVENTS = 120_000;

    @TempDir
    static Path temp;
    private static Path original;
    private static List<CheckpointInfo> checkpoints;
    private static List<String> originalOutputs;

    @BeforeAll
    static void runWithCheckpoints()
    {
        original = temp.resolve("original");
        checkpoints = new ArrayList<>();
        try (Sluice sluice = engine(original, "tumbling"))
        {
            for (int i = 0; i < EVENTS; i++)
            {
                publish(sluice, i);
                if (i > 0 && i % (EVENTS / 4) == 0)
                {
                    checkpoints.add(sluice.checkpoint());
                }
            }
        }
        originalOutputs = OutputRecords.readRaw(original, SHARDS);
        assertEquals(3, checkpoints.size());
        assertTrue(originalOutputs.size() > 10_000, "plenty of outputs: " + originalOutputs.size());
    }

    @Test
    void replayFromEachCheckpointReproducesTheLaterOutputsByteForByte() throws IOException
    {
        for (final CheckpointInfo checkpoint : checkpoints)
        {
            final Path copy = copyOf(original, "replay-" + checkpoint.id());
            TestFiles.deleteRecursively(copy.resolve("output"));
            deleteCheckpointsAfter(copy, checkpoint.id());
            try (Sluice restored = engine(copy, "tumbling"))
            {
                assertEquals(checkpoint.id(), restored.restoredCheckpointId());
                assertEquals(List.of(), restored.recoveryWarnings());
                assertTrue(restored.recoveredRecords() > 0 && restored.recoveredRecords() < EVENTS,
                    "replayed only the tail: " + restored.recoveredRecords());
            }
            final List<List<String>> originalByShard = OutputRecords.readRawByShard(original, SHARDS);
            final List<List<String>> replayed = OutputRecords.readRawByShard(copy, SHARDS);
            for (int shard = 0; shard < SHARDS; shard++)
            {
                final List<String> before = originalByShard.get(shard);
                final List<String> after = replayed.get(shard);
                assertTrue(!after.isEmpty() && after.size() < before.size(),
                    "shard " + shard + " produced only the outputs after checkpoint " + checkpoint.id() + ": " + after.size() + " of " + before.size());
                assertSameRecords(before.subList(before.size() - after.size(), before.size()), after,
                    "shard " + shard + ": outputs after checkpoint " + checkpoint.id() + " equal the original run's, byte for byte");
            }
        }
    }

    @Test
    void damagedPartIsSkippedForThePreviousCheckpoint() throws IOException
    {
        final CheckpointInfo newest = checkpoints.get(2);
        final Path copy = copyOf(original, "damaged-part");
        TestFiles.flipByte(checkpointDirectory(copy, newest.id()).resolve("shard-1.state"), 100);
        assertFallsBackTo(copy, checkpoints.get(1).id(), "shard-1.state fails its checksum");
    }

    @Test
    void truncatedPartIsSkippedForThePreviousCheckpoint() throws IOException
    {
        final Path copy = copyOf(original, "truncated-part");
        final Path part = checkpointDirectory(copy, checkpoints.get(2).id()).resolve("sequencer.state");
        try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE))
        {
            channel.truncate(channel.size() - 3);
        }
        assertFallsBackTo(copy, checkpoints.get(1).id(), "sequencer.state has");
    }

    @Test
    void damagedManifestIsSkippedForThePreviousCheckpoint() throws IOException
    {
        final Path copy = copyOf(original, "damaged-manifest");
        TestFiles.flipByte(checkpointDirectory(copy, checkpoints.get(2).id()).resolve("MANIFEST"), 30);
        assertFallsBackTo(copy, checkpoints.get(1).id(), "MANIFEST fails its checksum");
    }

    @Test
    void checkpointWithoutManifestIsIncompleteAndSkipped() throws IOException
    {
        final Path copy = copyOf(original, "partial");
        Files.delete(checkpointDirectory(copy, checkpoints.get(2).id()).resolve("MANIFEST"));
        assertFallsBackTo(copy, checkpoints.get(1).id(), "is incomplete");
    }

    @Test
    void everyCheckpointDamagedMeansReplayingTheWholeJournal() throws IOException
    {
        final Path copy = copyOf(original, "all-damaged");
        for (final CheckpointInfo checkpoint : checkpoints)
        {
            TestFiles.flipByte(checkpointDirectory(copy, checkpoint.id()).resolve("shard-0.state"), 7);
        }
        try (Sluice restored = engine(copy, "tumbling"))
        {
            assertEquals(-1, restored.restoredCheckpointId());
            assertEquals(3, restored.recoveryWarnings().size());
            assertTrue(restored.recoveredRecords() > EVENTS, "the whole journal replayed: " + restored.recoveredRecords());
        }
        assertEquals(originalOutputs, OutputRecords.readRaw(copy, SHARDS), "nothing duplicated, nothing lost");
    }

    @Test
    void checkpointOfAnotherConfigurationRefusesToStart() throws IOException
    {
        final Path copy = copyOf(original, "other-configuration");
        final IllegalStateException refused = assertThrows(IllegalStateException.class, () -> engine(copy, "tumbling-2s").close());
        assertTrue(refused.getMessage().contains("another configuration"), refused.getMessage());
    }

    private static void assertFallsBackTo(final Path copy, final long expectedId, final String reason)
    {
        try (Sluice restored = engine(copy, "tumbling"))
        {
            assertEquals(expectedId, restored.restoredCheckpointId(), restored.recoveryWarnings().toString());
            assertEquals(1, restored.recoveryWarnings().size(), restored.recoveryWarnings().toString());
            final String warning = restored.recoveryWarnings().get(0);
            assertTrue(warning.contains(checkpointDirectory(copy, checkpoints.get(2).id()).toString()) && warning.contains(reason), warning);
        }
        assertSameRecords(originalOutputs, OutputRecords.readRaw(copy, SHARDS), "nothing duplicated, nothing lost");
    }

    /** Reports the first difference only: the lists hold tens of thousands of records. */
    private static void assertSameRecords(final List<String> expected, final List<String> actual, final String what)
    {
        final int common = Math.min(expected.size(), actual.size());
        for (int i = 0; i < common; i++)
        {
            if (!expected.get(i).equals(actual.get(i)))
            {
                assertEquals(expected.get(i), actual.get(i), what + ": first difference at record " + i);
            }
        }
        assertEquals(expected.size(), actual.size(), what + ": record count");
    }

    static Sluice engine(final Path directory, final String tumbling)
    {
        final Duration size = tumbling.equals("tumbling") ? Duration.ofMillis(500) : Duration.ofSeconds(2);
        return CrashChild.withPipelines(Sluice.builder(), size)
            .shards(SHARDS)
            .ringSize(1 << 10)
            .storage(JournalStorage.open(directory))
            .checkpointInterval(Duration.ZERO)
            .checkpointsToKeep(10)
            .start();
    }

    static void publish(final Sluice sluice, final int i)
    {
        final long h = KeyDictionary.mix(i + 1);
        final long eventTime = i / 20 - Math.floorMod(h, 120);
        final long value = Math.floorMod(h >>> 20, 1000) - 100;
        final int pipeline = i % 3;
        if ((h & 7) == 0)
        {
            sluice.publish(pipeline, 0, eventTime, "user-é-" + Math.floorMod(h >>> 8, 300), value, i + 1);
        }
        else
        {
            sluice.publish(pipeline, 0, eventTime, Math.floorMod(h >>> 8, 2_000), value, i + 1);
        }
    }

    private static Path checkpointDirectory(final Path storage, final long id)
    {
        return new FileCheckpointStore(storage.resolve("checkpoints")).checkpointDirectory(id);
    }

    private static void deleteCheckpointsAfter(final Path storage, final long id) throws IOException
    {
        for (final CheckpointInfo checkpoint : checkpoints)
        {
            if (checkpoint.id() > id)
            {
                TestFiles.deleteRecursively(checkpointDirectory(storage, checkpoint.id()));
            }
        }
    }

    private static Path copyOf(final Path source, final String name) throws IOException
    {
        return TestFiles.copyTree(source, temp.resolve(name));
    }
}
