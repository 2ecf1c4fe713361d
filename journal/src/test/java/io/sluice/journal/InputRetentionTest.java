package io.sluice.journal;

import io.sluice.CheckpointInfo;
import io.sluice.Sluice;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Input journal retention: five-minute files, rolled by a clock the test moves, one checkpoint per file, two
 * checkpoints kept. Deleting files behind the oldest kept checkpoint must leave recovery exactly as able as
 * before, and a recovery that would need a deleted file must refuse.
 */
class InputRetentionTest
{
    private static final int SHARDS = 2;
    private static final int CYCLES = 5;
    private static final int EVENTS_PER_CYCLE = 4_000;
    private static final long FIVE_MINUTES_MS = 5 * 60_000L;

    @Test
    void filesBehindTheOldestKeptCheckpointGoAndRecoveryStillWorks(@TempDir final Path temp) throws IOException
    {
        final Path retained = temp.resolve("retained");
        final List<CheckpointInfo> checkpoints = run(retained, InputRetention.SINCE_OLDEST_CHECKPOINT);
        final Path kept = temp.resolve("kept");
        run(kept, InputRetention.KEEP_ALL);

        assertEquals(CYCLES + 1, cycleFiles(kept).size(), "keep-all: a file per cycle, and one for the end of input");
        assertEquals(3, cycleFiles(retained).size(), "the cycles of the two kept checkpoints, and the end of input's");
        final long oldestKept = checkpoints.get(CYCLES - 2).journalIndex();
        final long retainedFrom = RollCycles.FIVE_MINUTELY.toIndex(RollCycles.FIVE_MINUTELY.toCycle(oldestKept), 0);
        try (JournalStorage storage = reopen(retained, InputRetention.SINCE_OLDEST_CHECKPOINT))
        {
            assertEquals(retainedFrom, storage.inputRetainedFrom());
        }
        assertEquals(OutputRecords.readRaw(kept, SHARDS), OutputRecords.readRaw(retained, SHARDS), "retention changes no output");

        final Path restartedCopy = TestFiles.copyTree(retained, temp.resolve("restarted"));
        TestFiles.deleteRecursively(restartedCopy.resolve("output"));
        try (Sluice restarted = engine(restartedCopy, InputRetention.SINCE_OLDEST_CHECKPOINT, new SetTimeProvider(0)))
        {
            assertEquals(checkpoints.get(CYCLES - 1).id(), restarted.restoredCheckpointId());
        }
        final List<String> all = OutputRecords.readRaw(kept, SHARDS);
        final List<String> replayed = OutputRecords.readRaw(restartedCopy, SHARDS);
        assertTrue(!replayed.isEmpty() && all.containsAll(replayed), "the retained journal replays the tail exactly");
    }

    @Test
    void recoveryThatWouldNeedADeletedFileRefuses(@TempDir final Path temp) throws IOException
    {
        final Path retained = temp.resolve("retained");
        final List<CheckpointInfo> checkpoints = run(retained, InputRetention.SINCE_OLDEST_CHECKPOINT);
        for (final CheckpointInfo checkpoint : checkpoints.subList(CYCLES - 2, CYCLES))
        {
            TestFiles.flipByte(new FileCheckpointStore(retained.resolve("checkpoints")).checkpointDirectory(checkpoint.id())
                .resolve("shard-0.state"), 5);
        }
        final IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> engine(retained, InputRetention.SINCE_OLDEST_CHECKPOINT, new SetTimeProvider(0)).close());
        assertTrue(refused.getMessage().contains("retention deleted the input journal before index") &&
            refused.getMessage().contains("no checkpoint verifies"), refused.getMessage());
    }

    private static List<CheckpointInfo> run(final Path directory, final InputRetention retention)
    {
        final SetTimeProvider clock = new SetTimeProvider(0);
        final List<CheckpointInfo> checkpoints = new ArrayList<>();
        try (Sluice sluice = engine(directory, retention, clock))
        {
            int event = 0;
            for (int cycle = 0; cycle < CYCLES; cycle++)
            {
                for (int i = 0; i < EVENTS_PER_CYCLE; i++)
                {
                    CheckpointRecoveryTest.publish(sluice, event++);
                }
                checkpoints.add(sluice.checkpoint());
                clock.currentTimeMillis((cycle + 1) * FIVE_MINUTES_MS); // the next appends roll to a new file
            }
        }
        return checkpoints;
    }

    private static Sluice engine(final Path directory, final InputRetention retention, final SetTimeProvider clock)
    {
        return CrashChild.withPipelines(Sluice.builder(), Duration.ofMillis(500))
            .shards(SHARDS)
            .ringSize(1 << 10)
            .storage(JournalStorage.open(directory, RollCycles.FIVE_MINUTELY, retention, clock))
            .checkpointInterval(Duration.ZERO)
            .checkpointsToKeep(2)
            .start();
    }

    private static JournalStorage reopen(final Path directory, final InputRetention retention)
    {
        return JournalStorage.open(directory, RollCycles.FIVE_MINUTELY, retention, new SetTimeProvider(0));
    }

    private static List<Path> cycleFiles(final Path storage) throws IOException
    {
        try (Stream<Path> files = Files.list(storage.resolve("input")))
        {
            return files.filter(f -> f.toString().endsWith(".cq4")).sorted().toList();
        }
    }
}
