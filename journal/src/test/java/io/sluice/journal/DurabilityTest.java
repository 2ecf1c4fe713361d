package io.sluice.journal;

import io.sluice.Sluice;
import io.sluice.storage.Durability;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Flushing the journal per batch changes when results go out, never which. */
class DurabilityTest
{
    @Test
    void syncModeJournalsAndProducesExactlyWhatDefaultModeDoes(@TempDir final Path temp)
    {
        final Path plain = temp.resolve("default");
        final Path synced = temp.resolve("sync");
        run(plain, Durability.DEFAULT);
        run(synced, Durability.SYNC);
        final var expected = OutputRecords.readRaw(plain, 2);
        assertTrue(expected.size() > 1_000, "outputs: " + expected.size());
        assertEquals(expected, OutputRecords.readRaw(synced, 2));
    }

    private static void run(final Path directory, final Durability durability)
    {
        try (Sluice sluice = CrashChild.withPipelines(Sluice.builder(), Duration.ofMillis(500))
            .shards(2)
            .ringSize(1 << 10)
            .storage(JournalStorage.open(directory, RollCycles.FAST_DAILY, durability))
            .checkpointInterval(Duration.ZERO)
            .start())
        {
            for (int i = 0; i < 20_000; i++)
            {
                CheckpointRecoveryTest.publish(sluice, i);
            }
        }
    }
}
