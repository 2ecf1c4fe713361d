package io.sluice.journal;

import io.sluice.Sluice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A storage's shard count is recorded once, before any output journal exists, and holds it to that count. */
class ShardCountRecordTest
{
    @Test
    void aStartKilledWhileCreatingOutputJournalsRestartsWithItsShardCount(@TempDir final Path temp) throws Exception
    {
        final Path directory = temp.resolve("storage");
        // What a start killed between its first and second output journal leaves: the count, and shard 0's journal.
        try (JournalStorage storage = JournalStorage.open(directory))
        {
            assertEquals(2, storage.shardCount(2));
            storage.outputLog(0);
        }
        assertEquals("2\n", Files.readString(directory.resolve("shards")));

        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> engine(directory, 1));
        assertTrue(refused.getMessage().contains("was written by 2 shards") && refused.getMessage().contains("shards(2)"),
            refused.getMessage());

        // The refused start let go of the directory: the right count starts in the same process.
        try (Sluice sluice = engine(directory, 2))
        {
            for (int i = 0; i < 5_000; i++)
            {
                CheckpointRecoveryTest.publish(sluice, i);
            }
        }
        assertTrue(OutputRecords.readRaw(directory, 2).size() > 0, "both shards' results were journaled");
    }

    @Test
    void aDirectoryFromBeforeTheRecordTakesItsCountFromItsOutputJournals(@TempDir final Path temp) throws Exception
    {
        final Path directory = temp.resolve("storage");
        try (JournalStorage storage = JournalStorage.open(directory))
        {
            storage.outputLog(0);
            storage.outputLog(1);
            storage.outputLog(2);
        }
        try (JournalStorage storage = JournalStorage.open(directory))
        {
            assertEquals(3, storage.shardCount(1));
        }
        assertEquals("3\n", Files.readString(directory.resolve("shards")));
    }

    @Test
    void aDamagedRecordIsAnErrorThatNamesTheFile(@TempDir final Path temp) throws Exception
    {
        final Path directory = temp.resolve("storage");
        try (JournalStorage storage = JournalStorage.open(directory))
        {
            storage.shardCount(2);
        }
        Files.writeString(directory.resolve("shards"), "two\n");
        try (JournalStorage storage = JournalStorage.open(directory))
        {
            final IllegalStateException damaged = assertThrows(IllegalStateException.class, () -> storage.shardCount(2));
            assertTrue(damaged.getMessage().contains(directory.resolve("shards").toString()) && damaged.getMessage().contains("\"two\""),
                damaged.getMessage());
        }
    }

    private static Sluice engine(final Path directory, final int shards)
    {
        return CrashChild.withPipelines(Sluice.builder(), Duration.ofMillis(500))
            .shards(shards)
            .ringSize(1 << 10)
            .storage(JournalStorage.open(directory))
            .checkpointInterval(Duration.ZERO)
            .start();
    }
}
